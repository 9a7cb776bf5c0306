import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { caseNumberCandidates } from './case-numbers';

describe('caseNumberCandidates', () => {
  it('names each case number in both spellings', () => {
    expect(caseNumberCandidates('Gjelder sak 2026/1234 og 26-77.')).toEqual(['2026/1234', '2026-1234', '26/77', '26-77']);
    expect(caseNumberCandidates('Ring 91234567')).toEqual([]);
  });

  it.each([...HOSTILE_PIECES, '1', '12/1 ', '2026-'])('answers at once on a megabyte of %j, with at most 20', (piece) => {
    const { result, ms } = timed(() => caseNumberCandidates(megabyteOf(piece)));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.length).toBeLessThanOrEqual(20);
  });

  it('stops at twenty: the first ten numbers of a megabyte of them', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `${2000 + (i % 30)}/${i}`).join(' ');
    const result = caseNumberCandidates(text);
    expect(result).toHaveLength(20);
    expect(result[18]).toBe('2009/9');
  });
});
