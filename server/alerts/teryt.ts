import { badRequest } from '../core/errors';
import { headerName } from './address-register-csv';
import { fold } from '../core/search-fold';

/*
 * GUS's TERYT files as published (semicolon CSV, one header row): SIMC lists localities, ULIC the
 * streets of each locality. A row is turned into what the register keeps, or into the reason it
 * cannot be used. Codes are TERYT's own (SYM, SYM_UL), so a newer file updates the same rows.
 */

export const SIMC_COLUMNS = ['WOJ', 'POW', 'GMI', 'RODZ_GMI', 'RM', 'MZ', 'NAZWA', 'SYM', 'SYMPOD', 'STAN_NA'] as const;
export const ULIC_COLUMNS = ['WOJ', 'POW', 'GMI', 'RODZ_GMI', 'SYM', 'SYM_UL', 'CECHA', 'NAZWA_1', 'NAZWA_2', 'STAN_NA'] as const;

/** A locality as the register keeps it; `area` is the municipality (WOJ+POW+GMI+RODZ_GMI). */
export interface LocalityRow {
  code: string;
  name: string;
  area: string | null;
}
/** A street of the locality with code `locality`. */
export interface StreetRow {
  locality: string;
  code: string;
  name: string;
  nameKey: string;
  area: string | null;
}
export type RowResult<T> = { ok: T } | { skip: string };

/** Where each expected column is in the header, or a 400 naming what is missing. */
export function columnsOf<C extends string>(format: string, header: string[], expected: readonly C[]): Record<C, number> {
  const names = header.map(headerName);
  const missing = expected.filter((c) => !names.includes(c));
  if (missing.length)
    throw badRequest(`A ${format} file has the columns ${expected.join(';')}; this one lacks ${missing.join(', ')}`, { missing, found: names.slice(0, 20) });
  return Object.fromEntries(expected.map((c) => [c, names.indexOf(c)])) as Record<C, number>;
}

const digits = (n: number) => new RegExp(`^\\d{${n}}$`);
const WOJ = digits(2);
const SYM = digits(7);
const SYM_UL = digits(5);

function areaOf(cells: string[], at: Record<'WOJ' | 'POW' | 'GMI' | 'RODZ_GMI', number>): string | null {
  const area = `${cells[at.WOJ]}${cells[at.POW]}${cells[at.GMI]}${cells[at.RODZ_GMI]}`.trim();
  return WOJ.test(cells[at.WOJ].trim()) && /^\d{7}$/.test(area) ? area : null;
}

export function simcRow(cells: string[], at: Record<(typeof SIMC_COLUMNS)[number], number>): RowResult<LocalityRow> {
  const code = cells[at.SYM].trim();
  const name = cells[at.NAZWA].trim().replace(/\s+/g, ' ');
  if (!SYM.test(code)) return { skip: `SYM "${code.slice(0, 20)}" is not 7 digits` };
  if (!name || !fold(name)) return { skip: 'NAZWA is empty' };
  if (name.length > 128) return { skip: 'NAZWA is longer than 128 characters' };
  return { ok: { code, name, area: areaOf(cells, at) } };
}

/** "ul. Jana Pawła II": the feature (CECHA; "inne" is shown as nothing) and the names, NAZWA_2 before NAZWA_1. */
export function streetName(cecha: string, nazwa1: string, nazwa2: string): { name: string; key: string } {
  const names = [nazwa2, nazwa1]
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
  const feature = cecha.trim().toLowerCase() === 'inne' ? '' : cecha.trim();
  return { name: [feature, names].filter(Boolean).join(' '), key: fold(names) };
}

export function ulicRow(cells: string[], at: Record<(typeof ULIC_COLUMNS)[number], number>): RowResult<StreetRow> {
  const locality = cells[at.SYM].trim();
  const code = cells[at.SYM_UL].trim();
  if (!SYM.test(locality)) return { skip: `SYM "${locality.slice(0, 20)}" is not 7 digits` };
  if (!SYM_UL.test(code)) return { skip: `SYM_UL "${code.slice(0, 20)}" is not 5 digits` };
  const { name, key } = streetName(cells[at.CECHA], cells[at.NAZWA_1], cells[at.NAZWA_2]);
  if (!key) return { skip: 'NAZWA_1 is empty' };
  if (name.length > 191) return { skip: 'the street name is longer than 191 characters' };
  return { ok: { locality, code, name, nameKey: key.slice(0, 191).trim(), area: areaOf(cells, at) } };
}
