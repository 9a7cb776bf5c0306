import { createHash } from 'node:crypto';

/** Longest Message-ID stored as written; longer ones (rare, but legal) are stored as their hash. */
const MAX_STORED = 180;

/**
 * A Message-ID as we store and compare it: without angle brackets or whitespace. Too long an id
 * becomes "sha256:<hex>" so it still fits the indexed column and still compares equal to itself.
 */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const id = raw.trim().replace(/^<+/, '').replace(/>+$/, '').replace(/\s+/g, '');
  if (!id) return null;
  return id.length <= MAX_STORED ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** Every Message-ID named in In-Reply-To and References headers, newest reference first, deduplicated. */
export function referencedMessageIds(inReplyTo: string | null | undefined, references: string | string[] | null | undefined): string[] {
  const refs = (Array.isArray(references) ? references : references ? [references] : []).flatMap(splitIds);
  const all = [...splitIds(inReplyTo ?? ''), ...refs.reverse()];
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
