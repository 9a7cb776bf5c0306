import { toE164 } from '../../server/core/phone';
import { caseNumberCandidates } from '../../server/inbound/case-numbers';
import { toSummary } from '../../server/core/summary';

describe('phone numbers', () => {
  it.each(['+47 912 34 567', '0047 91234567', '912 34 567', '91234567', '+47-912-34-567', '(+47) 91234567'])('%s is +4791234567', (raw) => {
    expect(toE164(raw, 'NO')).toBe('+4791234567');
  });
  it.each(['', '12', 'abc', '+47 1', '91234567891234567', 'javascript:alert(1)'])('%s is not a number', (raw) => {
    expect(toE164(raw, 'NO')).toBeNull();
  });
  it('reads numbers of other countries in international form', () => {
    expect(toE164('+48 601 234 567', 'NO')).toBe('+48601234567');
    expect(toE164('+45 20 12 34 56', 'NO')).toBe('+4520123456');
  });
});

describe('text helpers', () => {
  it('finds case numbers as citizens write them', () => {
    expect(caseNumberCandidates('Gjelder sak 2026/1234 og 26-77')).toEqual(expect.arrayContaining(['2026/1234', '2026-1234', '26/77', '26-77']));
    expect(caseNumberCandidates('Ingen saksnummer her')).toEqual([]);
  });
  it('summarises as plain text of at least 80 characters, or the subject', () => {
    const long = `<p>${'Hei '.repeat(100)}</p>`;
    const s = toSummary(long);
    expect(s.length).toBeGreaterThanOrEqual(80);
    expect(s).not.toContain('<');
    expect(toSummary('', 'Søknad om barnehageplass')).toBe('Søknad om barnehageplass');
  });
});
