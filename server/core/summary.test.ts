import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { toSummary } from './summary';

describe('toSummary', () => {
  it.each([
    ['<p>Hei,</p>\n\n<p>vannet   er borte</p>', 'Hei, vannet er borte'],
    ['a < b og c > d', 'a d'],
    ['to <<b>>tags', 'to >tags'],
    ['uten lukking < her < og der', 'uten lukking < her < og der'],
    ['  \t ', ''],
  ])('%j is %j', (body, summary) => {
    expect(toSummary(body)).toBe(summary);
  });

  it('cuts at max with an ellipsis, and falls back to the subject', () => {
    expect(toSummary('abcdef', null, 4)).toBe('abc…');
    expect(toSummary('abcd', null, 4)).toBe('abcd');
    expect(toSummary('<p></p>', '  Søknad   om plass ')).toBe('Søknad om plass');
  });

  it.each(HOSTILE_PIECES)('answers at once on a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => toSummary(megabyteOf(piece, ' slutt')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.length).toBeLessThanOrEqual(200);
  });

  it('keeps the text of a megabyte of unclosed "<"', () => {
    const { result, ms } = timed(() => toSummary(megabyteOf('<'), 'emne', 10));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toBe('<<<<<<<<<…');
  });

  it('finds the text after a megabyte of spaces and after a megabyte of tags', () => {
    expect(toSummary(megabyteOf(' ', 'hei'))).toBe('hei');
    expect(toSummary('<b>'.repeat(350_000) + 'hei')).toBe('hei');
  });
});
