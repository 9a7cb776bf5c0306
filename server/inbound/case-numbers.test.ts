import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { caseNumberCandidates, MAX_CANDIDATES } from './case-numbers';

describe('caseNumberCandidates', () => {
  it('names each case number as written and a pair of numbers in both spellings, whole tokens before their parts', () => {
    expect(caseNumberCandidates('Gjelder sak 2026/1234 og 26-77.')).toEqual(['2026/1234', '2026-1234', '26-77', '26/77', '2026', '1234']);
    expect(caseNumberCandidates('Ring 91234567')).toEqual(['91234567']);
    expect(caseNumberCandidates('Hei')).toEqual([]);
  });

  it('names a number the case system wrote without a separator, and with letters or a document number', () => {
    expect(caseNumberCandidates('Gjelder 2026001234, takk.')).toEqual(['2026001234']);
    expect(caseNumberCandidates('Ref. SAK-2026-17.')).toEqual(expect.arrayContaining(['SAK-2026-17', '2026-17', '2026/17']));
    expect(caseNumberCandidates('Vår ref 23/00123-4')).toEqual(expect.arrayContaining(['23/00123-4', '23/00123']));
    // A date written with dots is not given other spellings.
    expect(caseNumberCandidates('Møte 12.03')).toEqual(['12.03']);
  });

  it.each([...HOSTILE_PIECES, '1', '12/1 ', '2026-', '1-', 'a1', '9'])(`answers at once on a megabyte of %j, with at most ${MAX_CANDIDATES}`, (piece) => {
    const { result, ms } = timed(() => caseNumberCandidates(megabyteOf(piece)));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.length).toBeLessThanOrEqual(MAX_CANDIDATES);
  });

  it(`stops at ${MAX_CANDIDATES}: the first numbers of a megabyte of them`, () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `${2000 + (i % 30)}/${i}`).join(' ');
    const result = caseNumberCandidates(text);
    expect(result).toHaveLength(MAX_CANDIDATES);
    expect(result.slice(0, 4)).toEqual(['2000/0', '2000-0', '2001/1', '2001-1']);
    expect(result[18]).toBe('2009/9');
  });
});
