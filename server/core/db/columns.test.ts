import { EntitySchema } from 'typeorm';
import { cutTo, fitColumns, fitsColumn, maxLengthOf, maxLengths } from './columns';

interface Row {
  id: number;
  name: string;
  note: string | null;
  body: string;
}
const Table = new EntitySchema<Row>({
  name: 'Row',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    name: { type: String, length: 5 },
    note: { type: String, length: '3', nullable: true },
    body: { type: 'text' },
  },
});

describe('column lengths from the mapping', () => {
  it('reads each string column’s length, and only those', () => {
    expect([...maxLengths(Table)]).toEqual([
      ['name', 5],
      ['note', 3],
    ]);
    expect(maxLengthOf(Table, 'name')).toBe(5);
    expect(() => maxLengthOf(Table, 'body')).toThrow('Row.body has no length');
  });

  it('cuts without splitting a surrogate pair', () => {
    expect(cutTo('abcdef', 3)).toBe('abc');
    expect(cutTo('ab😀d', 3)).toBe('ab');
    expect(cutTo('ab😀d', 4)).toBe('ab😀');
    expect(cutTo('ab', 3)).toBe('ab');
  });

  it('fits a row: cuts what is too long, names it, and leaves the rest (and a fitting row) as it was', () => {
    const ok = { name: 'Kari', note: null, body: 'x'.repeat(10_000) };
    expect(fitColumns(Table, ok)).toEqual({ row: ok, cut: [] });
    expect(fitColumns(Table, ok).row).toBe(ok);
    const long = { name: 'Kari Nordmann', note: 'abcd', body: 'y' };
    expect(fitColumns(Table, long)).toEqual({ row: { name: 'Kari ', note: 'abc', body: 'y' }, cut: ['name', 'note'] });
    expect(long.name).toBe('Kari Nordmann');
    expect(fitsColumn(Table, 'name', 'abcde')).toBe(true);
    expect(fitsColumn(Table, 'name', 'abcdef')).toBe(false);
    expect(fitsColumn(Table, 'note', null)).toBe(true);
  });
});
