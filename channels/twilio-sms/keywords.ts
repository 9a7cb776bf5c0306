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

/** The keyword a message consists of, ignoring case, surrounding space and trailing punctuation. */
export function keywordOf(body: string): SmsKeyword | null {
  const word = body
    .trim()
    .replace(/[.!?,;:]+$/u, '')
    .trim()
    .toLowerCase();
  if (!word || word.length > 16) return null;
  return KEYWORDS[word] ?? null;
}
