import { createHash } from 'node:crypto';
import type { JournalEntry } from './entities';

/*
 * Noark 5 v5.0 arkivstruktur.xml for a period of journal posts, written from the standard's
 * required structure: arkiv → arkivdel → mappe (saksmappe for a case, a plain mappe per inquiry
 * without one) → registrering of type journalpost → dokumentbeskrivelse → dokumentobjekt. Element
 * order follows the schema, where an extension's own elements come after its base's children.
 */

export const NOARK_NS = 'http://www.arkivverket.no/standarder/noark5/arkivstruktur';

/** A stable UUID for one of our objects, so the same post has the same systemID in every export. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(`servicetorg:${name}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const escapeXml = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex -- characters XML 1.0 forbids are exactly what this strips
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const el = (name: string, value: string | number) => `<${name}>${escapeXml(String(value))}</${name}>`;
const dateTime = (d: Date) => d.toISOString();
const date = (d: Date) => d.toISOString().slice(0, 10);

export const journalposttype = (e: Pick<JournalEntry, 'direction'>) => (e.direction === 'I' ? 'Inngående dokument' : 'Utgående dokument');
export const documentType = (channel: string) => (channel === 'sms' ? 'SMS' : channel === 'email' ? 'E-post' : 'Henvendelse');
/** Where the document's text sits in the extract, beside arkivstruktur.xml. */
export const documentPath = (e: Pick<JournalEntry, 'systemId'>) => `dokumenter/${e.systemId}.txt`;

export interface ExportMeta {
  from: Date;
  to: Date;
  createdAt: Date;
  createdBy: string;
  organisation: string;
  /** Case facts the folder needs beyond what each entry froze. */
  cases: Map<number, { createdAt: Date; open: boolean; caseworker: string | null }>;
}

function journalpost(e: JournalEntry, by: string): string {
  const doc = [
    el('systemID', stableUuid(`document:${e.id}`)),
    el('dokumenttype', documentType(e.channel)),
    el('dokumentstatus', 'Dokumentet er ferdigstilt'),
    el('tittel', e.title),
    el('opprettetDato', dateTime(e.documentDate)),
    el('opprettetAv', by),
    el('tilknyttetRegistreringSom', 'Hoveddokument'),
    el('dokumentnummer', 1),
    el('tilknyttetDato', dateTime(e.createdAt)),
    el('tilknyttetAv', by),
    '<dokumentobjekt>' +
      [
        el('systemID', stableUuid(`object:${e.id}`)),
        el('versjonsnummer', 1),
        el('variantformat', 'Arkivformat'),
        el('format', 'x-fmt/111'),
        el('formatDetaljer', 'text/plain; charset=UTF-8'),
        el('opprettetDato', dateTime(e.createdAt)),
        el('opprettetAv', by),
        el('referanseDokumentfil', documentPath(e)),
        el('sjekksum', e.checksum),
        el('sjekksumAlgoritme', 'SHA256'),
        el('filstoerrelse', e.size),
      ].join('') +
      '</dokumentobjekt>',
  ].join('');
  const party = [el('korrespondanseparttype', e.direction === 'I' ? 'Avsender' : 'Mottaker'), el('korrespondansepartNavn', e.partyName)];
  if (e.partyAddress) party.push(e.partyAddress.includes('@') ? el('epostadresse', e.partyAddress) : el('telefonnummer', e.partyAddress));
  return (
    '<registrering xsi:type="journalpost">' +
    [
      el('systemID', e.systemId),
      el('opprettetDato', dateTime(e.createdAt)),
      el('opprettetAv', by),
      el('arkivertDato', dateTime(e.createdAt)),
      el('arkivertAv', by),
      `<dokumentbeskrivelse>${doc}</dokumentbeskrivelse>`,
      el('registreringsID', `${e.journalYear}/${e.journalSeq}`),
      el('tittel', e.title),
      `<korrespondansepart>${party.join('')}</korrespondansepart>`,
      el('journalaar', e.journalYear),
      el('journalsekvensnummer', e.journalSeq),
      el('journalpostnummer', e.postNumber),
      el('journalposttype', journalposttype(e)),
      el('journalstatus', 'Journalført'),
      el('journaldato', date(e.journalDate)),
      el('dokumentetsDato', date(e.documentDate)),
      e.direction === 'I' ? el('mottattDato', dateTime(e.documentDate)) : el('sendtDato', dateTime(e.documentDate)),
    ].join('') +
    '</registrering>'
  );
}

/** Case number "2024/123" gives saksaar 2024 and sakssekvensnummer 123; other forms fall back to the year and our id. */
export function caseYearAndSeq(caseNumber: string, caseId: number, createdAt: Date): [number, number] {
  const m = /^(\d{4})\s*\/\s*(\d{1,9})$/.exec(caseNumber.trim());
  return m ? [Number(m[1]), Number(m[2])] : [createdAt.getUTCFullYear(), caseId];
}

export function arkivstrukturXml(entries: JournalEntry[], meta: ExportMeta): string {
  const by = meta.createdBy;
  const folders = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    const key = e.caseId !== null ? `case:${e.caseId}` : `inquiry:${e.inquiryId}`;
    folders.set(key, [...(folders.get(key) ?? []), e]);
  }
  const mapper = [...folders.entries()].map(([key, posts]) => {
    const first = posts[0];
    const c = first.caseId !== null ? meta.cases.get(first.caseId) : undefined;
    const opened = c?.createdAt ?? first.documentDate;
    const base = [
      el('systemID', stableUuid(`folder:${key}`)),
      el('mappeID', first.caseNumber ?? `henvendelse-${first.inquiryId}`),
      el('tittel', first.caseTitle ?? `Henvendelse ${first.inquiryId}`),
      el('opprettetDato', dateTime(opened)),
      el('opprettetAv', by),
      // The extract closes every folder at the end of its period, as the schema requires.
      el('avsluttetDato', dateTime(meta.to)),
      el('avsluttetAv', by),
      ...posts.map((p) => journalpost(p, by)),
    ].join('');
    if (first.caseId === null || !first.caseNumber) return `<mappe>${base}</mappe>`;
    const [year, seq] = caseYearAndSeq(first.caseNumber, first.caseId, opened);
    const ext = [
      el('saksaar', year),
      el('sakssekvensnummer', seq),
      el('saksdato', date(opened)),
      el('administrativEnhet', first.department),
      el('saksansvarlig', c?.caseworker ?? first.department),
      el('saksstatus', c && !c.open ? 'Avsluttet' : 'Under behandling'),
    ].join('');
    return `<mappe xsi:type="saksmappe">${base}${ext}</mappe>`;
  });
  const period = `${date(meta.from)}–${date(meta.to)}`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<arkiv xmlns="${NOARK_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    [
      el('systemID', stableUuid(`arkiv:${meta.organisation}`)),
      el('tittel', `${meta.organisation}: journalførte meldinger`),
      el('opprettetDato', dateTime(meta.createdAt)),
      el('opprettetAv', by),
      el('avsluttetDato', dateTime(meta.to)),
      el('avsluttetAv', by),
      `<arkivskaper>${el('arkivskaperID', meta.organisation)}${el('arkivskaperNavn', meta.organisation)}</arkivskaper>`,
      '<arkivdel>' +
        [
          el('systemID', stableUuid(`arkivdel:${date(meta.from)}:${date(meta.to)}`)),
          el('tittel', `Meldinger ${period}`),
          el('arkivdelstatus', 'Avsluttet periode'),
          el('opprettetDato', dateTime(meta.createdAt)),
          el('opprettetAv', by),
          el('avsluttetDato', dateTime(meta.to)),
          el('avsluttetAv', by),
          el('arkivperiodeStartDato', date(meta.from)),
          el('arkivperiodeSluttDato', date(meta.to)),
          ...mapper,
        ].join('') +
        '</arkivdel>',
    ].join('') +
    '</arkiv>\n'
  );
}
