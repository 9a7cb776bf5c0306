import { isPowerCutReminderDue, powerCutReminderAt } from '../../server/alerts/reminders/power-cuts';
import { refuseColumn } from '../../server/alerts/reminders/overdue';
import { overdueText, powerCutNotice, wasteText } from '../../server/alerts/reminders/texts';
import { isWasteDue, wasteGroups, wasteReminderAt, wasteRequest } from '../../server/alerts/reminders/waste';
import { addDays, localParts, parseDay, zonedInstant } from '../../server/alerts/reminders/zoned-time';
import type { WasteCollection } from '../../server/alerts/reminders/entities';
import { ALERT_LANGS } from '../../server/alerts/subscriptions.schemas';

/*
 * The reminder modules' decisions without a database: when a reminder is due in the
 * municipality's time zone (summer time included), what one send holds, and what its text says.
 */

const oslo = { timeZone: 'Europe/Oslo', eveningAt: '18:00' };
const warsaw = { timeZone: 'Europe/Warsaw', eveningAt: '18:00' };

describe('local time in the municipality', () => {
  test('18:00 in Oslo is 17:00 UTC in winter and 16:00 UTC from the day summer time starts', () => {
    expect(zonedInstant('2026-03-28', '18:00', 'Europe/Oslo').toISOString()).toBe('2026-03-28T17:00:00.000Z');
    // 29 March 2026: clocks go from 02:00 to 03:00 in the night; the evening is already summer time.
    expect(zonedInstant('2026-03-29', '18:00', 'Europe/Oslo').toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect(zonedInstant('2026-10-25', '18:00', 'Europe/Oslo').toISOString()).toBe('2026-10-25T17:00:00.000Z');
    expect(zonedInstant('2026-07-01', '07:30', 'Europe/Warsaw').toISOString()).toBe('2026-07-01T05:30:00.000Z');
  });

  test('a time the clocks skip is read after the jump, a time shown twice as the first', () => {
    expect(zonedInstant('2026-03-29', '02:30', 'Europe/Oslo').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedInstant('2026-10-25', '02:30', 'Europe/Oslo').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  test('reads days as schedules write them, and refuses what is no day', () => {
    expect(parseDay('2026-03-10')).toBe('2026-03-10');
    expect(parseDay('10.03.2026')).toBe('2026-03-10');
    expect(parseDay('1/3/2026')).toBe('2026-03-01');
    for (const bad of ['2026-02-30', '31.04.2026', 'tomorrow', '2026-3-1', '10.03.26', '']) expect(parseDay(bad)).toBeNull();
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(localParts(new Date('2026-03-29T22:30:00Z'), 'Europe/Oslo')).toEqual({ day: '2026-03-30', hh: 0, mm: 30 });
  });
});

describe('waste reminders', () => {
  test('are due from 18:00 local the evening before, across the night summer time starts', () => {
    // Collection Monday 30 March 2026: the reminder is Sunday 29 March 18:00 CEST (16:00 UTC), the first evening of summer time.
    expect(wasteReminderAt('2026-03-30', oslo).toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect(isWasteDue('2026-03-30', new Date('2026-03-29T15:59:59Z'), oslo)).toBe(false);
    expect(isWasteDue('2026-03-30', new Date('2026-03-29T16:00:00Z'), oslo)).toBe(true);
    // Collection on Sunday 29 March: the reminder is Saturday 18:00 CET, still winter time (17:00 UTC).
    expect(isWasteDue('2026-03-29', new Date('2026-03-28T16:30:00Z'), oslo)).toBe(false);
    expect(isWasteDue('2026-03-29', new Date('2026-03-28T17:00:00Z'), oslo)).toBe(true);
    // Once the collection day has begun locally (00:00 CEST = 22:00 UTC) it is too late to remind.
    expect(isWasteDue('2026-03-30', new Date('2026-03-29T21:59:00Z'), oslo)).toBe(true);
    expect(isWasteDue('2026-03-30', new Date('2026-03-29T22:00:00Z'), oslo)).toBe(false);
    // The hour and zone are the municipality's setting.
    expect(isWasteDue('2026-03-30', new Date('2026-03-29T16:00:00Z'), { ...warsaw, eveningAt: '19:00' })).toBe(false);
    expect(isWasteDue('2026-03-30', new Date('2026-03-29T17:00:00Z'), { ...warsaw, eveningAt: '19:00' })).toBe(true);
  });

  const row = (id: number, over: Partial<WasteCollection>): WasteCollection => ({
    id,
    localityId: 1,
    streetId: null,
    areaKey: 'l1',
    fraction: 'Papier',
    fractionKey: 'papier',
    collectOn: '2026-03-30',
    createdBy: 7,
    createdAt: new Date(),
    ...over,
  });

  test('one send per fraction and day, to the waste subscribers of its streets and whole localities', () => {
    const rows = [
      row(1, { streetId: 11, areaKey: 's11' }),
      row(2, { streetId: 12, areaKey: 's12' }),
      row(3, { localityId: 2, areaKey: 'l2' }),
      row(4, { streetId: 11, areaKey: 's11', fraction: 'Szkło', fractionKey: 'szklo' }),
    ];
    const groups = wasteGroups(rows);
    expect(groups.map((g) => g.map((r) => r.id))).toEqual([[1, 2, 3], [4]]);
    const req = wasteRequest(groups[0], 'pl');
    expect(req.audience).toEqual({ subscribers: { localities: [2], streets: [11, 12], categories: ['waste'] } });
    expect(req.language).toBe('pl');
    expect(req.body).toBe(wasteText('pl', 'Papier', '2026-03-30'));
    expect(req.requestedBy).toBe(7);
  });

  test.each(ALERT_LANGS)('the %s text names the fraction and the day', (lang) => {
    const text = wasteText(lang, 'Restavfall', '2026-03-30');
    expect(text).toContain('Restavfall');
    expect(text).toContain(lang === 'en' ? '2026-03-30' : '30.03.2026');
    expect(text.length).toBeLessThan(120);
  });
});

describe('power cut reminders', () => {
  const cut = { startsAt: new Date('2026-03-30T06:00:00Z'), createdAt: new Date('2026-03-20T09:00:00Z'), state: 'planned' as const };

  test('are due the evening before the local day the cut begins, until it begins', () => {
    expect(powerCutReminderAt(cut, oslo).toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect(isPowerCutReminderDue(cut, new Date('2026-03-29T15:59:00Z'), oslo)).toBe(false);
    expect(isPowerCutReminderDue(cut, new Date('2026-03-29T16:00:00Z'), oslo)).toBe(true);
    expect(isPowerCutReminderDue(cut, new Date('2026-03-30T05:59:00Z'), oslo)).toBe(true);
    expect(isPowerCutReminderDue(cut, new Date('2026-03-30T06:00:00Z'), oslo)).toBe(false);
  });

  test('are not due for a cancelled cut, nor for one announced after that evening (its notice was the reminder)', () => {
    expect(isPowerCutReminderDue({ ...cut, state: 'cancelled' }, new Date('2026-03-29T17:00:00Z'), oslo)).toBe(false);
    expect(isPowerCutReminderDue({ ...cut, createdAt: new Date('2026-03-29T16:30:00Z') }, new Date('2026-03-29T17:00:00Z'), oslo)).toBe(false);
  });

  test('the notice gives the span in local time and the officer’s note', () => {
    const span = { startsAt: cut.startsAt, endsAt: new Date('2026-03-30T12:00:00Z'), note: 'Prace na linii SN.', timeZone: 'Europe/Warsaw' };
    expect(powerCutNotice('pl', span)).toBe('Planowane wyłączenie prądu: 30.03.2026 08:00–30.03.2026 14:00. Prace na linii SN.');
    expect(powerCutNotice('en', { ...span, note: null })).toBe('Planned power cut: 2026-03-30 08:00–2026-03-30 14:00.');
  });
});

describe('overdue payment reminders', () => {
  test.each(ALERT_LANGS)('the %s text holds the kind and the due day, and no other number', (lang) => {
    const text = overdueText(lang, 'podatek od nieruchomości', '2026-03-15');
    expect(text).toContain('podatek od nieruchomości');
    expect(text.replace(/2026-03-15|15\.03\.2026/, '')).not.toMatch(/\d/);
  });

  test('columns of amounts or names are refused by their header, in the lists’ languages', () => {
    for (const h of ['amount', 'kwota', 'belop', 'suma do zaplaty', 'total', 'nok']) expect(refuseColumn(h, h)).toMatch(/amounts/);
    for (const h of ['name', 'imie', 'nazwisko', 'imie i nazwisko', 'navn', 'etternavn', 'full name']) expect(refuseColumn(h, h)).toMatch(/names/);
    expect(refuseColumn('comment', 'comment')).toBeNull();
  });
});
