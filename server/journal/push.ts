import type { OutboundHooks } from '../core/outbound-hooks';
import type { JournalEntry } from './entities';
import { documentType, journalposttype } from './noark';

/** The JSON an archive receives for one post: Noark 5 journalpost fields under their own names. */
export function pushPayload(e: JournalEntry) {
  return {
    idempotencyKey: e.idempotencyKey,
    systemID: e.systemId,
    journalaar: e.journalYear,
    journalsekvensnummer: e.journalSeq,
    journalpostnummer: e.postNumber,
    journalposttype: journalposttype(e),
    journalposttypeKode: e.direction,
    journalstatus: 'Journalført',
    journaldato: e.journalDate.toISOString().slice(0, 10),
    dokumentetsDato: e.documentDate.toISOString(),
    korrespondansepart: { korrespondanseparttype: e.direction === 'I' ? 'Avsender' : 'Mottaker', korrespondansepartNavn: e.partyName, adresse: e.partyAddress },
    saksmappe: e.caseNumber ? { mappeID: e.caseNumber, tittel: e.caseTitle } : null,
    administrativEnhet: e.department,
    tittel: e.title,
    kanal: e.channel,
    dokument: {
      dokumenttype: documentType(e.channel),
      format: 'text/plain; charset=UTF-8',
      innhold: e.body,
      sjekksum: e.checksum,
      sjekksumAlgoritme: 'SHA256',
      filstoerrelse: e.size,
    },
  };
}

/**
 * The generic archive adapter: one HTTPS POST of JSON per post, with an Idempotency-Key header the
 * archive uses to drop a repeat (our run can die after the archive stored a post but before we
 * marked it delivered). Anything but a 2xx is a failure to retry. It goes through the outbound
 * hooks, so only to a host an admin listed, and its failures name no more than "unreachable" or
 * the status class: the records role sees them as a post's last error.
 */
export function pushEntry(hooks: OutboundHooks, url: string, e: JournalEntry, opts: { token?: string | null; timeoutMs?: number } = {}): Promise<void> {
  return hooks.post('archive', url, {
    headers: { 'content-type': 'application/json', 'idempotency-key': e.idempotencyKey, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: JSON.stringify(pushPayload(e)),
    timeoutMs: opts.timeoutMs,
  });
}
