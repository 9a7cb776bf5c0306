import { HOSTILE_PIECES, megabyteOf, TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { mergeTemplate, unknownMergeFields } from './compose-text';

describe('mergeTemplate', () => {
  it.each([
    ['Hei {{name}}, vannet er tilbake.', 'Kari Nordmann', 'Hei Kari Nordmann, vannet er tilbake.'],
    ['Hei {{ first_name }} !', 'Kari Nordmann', 'Hei Kari!'],
    ['Hei {{name}} , takk', '', 'Hei, takk'],
    ['To  mellomrom\tog \t tab', '', 'To mellomrom\tog tab'],
    ['Hei {{name}}', '<b>{{x}}</b>', 'Hei bx/b'],
  ])('%j with %j', (template, name, text) => {
    expect(mergeTemplate(template, { name })).toBe(text);
  });

  it.each([...HOSTILE_PIECES, ' \t'])('answers at once on a template of a megabyte of %j', (piece) => {
    const template = megabyteOf(piece, 'x');
    const { result, ms } = timed(() => mergeTemplate(template, { name: 'Kari' }));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.endsWith('x')).toBe(true);
  });

  it('collapses a megabyte of spaces before punctuation at once', () => {
    const { result, ms } = timed(() => mergeTemplate('Hei' + megabyteOf(' ', '!'), {}));
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result).toBe('Hei!');
  });
});

describe('unknownMergeFields', () => {
  it('names what cannot be filled, at once even on a megabyte of braces', () => {
    expect(unknownMergeFields('{{name}} {{ adresse }}')).toEqual(['adresse']);
    for (const piece of ['{{ ', '{{a', '{', ' }}']) {
      const { result, ms } = timed(() => unknownMergeFields(megabyteOf(piece)));
      expect(ms).toBeLessThan(TIME_LIMIT_MS);
      expect(result).toEqual([]);
    }
  });
});
