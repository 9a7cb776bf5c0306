/*
 * Case numbers as the case system gave them, found in a citizen's text. Case systems write them in
 * many ways: 2026/1234, 26/01234-3, 2026-1234, 2026001234, SAK-2026-17. Rather than guess the
 * format, every token of the text that could be one is looked up among the known case numbers, in
 * one indexed IN lookup (CaseRepository.naming): what the case system pushed is what matches.
 */

/** How much of subject and body is read: a case number sits near the top, and the rest costs only time. */
export const MAX_SCANNED = 20_000;
/** The case_number column's length. */
const MAX_LENGTH = 64;
/** Distinct candidates looked up per message: the first ones in the text. */
export const MAX_CANDIDATES = 40;
/** Parts of one token tried on their own (a token of many parts is a URL or a path, not a case number). */
const MAX_PARTS = 6;

// Runs of letters and digits joined by single separators. Each character belongs to one part and
// the parts cannot overlap, so the scan is linear; a token ends at anything else, so a trailing
// full stop or a closing bracket is never part of it.
const TOKEN = /[A-Za-z0-9]+(?:[/.-][A-Za-z0-9]+)*/g;
const SEPARATOR = /([/.-])/;
const DIGITS = /\d/g;
const NUMBER = /^\d+$/;

/** At least two digits and short enough for the column: everything else cannot be a case number worth a lookup. */
const plausible = (s: string) => s.length >= 3 && s.length <= MAX_LENGTH && (s.match(DIGITS)?.length ?? 0) >= 2;

/**
 * The strings of a text that could be case numbers: first every token with digits as written (a
 * pair of numbers in both spellings, "2026/1234" and "2026-1234", as case systems write either),
 * then the runs of its parts, so "23/00123-4" (a case with its document number) also names
 * "23/00123" and "SAK-2026-17" names "2026-17". Tokens are taken in the order of the text.
 */
export function caseNumberCandidates(text: string): string[] {
  const found = new Set<string>();
  const add = (s: string) => {
    if (found.size < MAX_CANDIDATES && plausible(s)) found.add(s);
  };
  const spellings = (run: string[]) => {
    add(run.join(''));
    if (run.length === 3 && run[1] !== '.' && NUMBER.test(run[0]) && NUMBER.test(run[2])) {
      add(`${run[0]}/${run[2]}`);
      add(`${run[0]}-${run[2]}`);
    }
  };
  const tokens: string[][] = [];
  for (const [token] of text.slice(0, MAX_SCANNED).matchAll(TOKEN)) {
    if (tokens.length >= MAX_CANDIDATES) break;
    // A token far longer than the column is not a case number and neither are its parts (a URL, a blob).
    if (token.length > 4 * MAX_LENGTH || (token.match(DIGITS)?.length ?? 0) < 2) continue;
    // [part, separator, part, separator, part, ...]
    const pieces = token.split(SEPARATOR);
    tokens.push(pieces);
    spellings(pieces);
  }
  for (const pieces of tokens) {
    const parts = Math.min(pieces.length + 1, 2 * MAX_PARTS) >> 1;
    for (let from = 0; from < parts; from++)
      for (let to = from; to < parts; to++) if (to - from + 1 < (pieces.length + 1) / 2) spellings(pieces.slice(2 * from, 2 * to + 1));
  }
  return [...found];
}
