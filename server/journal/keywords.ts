/**
 * Whether a journal rule's keyword occurs in a text as a whole word, ignoring case. The keyword is
 * matched literally (escaped), and the pattern tries each position once with nothing to backtrack
 * into, so it is linear in the text: a megabyte-long mail body costs milliseconds per rule.
 */
export function wordIn(text: string, word: string): boolean {
  const literal = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${literal}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}
