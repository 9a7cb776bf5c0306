import type { AddressObject, ParsedMail } from 'mailparser';
import type { InboundContact } from '../../server/inbound/contract';
import { inertText, sanitiseHtml } from '../sanitise';
import { classifyMail, headerRecord, suppressesAutoResponse } from './auto-reply';
import { parseBounce, type BounceReport } from './bounce';
import { normaliseMessageId, referencedMessageIds } from '../mail-format/message-id';
import { extractTags, type SubjectTags } from '../mail-format/case-tag';

/** Longest body kept in the register; the full original stays on the IMAP server. */
export const MAX_BODY_CHARS = 1_000_000;

export interface ParseContext {
  /** When the IMAP server received it (INTERNALDATE): the Date header is the sender's claim. */
  receivedAt: Date;
  /** SHA-256 of the raw message, the stable id of a mail that carries no Message-ID. */
  sourceSha256: string;
  /** Our own mailbox addresses (lower case): a recipient among them is the address written to. */
  ownAddresses: ReadonlySet<string>;
  /** The watched mailbox's own address, when no recipient is one of ours. */
  mailboxAddress: string | null;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  inline: boolean;
}

export type ParsedInboundMail =
  | {
      kind: 'message' | 'auto-reply';
      contact: InboundContact;
      /** Message-IDs named by In-Reply-To and References, to thread on. */
      threadIds: string[];
      tags: SubjectTags;
      attachments: MailAttachment[];
      /** Never answer this automatically: it is automatic itself, or its sender asked. */
      noAutoResponse: boolean;
      autoReason: string | null;
    }
  | { kind: 'bounce'; externalId: string; report: BounceReport };

function addresses(v: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  const out: { address: string; name: string }[] = [];
  const walk = (xs: AddressObject['value']) => {
    for (const x of xs) {
      if (x.address) out.push({ address: x.address.trim().toLowerCase(), name: x.name ?? '' });
      if (x.group) walk(x.group);
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

/**
 * mailparser's output → what the register records, or null when the mail names no sender. Pure:
 * thread lookups by Message-ID and tag need the database and happen in the ingest step.
 */
export function parseMail(mail: ParsedMail, ctx: ParseContext): ParsedInboundMail | null {
  const h = headerRecord(mail.headerLines);
  const from = addresses(mail.from)[0] ?? null;
  const ownId = normaliseMessageId(mail.messageId);
  const externalId = ownId ?? `sha256:${ctx.sourceSha256}`;
  const cls = classifyMail(h, from?.address ?? null);

  if (cls.kind === 'bounce') {
    const report = parseBounce({ text: mail.text ?? '', attachments: mail.attachments.map((a) => a.content.toString('utf8')), ownMessageId: ownId });
    return { kind: 'bounce', externalId, report };
  }
  if (!from) return null;

  const recipients = [
    ...addresses(mail.to),
    ...addresses(mail.cc),
    ...['delivered-to', 'x-original-to'].flatMap((k) => (h[k] ? [{ address: h[k].replace(/[<>]/g, '').trim().toLowerCase(), name: '' }] : [])),
  ];
  const to = recipients.find((r) => ctx.ownAddresses.has(r.address))?.address ?? ctx.mailboxAddress ?? recipients[0]?.address ?? null;

  const html = typeof mail.html === 'string' ? sanitiseHtml(mail.html) : null;
  const text = (mail.text ?? '').trim() || (html ? htmlToPlain(html) : '');
  const subject = mail.subject ? inertText(mail.subject.replace(/\s+/g, ' ').trim()).slice(0, 255) : null;
  const tags = extractTags(mail.subject);
  const threadIds = referencedMessageIds(h['in-reply-to'] ?? null, mail.references ?? null).filter((id) => id !== ownId);
  const automatic = cls.kind === 'auto-reply';

  const contact: InboundContact = {
    channel: 'email',
    externalId,
    from: { email: from.address, ...(from.name ? { name: inertText(from.name).slice(0, 191) } : {}) },
    to,
    kind: 'message',
    body: inertText(text).slice(0, MAX_BODY_CHARS),
    bodyHtml: html ? html.slice(0, MAX_BODY_CHARS) : null,
    subject,
    receivedAt: ctx.receivedAt,
    meta: {
      messageId: ownId,
      inReplyTo: threadIds[0] ?? null,
      cc: addresses(mail.cc)
        .map((a) => a.address)
        .slice(0, 50),
      ...(automatic ? { automatic: cls.reason } : {}),
    },
    thread: { ...(tags.caseNumber ? { caseNumber: tags.caseNumber } : {}) },
  };
  return {
    kind: automatic ? 'auto-reply' : 'message',
    contact,
    threadIds,
    tags,
    attachments: mail.attachments.map((a) => ({
      filename: inertText(a.filename ?? 'attachment').slice(0, 255),
      contentType: (a.contentType || 'application/octet-stream').toLowerCase().slice(0, 127),
      size: a.content.length,
      content: a.content,
      inline: a.contentDisposition === 'inline' || Boolean(a.related),
    })),
    noAutoResponse: automatic || suppressesAutoResponse(h),
    autoReason: automatic ? cls.reason : null,
  };
}

/** Text for an HTML-only mail, from the already sanitised HTML. */
function htmlToPlain(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
