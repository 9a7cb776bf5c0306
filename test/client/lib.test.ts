import { csvCell, toCsv } from '../../client/src/shared/csv';
import { en } from '../../client/src/shared/i18n-en';
import { nb } from '../../client/src/shared/i18n-nb';
import { parseRoute } from '../../client/src/shared/routes';

describe('console helpers', () => {
  it('writes CSV that spreadsheets read as text, never as formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+47 911')).toBe("'+47 911");
    expect(csvCell(null)).toBe('');
    expect(toCsv(['id', 'to'], [{ id: 1, to: '+4791234567' }])).toBe("id,to\r\n1,'+4791234567\r\n");
  });

  it('has every text in both languages, with the same placeholders', () => {
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(nb[k].trim()).not.toBe('');
      expect([k, holes(nb[k])]).toEqual([k, holes(en[k])]);
    }
  });

  it('parses the console routes and rejects anything else', () => {
    expect(parseRoute('#/inbox')).toEqual({ name: 'inbox' });
    expect(parseRoute('#/search/%C3%85se%20B')).toEqual({ name: 'search', q: 'Åse B' });
    expect(parseRoute('#/inquiries/42')).toEqual({ name: 'inquiry', id: 42 });
    expect(parseRoute('#/cases/2026%2F1234')).toEqual({ name: 'case', caseNumber: '2026/1234' });
    expect(parseRoute('#/status/7')).toEqual({ name: 'status', messageId: 7 });
    expect(parseRoute('#/inquiries/abc')).toBeNull();
    expect(parseRoute('')).toBeNull();
  });
});
