/** Case numbers as case systems write them: 2026/1234, 26/01234, 2026-1234. */
const CASE_NUMBER_IN_TEXT = /\b(\d{2,4})[/-](\d{1,7})\b/g;
export function caseNumberCandidates(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(CASE_NUMBER_IN_TEXT)) {
    found.add(`${m[1]}/${m[2]}`);
    found.add(`${m[1]}-${m[2]}`);
  }
  return [...found].slice(0, 20);
}
