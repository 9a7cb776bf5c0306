import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { normaliseMessageId, referencedMessageIds } from './message-id';

describe('normaliseMessageId', () => {
  it.each([
    ['<abc@x.no>', 'abc@x.no'],
    ['  <<abc@x.no>> ', 'abc@x.no'],
    ['<a b@x.no>', 'ab@x.no'],
    ['<>', null],
    ['', null],
  ])('%j is %j', (raw, id) => {
    expect(normaliseMessageId(raw)).toBe(id);
  });

  it.each([...HOSTILE_PIECES, '>a'])('answers at once on a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => normaliseMessageId(megabyteOf(piece, 'x')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toMatch(/^sha256:[0-9a-f]{64}$|^x$/);
  });

  it('strips a megabyte of ">" at the end at once, and keeps the ones inside', () => {
    const { result, ms } = timed(() => normaliseMessageId('<a>b' + megabyteOf('>')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toBe('a>b');
  });
});

describe('referencedMessageIds', () => {
  it('lists In-Reply-To, then References newest first', () => {
    expect(referencedMessageIds('<c@x>', '<a@x> <b@x> <c@x>')).toEqual(['c@x', 'b@x', 'a@x']);
    expect(referencedMessageIds(null, ['<a@x>', '<b@x>'])).toEqual(['b@x', 'a@x']);
  });

  it.each(HOSTILE_PIECES)('answers at once on headers of a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => referencedMessageIds(megabyteOf(piece), megabyteOf(piece, ' <new@x>')));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.length).toBeLessThanOrEqual(50);
  });

  it('still finds the newest reference at the end of a very long References header', () => {
    const refs = Array.from({ length: 20_000 }, (_, i) => `<id${i}@x.no>`).join(' ');
    expect(referencedMessageIds(null, refs)[0]).toBe('id19999@x.no');
  });
});
