import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { extractTags, replySubject } from './case-tag';

describe('extractTags', () => {
  it.each([
    ['Re: Vannlekkasje [#42]', { inquiryId: 42 }],
    ['Svar [Sak 2026/1234]', { caseNumber: '2026/1234' }],
    ['[saksnr. 26-77] og [#7]', { inquiryId: 7, caseNumber: '26/77' }],
    ['[Sak nr :  2026/5 ]', { caseNumber: '2026/5' }],
    ['[ref. 2026/9]', { caseNumber: '2026/9' }],
    ['Svar [Sak 2026001234]', { caseNumber: '2026001234' }],
    ['[Ref: SAK-2026-17]', { caseNumber: 'SAK-2026-17' }],
    ['[Saksnr] uten nummer', {}],
    ['Ingen tagger', {}],
  ])('%s', (subject, tags) => {
    expect(extractTags(subject)).toEqual(tags);
  });

  it.each([...HOSTILE_PIECES, '[sak nr', '[ sak', '[#1'])('answers at once on a megabyte of %j', (piece) => {
    const { result, ms } = timed(() => extractTags(megabyteOf(piece)));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.caseNumber).toBeUndefined();
  });

  it('answers at once on "[sak" and a megabyte of spaces, and still finds a tag after a long run', () => {
    for (const head of ['[sak', '[sak nr', '[sak:']) {
      const { result, ms } = timed(() => extractTags(head + megabyteOf(' ', 'x')));
      expect(ms).toBeLessThan(TIME_LIMIT_MS);
      expect(result).toEqual({});
      expect(extractTags(`${head}${' '.repeat(500)}2026/1]`)).toEqual({ caseNumber: '2026/1' });
    }
  });
});

describe('replySubject', () => {
  it('adds Re: and the tag once', () => {
    expect(replySubject('Vann  i kjelleren', 3)).toBe('Re: Vann i kjelleren [#3]');
    expect(replySubject('SV: Vann [#3]', 3)).toBe('SV: Vann [#3]');
  });

  it('answers at once on a megabyte of spaces or text', () => {
    for (const piece of [' ', 'a ', '<']) {
      const { result, ms } = timed(() => replySubject(megabyteOf(piece), 9));
      expect(ms).toBeLessThan(TIME_LIMIT_MS);
      expect(result.length).toBeLessThanOrEqual(255);
    }
  });
});
