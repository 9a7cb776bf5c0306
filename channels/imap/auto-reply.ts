/*
 * Recognises mail that no person wrote, so it never opens an inquiry and never gets a receipt:
 * RFC 3834 Auto-Submitted, Precedence bulk/junk/list, the X-Autoreply family, mailing lists,
 * null senders, and delivery reports (bounces, RFC 3464), which are told apart because a bounce
 * also marks our outbound message as failed.
 */
export type MailClass = { kind: 'person' } | { kind: 'auto-reply'; reason: string } | { kind: 'bounce'; reason: string };

/** Header name (lower case) → unfolded value of its first occurrence. */
export type HeaderRecord = Record<string, string>;

const NULL_SENDER = /^\s*<\s*>\s*$/;
const DAEMON = /^(mailer-daemon|postmaster|mail-daemon)@/i;

export function classifyMail(h: HeaderRecord, fromAddress: string | null): MailClass {
  const contentType = (h['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return { kind: 'bounce', reason: 'multipart/report; report-type=delivery-status' };
  }
  if (contentType.startsWith('multipart/report')) return { kind: 'auto-reply', reason: 'multipart/report' };

  const autoSubmitted = (h['auto-submitted'] ?? '').trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  const precedence = (h.precedence ?? '').trim().toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return { kind: 'auto-reply', reason: `Precedence: ${precedence}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) {
    if (h[name] !== undefined) return { kind: 'auto-reply', reason: name };
  }
  if (/\b(oof|autoreply)\b/i.test(h['x-auto-response-suppress'] ?? '') && /^(auto|automatic reply|autosvar|fravær)/i.test(h.subject ?? '')) {
    return { kind: 'auto-reply', reason: 'Exchange automatic reply' };
  }
  if (h['list-id'] !== undefined || h['list-unsubscribe'] !== undefined) return { kind: 'auto-reply', reason: 'mailing list' };
  if (h['return-path'] !== undefined && NULL_SENDER.test(h['return-path'])) return { kind: 'auto-reply', reason: 'null sender' };
  if (fromAddress && DAEMON.test(fromAddress)) return { kind: 'auto-reply', reason: 'mailer daemon' };
  return { kind: 'person' };
}

/**
 * Whether the sender asked for no automatic answer even though a person may have written it
 * (Microsoft's X-Auto-Response-Suppress); we then record the mail but send no receipt.
 */
export function suppressesAutoResponse(h: HeaderRecord): boolean {
  return /\b(all|autoreply|oof)\b/i.test(h['x-auto-response-suppress'] ?? '');
}

/** Header lines as mailparser gives them, reduced to a record of first values (lower-case names). */
export function headerRecord(lines: readonly { key: string; line: string }[]): HeaderRecord {
  const out: HeaderRecord = {};
  for (const { key, line } of lines) {
    const k = key.toLowerCase();
    if (k in out) continue;
    const i = line.indexOf(':');
    out[k] = (i >= 0 ? line.slice(i + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return out;
}
