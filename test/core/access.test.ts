import { ACCESS, may, TOTP_REQUIRED, type Capability } from '../../server/contracts/access';
import { ROLES, type Role } from '../../server/contracts/names';
import { actingScope, actsIn, assertMay, canReadCase, isAdmin, mustEnrolTotp, registerScope, seesEveryDepartment, type Actor } from '../../server/core/access';
import { AppError } from '../../server/core/errors';

/*
 * Who may do what, written out role by role for the six roles of MISSION.md. A change to the
 * capability table must change this test too: that is the point of it.
 */
const EXPECTED: Record<Role, Capability[]> = {
  admin: [
    'readRegister',
    'workInquiries',
    'takeCalls',
    'transferAnyCall',
    'sendSms',
    'manageSmsGroups',
    'seeDeliveryStatus',
    'readSmsReports',
    'sendAlerts',
    'manageAlertCategories',
    'importAddressRegister',
    'manageReminders',
    'reviewSends',
    'approveOwnSends',
    'keepRecords',
    'upsertCases',
    'administer',
    'seeEveryDepartment',
    'actInEveryDepartment',
  ],
  agent: ['readRegister', 'workInquiries', 'takeCalls', 'sendSms', 'manageSmsGroups', 'seeDeliveryStatus'],
  caseworker: ['readRegister', 'workInquiries', 'takeCalls', 'sendSms', 'manageSmsGroups', 'seeDeliveryStatus'],
  officer: ['sendSms', 'manageSmsGroups', 'seeDeliveryStatus', 'readSmsReports', 'sendAlerts', 'manageAlertCategories', 'manageReminders', 'reviewSends'],
  records: ['readRegister', 'seeDeliveryStatus', 'readSmsReports', 'keepRecords', 'seeEveryDepartment'],
  integration: ['upsertCases', 'readOwnCasesOnly'],
};

const capabilities = Object.keys(ACCESS) as Capability[];
const actor = (role: Role, departmentIds: number[] = [1]): Actor => ({ id: 7, name: 'N', email: 'n@example.org', role, departmentIds });

describe('capability table', () => {
  test('names only the roles of MISSION.md', () => {
    expect([...ROLES].sort()).toEqual(['admin', 'agent', 'caseworker', 'officer', 'records', 'integration'].sort());
    for (const c of capabilities) for (const r of ACCESS[c]) expect(ROLES).toContain(r);
  });

  test.each(ROLES.map((r) => [r]))('%s has exactly its capabilities', (role) => {
    expect(capabilities.filter((c) => may(role, c)).sort()).toEqual([...EXPECTED[role]].sort());
  });

  test('every capability is expected of someone', () => {
    expect(capabilities.sort()).toEqual([...new Set(Object.values(EXPECTED).flat())].sort());
  });

  test('an unknown role may nothing', () => {
    for (const c of capabilities) expect(may('superuser', c)).toBe(false);
  });

  test('admin, officer and records (and roles an admin adds) must enrol TOTP before acting, and only until they have', () => {
    expect(TOTP_REQUIRED).toEqual(['admin', 'officer', 'records']);
    for (const role of TOTP_REQUIRED) {
      expect(mustEnrolTotp({ role, totpEnabled: false })).toBe(true);
      expect(mustEnrolTotp({ role, totpEnabled: true })).toBe(false);
    }
    for (const role of ROLES.filter((r) => !TOTP_REQUIRED.includes(r))) expect(mustEnrolTotp({ role, totpEnabled: false })).toBe(false);
    // An admin may add roles; integration, a machine account, never needs TOTP even when added.
    expect(mustEnrolTotp({ role: 'agent', totpEnabled: false }, ['agent'])).toBe(true);
    expect(mustEnrolTotp({ role: 'integration', totpEnabled: false }, ['integration'])).toBe(false);
  });

  test('cannot be widened at run time', () => {
    expect(() => (ACCESS.administer as Role[]).push('agent')).toThrow();
    expect(may('agent', 'administer')).toBe(false);
  });
});

describe('policy', () => {
  test('assertMay answers 403 with the caller’s message, or the default one', () => {
    expect(() => assertMay(actor('agent'), 'administer', 'Only an administrator may do this')).toThrow(
      expect.objectContaining({ status: 403, code: 'forbidden', message: 'Only an administrator may do this' }),
    );
    expect(() => assertMay(actor('officer'), 'readRegister')).toThrow(AppError);
    expect(() => assertMay(actor('officer'), 'sendSms')).not.toThrow();
  });

  test('admin acts in every department; others in their own', () => {
    expect(actsIn(actor('admin', []), 5)).toBe(true);
    expect(actsIn(actor('records', [1]), 5)).toBe(false);
    expect(actsIn(actor('agent', [1, 5]), 5)).toBe(true);
    expect(actingScope(actor('admin', [1]))).toEqual({ all: true });
    expect(actingScope(actor('caseworker', [1, 2]))).toEqual({ all: false, departmentIds: [1, 2] });
  });

  test('admin and records read every department; officers and integration not the register', () => {
    expect(isAdmin(actor('admin'))).toBe(true);
    expect(ROLES.filter((r) => seesEveryDepartment({ role: r }))).toEqual(['admin', 'records']);
    expect(registerScope(actor('records'))).toEqual({ all: true });
    expect(registerScope(actor('agent', [3]))).toEqual({ all: false, departmentIds: [3] });
    expect(() => registerScope(actor('officer'))).toThrow(AppError);
    expect(() => registerScope(actor('integration'))).toThrow(AppError);
  });

  test('integration reads only the cases it wrote', () => {
    expect(canReadCase(actor('integration', []), { departmentId: 1, createdBy: 7 })).toBe(true);
    expect(canReadCase(actor('integration', []), { departmentId: 1, createdBy: 8 })).toBe(false);
    expect(canReadCase(actor('agent', [1]), { departmentId: 2, createdBy: 7 })).toBe(false);
    expect(canReadCase(actor('officer', [1]), { departmentId: 1, createdBy: 7 })).toBe(false);
  });
});
