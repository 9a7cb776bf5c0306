import { normaliseMessageId } from '../mail-format/message-id';

export interface BounceReport {
  /** Message-IDs of the original (our outbound) message the report is about. */
  originalMessageIds: string[];
  recipient: string | null;
  status: string | null;
  action: string | null;
  /** The remote server's words, e.g. "550 5.1.1 … User unknown". */
  diagnostic: string | null;
}

/**
 * Reads an RFC 3464 delivery report. mailparser inlines the machine-readable part into the text
 * and keeps the returned headers (text/rfc822-headers or message/rfc822) as attachments, so both
 * are searched; the report's own Message-ID is excluded.
 */
export function parseBounce(parts: { text: string; attachments: string[]; ownMessageId: string | null }): BounceReport {
  const all = [parts.text, ...parts.attachments].join('\n');
  const field = (name: string) => {
    const m = new RegExp(`^${name}:[ \\t]*(.+(?:\\r?\\n[ \\t]+.+)*)`, 'im').exec(all);
    return m ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : null;
  };
  const ids = new Set<string>();
  for (const source of parts.attachments.length ? parts.attachments : [parts.text]) {
    for (const m of source.matchAll(/^Message-ID:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]+>)/gim)) {
      const id = normaliseMessageId(m[1]);
      if (id && id !== parts.ownMessageId) ids.add(id);
    }
  }
  const recipient = field('Final-Recipient') ?? field('Original-Recipient');
  const diagnostic = field('Diagnostic-Code');
  return {
    originalMessageIds: [...ids],
    recipient: recipient ? recipient.replace(/^rfc822\s*;\s*/i, '').toLowerCase() : null,
    status: field('Status'),
    action: field('Action')?.toLowerCase() ?? null,
    diagnostic: diagnostic ? diagnostic.replace(/^smtp\s*;\s*/i, '').slice(0, 500) : null,
  };
}
