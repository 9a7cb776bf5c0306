import fc from 'fast-check';
import { segmentInfo } from '../../channels/twilio-sms/compose-text';
import { smsLength } from '../../client/src/shared/sms-length';

describe('SMS length (GSM 03.38 / UCS-2)', () => {
  it('counts an empty text as nothing to send', () => {
    expect(smsLength('')).toMatchObject({ encoding: 'GSM-7', characters: 0, segments: 0 });
  });

  it('keeps Norwegian letters in GSM-7, 160 to one message and 153 per part after', () => {
    expect(smsLength('Hei Åse, ønsker du svar på søknaden? Ærlig talt.')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsLength('a'.repeat(160))).toMatchObject({ segments: 1, remaining: 0, perSegment: 160 });
    expect(smsLength('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153, remaining: 153 * 2 - 161 });
    expect(smsLength('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(smsLength('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('counts extension characters (€ [ ] { } ^ ~ | \\) as two septets and never splits them across parts', () => {
    expect(smsLength('€')).toMatchObject({ encoding: 'GSM-7', characters: 1, units: 2 });
    expect(smsLength('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(smsLength('€'.repeat(81))).toMatchObject({ units: 162, segments: 2 });
    // 152 plain septets then an escape pair: the pair cannot start in the last septet of part one.
    expect(smsLength('a'.repeat(152) + '€' + 'a'.repeat(10))).toMatchObject({ units: 164, segments: 2, remaining: 153 - 12 });
  });

  it('switches to UCS-2 for anything outside the alphabet and names the culprits', () => {
    const r = smsLength('Hei 😀 – ok');
    expect(r.encoding).toBe('UCS-2');
    expect(r.nonGsm).toEqual(['😀', '–']);
    expect(r.characters).toBe(10);
    expect(r.units).toBe(11);
    expect(smsLength('ł'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsLength('ł'.repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    // 66 units then a surrogate pair: the pair moves whole into part two.
    expect(smsLength('ł'.repeat(66) + '😀' + 'ł'.repeat(3))).toMatchObject({ units: 71, segments: 2, remaining: 67 - 5 });
  });
});

describe('the console counts as the server does', () => {
  // Letters from both alphabets, the escape pairs, a grapheme cluster and astral characters, mixed.
  const pieces = ['a', 'Å', 'ø', ' ', '\n', '€', '[', '~', '|', 'ł', 'ś', '–', '😀', '👍🏽', 'Ω', '{', '\\'];
  const texts = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), { maxLength: 400 }).map((xs) => xs.join(''));

  it('gives the same encoding, segments, characters and culprits as the server’s preview for any text', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const console = smsLength(text);
        const server = segmentInfo(text);
        expect({ encoding: console.encoding, characters: console.characters, nonGsm: console.nonGsm }).toEqual({
          encoding: server.encoding,
          characters: server.characters,
          nonGsm: server.nonGsmCharacters,
        });
        // The server counts an empty text as the one empty message the library describes; nothing is sent for it.
        expect(console.segments).toBe(text === '' ? 0 : server.segments);
      }),
      { numRuns: 2000 },
    );
  });
});
