/*
 * The opt-out keywords citizens send, in Norwegian and English. Like the operators, we act only
 * when the whole message is the keyword, so "stopp lekkasjen i Storgata" stays an ordinary inquiry.
 */

export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Record<string, SmsKeyword> = {
  stop: 'stop',
  stopp: 'stop',
  avslutt: 'stop',
  unsubscribe: 'stop',
  start: 'start',
  unstop: 'start',
  help: 'help',
  hjelp: 'help',
};

/** Longer than any keyword with a little punctuation and space around it; longer texts are inquiries. */
const MAX_KEYWORD_MESSAGE = 100;
const TRAILING_PUNCTUATION = '.!?,;:';

/** The keyword a message consists of, ignoring case, surrounding space and trailing punctuation. */
export function keywordOf(body: string): SmsKeyword | null {
  // Bounded first, and the punctuation stripped by a loop: `/[.!?,;:]+$/` is quadratic on a long run of "!" that does not end the text.
  if (body.length > MAX_KEYWORD_MESSAGE) return null;
  let word = body.trim();
  let end = word.length;
  while (end > 0 && TRAILING_PUNCTUATION.includes(word[end - 1])) end--;
  word = word.slice(0, end).trim().toLowerCase();
  if (!word || word.length > 16) return null;
  return KEYWORDS[word] ?? null;
}
