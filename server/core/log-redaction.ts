/*
 * What keeps citizens' numbers, addresses and message text out of the logs when an error is logged.
 * Database errors carry the statement and its parameters (TypeORM's `query` and `parameters`,
 * mysql2's `sql`), and their messages quote values ("Duplicate entry '+47…'", "near '…'");
 * vendor errors quote the numbers they refused. So an error is logged as a short list of known
 * fields, never as whatever properties it happened to carry, and every text is masked.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** An international number (+47 912 34 567, 0047…) anywhere in a line; pino's own fields are never in this shape. */
const INTERNATIONAL = /(?:\+|\b00)\d(?:[ .-]?\d){6,15}\b/g;
/** In an error's own text a bare run of 8 or more digits is as likely a national number as anything else. */
const DIGITS = /\b\d(?:[ -]?\d){7,}\b/g;
/** The value a database error quotes: the statement near a syntax error, a duplicate key, a wrong value. */
const QUOTED_VALUE = /\b(near|entry|value:?|for column|string value:?) (['"`])(?:\\.|(?!\2).)*\2/gi;

export const MASK = '[masked]';

/** Numbers and addresses masked: for any text that reaches a log line. */
export function maskContacts(text: string): string {
  return text.replace(EMAIL, MASK).replace(INTERNATIONAL, MASK);
}

/** An error's own text: quoted values, numbers and addresses masked. */
export function maskErrorText(text: string): string {
  return maskContacts(text.replace(QUOTED_VALUE, (_m, lead: string) => `${lead} '${MASK}'`)).replace(DIGITS, MASK);
}

interface LoggedError {
  type: string;
  message: string;
  code?: string | number;
  errno?: number;
  status?: number;
  stack?: string;
  cause?: LoggedError;
}

const codeOf = (v: unknown): string | number | undefined => (typeof v === 'string' || typeof v === 'number' ? v : undefined);

/**
 * pino's `err` serializer: type, code, message and stack, masked. `query`, `parameters`, `sql`,
 * `driverError` (but for its code), request bodies and anything else an error carries are dropped.
 */
export function serializeError(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return typeof e === 'string' ? maskErrorText(e) : e === null || typeof e !== 'object' ? e : { type: 'object' };
  const x = e as Error & { code?: unknown; errno?: unknown; status?: unknown; driverError?: { code?: unknown; errno?: unknown }; cause?: unknown };
  const out: LoggedError = { type: x.constructor?.name ?? 'Error', message: maskErrorText(String(x.message ?? '')) };
  const code = codeOf(x.code) ?? codeOf(x.driverError?.code);
  if (code !== undefined) out.code = code;
  const errno = x.errno ?? x.driverError?.errno;
  if (typeof errno === 'number') out.errno = errno;
  if (typeof x.status === 'number') out.status = x.status;
  // The stack's first line repeats the message, so it is masked as a whole.
  if (typeof x.stack === 'string') out.stack = maskErrorText(x.stack);
  if (x.cause !== undefined && depth < 3) out.cause = serializeError(x.cause, depth + 1) as LoggedError;
  return out;
}
