import type { Dialect } from './db/options';

/*
 * Folding names for search as you type: lower case, diacritics removed, punctuation turned into
 * spaces, so "Skórzewo" and "skorzewo", "ul. Jana Pawła II" and "jana pawla" meet. NFD splits
 * most accented letters into a base letter and a mark; a few letters are letters of their own and
 * do not decompose (Polish ł, Nordic ø and æ, German ß), so they are mapped here by hand.
 */

const OWN_LETTERS: Record<string, string> = {
  ł: 'l',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ı: 'i',
  ŧ: 't',
  ŋ: 'n',
};
const OWN_LETTER = new RegExp(`[${Object.keys(OWN_LETTERS).join('')}]`, 'g');

/** The folded form of a name or of what someone typed: "Kędzierzyn-Koźle" → "kedzierzyn kozle". */
export function fold(value: string): string {
  return value
    .toLowerCase()
    .replace(OWN_LETTER, (c) => OWN_LETTERS[c])
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The folded name from its second word on, each ("jana pawla ii" → "pawla ii", "ii"), so a prefix
 * match on them finds a name by any of its words; the whole name is matched on its own column.
 */
export function laterWords(key: string): string[] {
  const out: string[] = [];
  for (let i = key.indexOf(' '); i >= 0; i = key.indexOf(' ', i + 1)) out.push(key.slice(i + 1));
  return out;
}

/** A LIKE pattern for "starts with": the folded text holds no wildcard, but a caller's text might one day. */
export function startsWith(key: string): string {
  return `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQL for "`column` starts with the folded `key`" that reads an index range on both engines: a
 * prefix LIKE on MariaDB; a range on SQLite, whose LIKE ignores the index.
 */
export function prefixCondition(dialect: Dialect, column: string, key: string): { sql: string; params: string[] } {
  if (dialect === 'sqlite') return { sql: `${column} >= ? AND ${column} < ?`, params: [key, `${key}\u{10FFFF}`] };
  return { sql: `${column} LIKE ?`, params: [startsWith(key)] };
}
