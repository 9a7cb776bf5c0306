import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { keywordOf } from './keywords';

describe('keywordOf', () => {
  it.each([
    ['STOPP', 'stop'],
    ['  stop!!! ', 'stop'],
    ['Hjelp?', 'help'],
    ['start .', 'start'],
    ['stopp lekkasjen i Storgata', null],
    ['', null],
  ])('%j is %j', (body, keyword) => {
    expect(keywordOf(body)).toBe(keyword);
  });

  it.each([...HOSTILE_PIECES, '.', '!?'])('answers at once on a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => keywordOf(megabyteOf(piece, 'a')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toBeNull();
  });

  it('answers at once on "stop" and a megabyte of "!"', () => {
    const { result, ms } = timed(() => keywordOf('stop' + megabyteOf('!')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toBeNull();
  });
});
