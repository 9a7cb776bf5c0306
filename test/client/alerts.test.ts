import { firstOccurrence, toRrule, type Recurrence } from '../../client/src/features/alerts/recurrence';
import { audienceOf, insertAt, sendRequestOf, type Composition } from '../../client/src/features/alerts/request';
import { liveness, progressOf } from '../../client/src/features/alerts/progress';
import { csvCell, toCsv } from '../../client/src/shared/csv';
import { parseRoute } from '../../client/src/shared/routes';

// Local wall-clock dates, so the tests hold in any TZ the machine runs in.
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);
const weekly = (days: Recurrence['days'], time = '07:00', until = ''): Recurrence => ({ freq: 'weekly', days, time, until });

describe('the alerts recurrence builder', () => {
  it('writes a weekly rule with its days in week order and the clock time spelled out', () => {
    expect(toRrule(weekly(['TH', 'MO'], '07:05'))).toBe('FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=7;BYMINUTE=5;BYSECOND=0');
    expect(toRrule({ freq: 'daily', days: ['MO'], time: '18:30' })).toBe('FREQ=DAILY;BYHOUR=18;BYMINUTE=30;BYSECOND=0');
  });

  it('ends at the close of the last local day, written in UTC as RFC 5545 asks', () => {
    const end = local(2027, 3, 31, 23, 59);
    const stamp = new Date(end.getTime() + 59_000).toISOString().replace(/[-:]/g, '').replace('.000', '');
    expect(toRrule(weekly(['MO'], '07:00', '2027-03-31'))).toBe(`FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=0;BYSECOND=0;UNTIL=${stamp}`);
    expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('refuses an incomplete rule instead of writing a wrong one', () => {
    expect(toRrule(weekly([]))).toBeNull();
    expect(toRrule(weekly(['MO'], ''))).toBeNull();
    expect(toRrule(weekly(['MO'], '24:00'))).toBeNull();
    expect(toRrule(weekly(['MO'], '07:00', '2027-02-30'))).toBeNull();
    expect(toRrule(weekly(['MO'], '07:00', 'soon'))).toBeNull();
  });

  it('finds the first occurrence after now: later today, the next chosen weekday, or a week on', () => {
    const thursday8 = local(2026, 12, 3, 8, 0); // 3 December 2026 is a Thursday
    expect(firstOccurrence({ freq: 'daily', days: [], time: '09:00' }, thursday8)).toEqual(local(2026, 12, 3, 9, 0));
    expect(firstOccurrence({ freq: 'daily', days: [], time: '07:00' }, thursday8)).toEqual(local(2026, 12, 4, 7, 0));
    expect(firstOccurrence(weekly(['MO', 'SA']), thursday8)).toEqual(local(2026, 12, 5, 7, 0));
    expect(firstOccurrence(weekly(['TH'], '08:00'), thursday8)).toEqual(local(2026, 12, 10, 8, 0));
    expect(firstOccurrence(weekly(['TH'], '08:01'), thursday8)).toEqual(local(2026, 12, 3, 8, 1));
  });

  it('has no first occurrence when the last day comes before it', () => {
    expect(firstOccurrence(weekly(['MO'], '07:00', '2026-12-06'), local(2026, 12, 3, 8))).toBeNull();
    expect(firstOccurrence(weekly(['MO'], '07:00', '2026-12-07'), local(2026, 12, 3, 8))).toEqual(local(2026, 12, 7, 7, 0));
  });
});

describe('the alert send request', () => {
  const place = (id: string) => ({ id, name: `place ${id}` });
  const base: Composition = {
    body: 'Brak wody w {{locality}}',
    audience: { all: false, localities: [place('7')], streets: [place('12')], categories: ['water-roads'] },
    emergency: false,
    when: { kind: 'now' },
    overrideQuietHours: false,
  };
  const now = local(2026, 12, 3, 8);

  it('names localities, streets and categories as MISSION.md spells the audience', () => {
    expect(sendRequestOf(base, now)).toEqual({
      ok: true,
      request: { body: base.body, audience: { subscribers: { localities: ['7'], streets: ['12'], categories: ['water-roads'] } } },
    });
    expect(audienceOf({ all: true, localities: [place('7')], streets: [], categories: [] }, false)).toEqual({ subscribers: { all: true } });
  });

  it('drops categories for an emergency and never sends quietHours with it', () => {
    const r = sendRequestOf({ ...base, emergency: true, overrideQuietHours: true }, now);
    expect(r).toEqual({ ok: true, request: { body: base.body, audience: { subscribers: { localities: ['7'], streets: ['12'] } }, emergency: true } });
  });

  it('writes quietHours: false only when the officer ticked it', () => {
    const r = sendRequestOf({ ...base, overrideQuietHours: true }, now);
    expect(r.ok && r.request.quietHours).toBe(false);
    expect(r.ok && 'quietHours' in sendRequestOf(base, now)).toBe(false);
  });

  it('sends a recurring alert as its RRULE with sendAt at the first occurrence', () => {
    const r = sendRequestOf({ ...base, when: { kind: 'recurring', rule: weekly(['MO']) } }, now);
    expect(r).toMatchObject({
      ok: true,
      request: { rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=0;BYSECOND=0', sendAt: local(2026, 12, 7, 7).toISOString() },
    });
    expect(r.ok && 'skipHolidays' in r.request).toBe(false);
    const skipping = sendRequestOf({ ...base, when: { kind: 'recurring', rule: weekly(['MO']), skipHolidays: true } }, now);
    expect(skipping).toMatchObject({ ok: true, request: { skipHolidays: true } });
  });

  it('says what is missing: text, area, a future time', () => {
    expect(sendRequestOf({ ...base, body: '  ' }, now)).toEqual({ ok: false, reason: 'body' });
    expect(sendRequestOf({ ...base, audience: { all: false, localities: [], streets: [], categories: ['waste'] } }, now)).toEqual({
      ok: false,
      reason: 'audience',
    });
    expect(sendRequestOf({ ...base, when: { kind: 'at', at: '2026-12-03T07:59' } }, now)).toEqual({ ok: false, reason: 'when' });
    expect(sendRequestOf({ ...base, when: { kind: 'at', at: '' } }, now)).toEqual({ ok: false, reason: 'when' });
    expect(sendRequestOf({ ...base, when: { kind: 'recurring', rule: weekly([]) } }, now)).toEqual({ ok: false, reason: 'when' });
    const at = sendRequestOf({ ...base, when: { kind: 'at', at: '2026-12-03T09:15' } }, now);
    expect(at.ok && at.request.sendAt).toBe(local(2026, 12, 3, 9, 15).toISOString());
  });

  it('inserts a merge field at the caret or over the selection', () => {
    expect(insertAt('Woda: ', 6, 6, '{{street}}')).toEqual({ text: 'Woda: {{street}}', caret: 16 });
    expect(insertAt('a XX b', 2, 4, '{{locality}}')).toEqual({ text: 'a {{locality}} b', caret: 14 });
    expect(insertAt('ab', 9, 9, 'x')).toEqual({ text: 'abx', caret: 3 });
  });
});

describe('a send’s progress and report', () => {
  it('counts delivered, sent, failed and stopped as shares of the recipients', () => {
    const p = progressOf(10, { delivered: 5, sent: 2, failed: 1, undelivered: 1, queued: 1 });
    expect(p).toMatchObject({ delivered: 5, sent: 2, failed: 2, stopped: 0, waiting: 1, done: 9 });
    expect(p.share).toEqual({ delivered: 50, sent: 20, failed: 20, stopped: 0 });
    expect(progressOf(0, {}).share.delivered).toBe(0);
    // More messages than recipients (numbers beside an audience): never past a full bar.
    const over = progressOf(2, { delivered: 4 });
    expect(over.share.delivered).toBe(100);
  });

  it('reads messages the carrier took (dispatched, still queued) as sent, and queued without dispatch as waiting', () => {
    expect(progressOf(3, { queued: 3 }, 3)).toMatchObject({ sent: 3, waiting: 0, done: 3 });
    expect(progressOf(3, { queued: 2, delivered: 1 }, 3)).toMatchObject({ delivered: 1, sent: 2, waiting: 0, done: 3 });
    expect(progressOf(4, { queued: 3, failed: 1 }, 1)).toMatchObject({ failed: 1, sent: 0, waiting: 3, done: 1 });
    expect(progressOf(3, { queued: 3 })).toMatchObject({ sent: 0, waiting: 3, done: 0 });
  });

  it('keeps asking about sends going out or due, and about recent ones still awaiting reports', () => {
    const now = new Date('2026-12-03T08:00:00Z');
    const s = (state: string, sendAt: string | null, statuses: Record<string, number> = {}, createdAt = '2026-12-03T07:00:00Z') => ({
      state,
      sendAt,
      createdAt,
      recipients: 2,
      statuses,
      dispatched: 2,
    });
    expect(liveness(s('sending', null), now)).toBe('running');
    expect(liveness(s('scheduled', '2026-12-03T07:59:00Z'), now)).toBe('running');
    expect(liveness(s('scheduled', '2026-12-04T07:00:00Z'), now)).toBeNull();
    expect(liveness(s('sent', null, { queued: 1, delivered: 1 }), now)).toBe('reports');
    expect(liveness(s('sent', null, { failed: 1, delivered: 1 }), now)).toBeNull();
    expect(liveness(s('sent', null, { queued: 2 }, '2026-12-01T07:00:00Z'), now)).toBeNull();
    expect(liveness(s('cancelled', null, { stopped: 2 }), now)).toBeNull();
  });

  it('quotes a cell holding the separator in use', () => {
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b')).toBe('a;b');
    expect(toCsv(['x'], [{ x: 'a,b' }], ';')).toBe('x\r\na,b\r\n');
  });

  it('routes to the alert desk and to one send’s report', () => {
    expect(parseRoute('#/alerts')).toEqual({ name: 'alerts', sendId: undefined });
    expect(parseRoute('#/alerts/sends/42')).toEqual({ name: 'alerts', sendId: 42 });
    expect(parseRoute('#/alerts/sends/x')).toBeNull();
  });
});
