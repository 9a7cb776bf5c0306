import type { InboundContact } from '../../server/inbound/contract';
import type { RegisterEventMap } from '../../server/register/events';
import type { Engine } from './engines';
import { startServer, type TestServer } from './server';

export const OUR_NUMBER = '+4740000000';

/**
 * The register suites' server: departments sosial and teknisk (teknisk owning +4740000099), an
 * admin, the register's events collected as they happen, and `record()` for one inbound item with
 * defaults (each with a fresh provider id unless one is given).
 */
export async function startRegisterServer(engine: Engine) {
  const s: TestServer = await startServer(engine);
  await s.department('sosial');
  await s.department('teknisk');
  const admin = (await s.user('admin@kommune.no', 'admin', [])).token;
  const teknisk = (await s.app.register.departments.byCode('teknisk'))!;
  await s.app.db.transaction((m) =>
    s.app.register.departments.addAddress({ departmentId: teknisk.id, channel: 'sms', address: '+4740000099', isDefault: true }, m),
  );
  const opened: RegisterEventMap['inquiry:opened'][] = [];
  const updated: RegisterEventMap['inquiry:updated'][] = [];
  s.app.register.events.on('inquiry:opened', (e) => void opened.push(e));
  s.app.register.events.on('inquiry:updated', (e) => void updated.push(e));
  let seq = 0;
  const record = (over: Partial<InboundContact> = {}) =>
    s.app.inbound.record({
      channel: 'sms',
      externalId: `SM-inq-${++seq}`,
      from: { phone: '+4791700000' },
      to: OUR_NUMBER,
      body: `Melding ${seq}`,
      receivedAt: new Date(),
      ...over,
    });
  return { s, admin, opened, updated, record };
}
