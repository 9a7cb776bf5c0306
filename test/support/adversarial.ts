/*
 * Hostile text for the pattern-matching functions: a megabyte of one repeated piece, the shape that
 * makes a backtracking pattern quadratic. The time bound is far above what a linear scan needs even
 * on a loaded two-core machine, and far below what the quadratic patterns took (seconds to minutes).
 */

export const MEGABYTE = 1 << 20;
export const TIME_LIMIT_MS = 500;

/** `piece` repeated to one megabyte (cut to length), then `tail`. */
export const megabyteOf = (piece: string, tail = '') => piece.repeat(Math.ceil(MEGABYTE / piece.length)).slice(0, MEGABYTE) + tail;

/** The pieces the issue names, each of which broke at least one pattern. */
export const HOSTILE_PIECES = ['<', ' ', '>', '[sak', '[sak ', '!', 'æ', '<a', '12/', '{{ ', '\n ', 'a.', '@'];

/** Runs `fn` and tells how long it took, so a test can assert both the answer and the time. */
export function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}
