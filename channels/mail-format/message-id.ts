import { createHash } from 'node:crypto';

/** Longest Message-ID stored as written; longer ones (rare, but legal) are stored as their hash. */
const MAX_STORED = 180;

/**
 * A Message-ID as we store and compare it: without angle brackets or whitespace. Too long an id
 * becomes "sha256:<hex>" so it still fits the indexed column and still compares equal to itself.
 */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const id = withoutTrailing(raw.trim().replace(/^<+/, ''), '>').replace(/\s+/g, '');
  if (!id) return null;
  return id.length <= MAX_STORED ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** `s` without the run of `c` at its end; a loop, because `/>+$/` is quadratic on a long run of ">" not at the end. */
function withoutTrailing(s: string, c: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === c) end--;
  return s.slice(0, end);
}

/**
 * How much of In-Reply-To and References is read. Fifty ids are kept, and an id longer than about
 * a thousand characters is not one a mail program wrote; the rest would only cost time.
 */
const MAX_HEADER_READ = 64 * 1024;

/** Every Message-ID named in In-Reply-To and References headers, newest reference first, deduplicated. */
export function referencedMessageIds(inReplyTo: string | null | undefined, references: string | string[] | null | undefined): string[] {
  // References lists the newest last, so a long one is read from its end.
  const list = Array.isArray(references) ? references.slice(-100) : references ? [references] : [];
  const refs = list.flatMap((r) => splitIds(r.slice(-MAX_HEADER_READ)));
  const all = [...splitIds((inReplyTo ?? '').slice(0, MAX_HEADER_READ)), ...refs.reverse()];
  const seen = new Set<string>();
  for (const r of all) {
    const n = normaliseMessageId(r);
    if (n) seen.add(n);
  }
  return [...seen].slice(0, 50);
}

function splitIds(v: string): string[] {
  const bracketed = v.match(/<[^<>]+>/g);
  if (bracketed) return bracketed;
  return v.split(/\s+/).filter(Boolean);
}

/** Our own Message-ID for an outbound message: unique, and naming the sending domain as RFC 5322 asks. */
export function newMessageId(messageId: number, fromAddress: string, random: string): string {
  const domain = fromAddress.split('@')[1]?.toLowerCase() || 'servicetorg.invalid';
  return `<st.${messageId}.${random}@${domain}>`;
}
