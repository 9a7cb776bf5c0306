import { duration, reportTexts } from '../../client/src/features/sms-reports/texts';

describe('SMS report texts', () => {
  it.each([
    [null, null],
    [0, '0.0 s'],
    [4000, '4.0 s'],
    [59_949, '59.9 s'],
    [61_500, '1 min 2 s'],
    [3_600_000, '1 h 0 min'],
    [5_430_000, '1 h 30 min'],
  ])('%j ms reads %j', (ms, out) => {
    expect(duration(ms)).toBe(out);
  });

  it('has every text in both languages', () => {
    expect(Object.keys(reportTexts('en')).sort()).toEqual(Object.keys(reportTexts('nb')).sort());
    for (const v of Object.values(reportTexts('en'))) expect(v).not.toBe('');
  });
});
