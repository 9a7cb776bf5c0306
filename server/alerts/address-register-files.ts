import { createHash } from 'node:crypto';
import { badRequest } from '../core/errors';
import { decode, eachRow, headerName, nextTurn, separatorOf, type Encoding } from './address-register-csv';
import { fold } from '../core/search-fold';
import { columnsOf, SIMC_COLUMNS, simcRow, ULIC_COLUMNS, ulicRow, type LocalityRow, type RowResult, type StreetRow } from './teryt';

/*
 * A register file read into what it says, before anything is written: its localities, streets
 * and address points, the rows that cannot be used (with the line and the reason), and the part of
 * the register it speaks for, so that what a newer file no longer lists can be told apart from
 * what it never covered.
 */

export const FORMATS = ['teryt-simc', 'teryt-ulic', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** Which columns of a generic CSV hold what (header names; `street`, `number`, `postcode`, `area` may be left out). */
export interface ColumnMapping {
  locality: string;
  street?: string;
  number?: string;
  postcode?: string;
  /** A column that tells same-named localities apart (a municipality, a county); part of the locality's code. */
  area?: string;
}

export interface PointRow {
  locality: string;
  street: string | null;
  number: string;
  postcode: string | null;
}

export interface Skipped {
  line: number;
  reason: string;
}

export interface RegisterFile {
  format: Format;
  encoding: Encoding;
  rows: number;
  /** By code. */
  localities: Map<string, LocalityRow>;
  /** By locality code and street code. */
  streets: Map<string, StreetRow>;
  /** By locality, street and number. */
  points: Map<string, PointRow>;
  /** The first rows that could not be used, and how many there were in all. */
  skipped: Skipped[];
  skippedCount: number;
  /**
   * What the file speaks for: localities and streets of these areas (TERYT municipalities) or
   * these localities (a generic CSV) that it does not list are gone from the source.
   */
  scope: { areas: Set<string> } | { localities: Set<string> };
}

const SKIPPED_SHOWN = 100;
/** Source codes fit the 64-character column: longer folded names keep a readable start and a hash. */
export function codeFrom(key: string): string {
  if (key.length <= 64) return key;
  return `${key.slice(0, 47)}~${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
export const streetKey = (locality: string, street: string) => `${locality}\t${street}`;

export async function readRegisterFile(bytes: Buffer, format: Format, mapping: ColumnMapping | null): Promise<RegisterFile> {
  const { text, encoding } = decode(bytes);
  const delimiter = format === 'csv' ? separatorOf(text) : ';';
  const file: RegisterFile = {
    format,
    encoding,
    rows: 0,
    localities: new Map(),
    streets: new Map(),
    points: new Map(),
    skipped: [],
    skippedCount: 0,
    scope: format === 'csv' ? { localities: new Set() } : { areas: new Set() },
  };
  const skip = (line: number, reason: string) => {
    file.skippedCount++;
    if (file.skipped.length < SKIPPED_SHOWN) file.skipped.push({ line, reason });
  };
  const take = <T>(r: RowResult<T>, line: number, use: (v: T) => void) => ('skip' in r ? skip(line, r.skip) : use(r.ok));
  const inAreas = (area: string | null) => area && 'areas' in file.scope && file.scope.areas.add(area);

  let onRow: ((cells: string[], line: number) => void) | null = null;
  await eachRow(text, delimiter, (cells, line) => {
    if (!onRow) {
      onRow = rowReader(format, cells, mapping, file, take, inAreas, skip);
      return;
    }
    file.rows++;
    onRow(cells, line);
  });
  if (!onRow) throw badRequest('The file has no header row');
  if (!file.rows) throw badRequest('The file has a header but no rows');
  if (file.rows === file.skippedCount)
    throw badRequest(`No row of the file could be used; the first: line ${file.skipped[0].line}, ${file.skipped[0].reason}`, { skipped: file.skipped });
  await nextTurn();
  return file;
}

type Take = <T>(r: RowResult<T>, line: number, use: (v: T) => void) => void;

function rowReader(
  format: Format,
  header: string[],
  mapping: ColumnMapping | null,
  file: RegisterFile,
  take: Take,
  inAreas: (area: string | null) => unknown,
  skip: (line: number, reason: string) => void,
): (cells: string[], line: number) => void {
  if (format === 'teryt-simc') {
    const at = columnsOf(format, header, SIMC_COLUMNS);
    return (cells, line) =>
      take(simcRow(cells, at), line, (l) => {
        file.localities.set(l.code, l);
        inAreas(l.area);
      });
  }
  if (format === 'teryt-ulic') {
    const at = columnsOf(format, header, ULIC_COLUMNS);
    return (cells, line) =>
      take(ulicRow(cells, at), line, (s) => {
        file.streets.set(streetKey(s.locality, s.code), s);
        inAreas(s.area);
      });
  }
  return genericReader(header, mapping as ColumnMapping, file, skip);
}

/** A generic CSV: codes come from the folded names (and the area, when mapped), so they stay the same from file to file. */
function genericReader(header: string[], mapping: ColumnMapping, file: RegisterFile, skip: (line: number, reason: string) => void) {
  const names = header.map(headerName);
  const column = (role: keyof ColumnMapping) => {
    const wanted = mapping[role];
    if (wanted === undefined) return -1;
    const i = names.indexOf(headerName(wanted));
    if (i < 0)
      throw badRequest(`The file has no column "${wanted}" (named for ${role}); its columns are ${names.slice(0, 30).join(', ')}`, {
        found: names.slice(0, 30),
      });
    return i;
  };
  const at = { locality: column('locality'), street: column('street'), number: column('number'), postcode: column('postcode'), area: column('area') };
  const cell = (cells: string[], i: number) => (i < 0 ? '' : cells[i].trim().replace(/\s+/g, ' '));
  const localities = (file.scope as { localities: Set<string> }).localities;
  return (cells: string[], line: number) => {
    const localityName = cell(cells, at.locality);
    const localityKey = fold(localityName);
    if (!localityKey) return skip(line, `the locality (${mapping.locality}) is empty`);
    if (localityName.length > 128) return skip(line, 'the locality name is longer than 128 characters');
    const areaName = cell(cells, at.area);
    if (areaName.length > 128) return skip(line, 'the area is longer than 128 characters');
    const code = codeFrom(areaName ? `${fold(areaName)}/${localityKey}` : localityKey);
    if (!file.localities.has(code)) file.localities.set(code, { code, name: localityName, area: areaName || null });
    localities.add(code);

    const streetName = cell(cells, at.street);
    const streetFolded = fold(streetName);
    let street: string | null = null;
    if (streetFolded) {
      if (streetName.length > 191) return skip(line, 'the street name is longer than 191 characters');
      street = codeFrom(streetFolded);
      const key = streetKey(code, street);
      if (!file.streets.has(key))
        file.streets.set(key, { locality: code, code: street, name: streetName, nameKey: streetFolded.slice(0, 191).trim(), area: null });
    }
    const number = cell(cells, at.number);
    if (!number) return;
    const postcode = cell(cells, at.postcode) || null;
    if (number.length > 32) return skip(line, 'the house number is longer than 32 characters');
    if (postcode && postcode.length > 16) return skip(line, 'the postcode is longer than 16 characters');
    file.points.set(`${code}\t${street ?? ''}\t${number.toLowerCase()}`, { locality: code, street, number, postcode });
  };
}
