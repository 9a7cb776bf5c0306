import { csvCell, csvRow } from './csv';

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['Hei, Kari', '"Hei, Kari"'],
    ['Han sa "hei"', '"Han sa ""hei"""'],
    ['to\nlinjer', '"to\nlinjer"'],
    ['=HYPERLINK("http://x","klikk")', '"\'=HYPERLINK(""http://x"",""klikk"")"'],
    ['+4791234567', "'+4791234567"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    [' mellomrom ', '" mellomrom "'],
    ['Åse ønsker svar 🙂', 'Åse ønsker svar 🙂'],
  ])('%j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it('writes null as empty, dates as ISO, and rows with CRLF', () => {
    expect(csvRow([1, null, undefined, new Date('2024-05-01T10:00:00Z'), 'a,b'])).toBe('1,,,2024-05-01T10:00:00.000Z,"a,b"\r\n');
  });
});

describe('semicolon CSV (reports)', () => {
  it('quotes on the semicolon, not the comma, and keeps formula cells text', () => {
    expect(csvRow(['a;b', 'Hei, Kari', '=1+1', 0.25, null], ';')).toBe(`"a;b";Hei, Kari;'=1+1;0.25;\r\n`);
    expect(csvCell('-30003; ukjent', ';')).toBe(`"'-30003; ukjent"`);
  });
});
