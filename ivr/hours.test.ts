import { isOpen } from './hours';

const hours = { timezone: 'Europe/Oslo', weekly: { '1': ['08:00-15:30'], '2': ['08:00-11:00', '12:00-15:30'], '6': [] }, holidays: ['2026-05-18'] };

describe('opening hours', () => {
  it('is open around the clock without hours', () => {
    expect(isOpen(null, new Date('2026-05-17T03:00:00Z'))).toBe(true);
  });

  it('applies the department time zone (Oslo is UTC+2 in May)', () => {
    expect(isOpen(hours, new Date('2026-05-11T06:00:00Z'))).toBe(true); // Monday 08:00
    expect(isOpen(hours, new Date('2026-05-11T05:59:00Z'))).toBe(false); // 07:59
    expect(isOpen(hours, new Date('2026-05-11T13:29:00Z'))).toBe(true); // 15:29
    expect(isOpen(hours, new Date('2026-05-11T13:30:00Z'))).toBe(false); // 15:30 closes
  });

  it('honours a lunch break, closed weekdays and holidays', () => {
    expect(isOpen(hours, new Date('2026-05-12T09:30:00Z'))).toBe(false); // Tuesday 11:30
    expect(isOpen(hours, new Date('2026-05-12T10:30:00Z'))).toBe(true); // Tuesday 12:30
    expect(isOpen(hours, new Date('2026-05-13T08:00:00Z'))).toBe(false); // Wednesday: not listed
    expect(isOpen(hours, new Date('2026-05-16T08:00:00Z'))).toBe(false); // Saturday: empty
    expect(isOpen(hours, new Date('2026-05-18T08:00:00Z'))).toBe(false); // a Monday holiday
  });

  it('uses the local date for holidays, not the UTC one', () => {
    // 23:30 UTC on the 17th is 01:30 on the 18th in Oslo.
    const allDay = { timezone: 'Europe/Oslo', weekly: { '7': ['00:00-24:00'], '1': ['00:00-24:00'] }, holidays: ['2026-05-18'] };
    expect(isOpen(allDay, new Date('2026-05-17T21:30:00Z'))).toBe(true);
    expect(isOpen(allDay, new Date('2026-05-17T23:30:00Z'))).toBe(false);
  });
});
