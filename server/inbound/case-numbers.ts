/** Case numbers as case systems write them: 2026/1234, 26/01234, 2026-1234. */
const CASE_NUMBER_IN_TEXT = /\b(\d{2,4})[/-](\d{1,7})\b/g;
const MAX_CANDIDATES = 20;

/**
 * The first case numbers named in a text, in both spellings. The pattern is linear; stopping at the
 * twentieth keeps a body of a million "12/1 " from building a set of hundreds of thousands first.
 */
export function caseNumberCandidates(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(CASE_NUMBER_IN_TEXT)) {
    found.add(`${m[1]}/${m[2]}`);
    found.add(`${m[1]}-${m[2]}`);
    if (found.size >= MAX_CANDIDATES) break;
  }
  return [...found].slice(0, MAX_CANDIDATES);
}
