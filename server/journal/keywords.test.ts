import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { wordIn } from './keywords';

describe('wordIn', () => {
  it.each([
    ['Søknad om byggesak i Storgata', 'Byggesak', true],
    ['byggesaken', 'byggesak', false],
    ['(klage)', 'klage', true],
    ['a . b', '.', true],
    ['a.b', '.', false],
  ])('%j has %j: %s', (text, word, found) => {
    expect(wordIn(text, word)).toBe(found);
  });

  it.each([...HOSTILE_PIECES, 'byggesa', 'æ'])('answers at once on a megabyte of %j', (piece) => {
    for (const word of ['byggesak', 'sak nr', 'a.b']) {
      const { result, ms } = timed(() => wordIn(megabyteOf(piece, ' x'), word));
      expect(ms).toBeLessThan(TIME_LIMIT_MS);
      expect(result).toBe(false);
    }
  });
});
