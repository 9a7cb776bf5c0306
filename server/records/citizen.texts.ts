/* The citizen's export as a readable document, in their language (nb, pl, en). */
export const EXPORT_LANGS = ['nb', 'pl', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

const en = {
  title: 'What we hold about you',
  intro: 'This document lists everything the municipality’s contact centre holds about you, and every time a member of staff read it.',
  generated: 'Made',
  contact: 'Your contact details',
  name: 'Name',
  phones: 'Phone numbers',
  emails: 'E-mail addresses',
  address: 'Address',
  language: 'Language',
  cases: 'Case files you are a party to',
  inquiries: 'Your inquiries and messages',
  inquiry: 'Inquiry',
  channel: 'Channel',
  department: 'Department',
  caseNumber: 'Case',
  sent: 'Sent by us',
  received: 'Received from you',
  attachment: 'Attachment',
  calls: 'Phone calls',
  journal: 'Journal posts sent to the archive',
  subscription: 'SMS alert subscription',
  consents: 'Your consents',
  stopList: 'STOP list (we send you no SMS from these numbers)',
  reads: 'Staff who read your data',
  none: 'None.',
};
type Texts = typeof en;
const nb: Texts = {
  title: 'Dette har vi lagret om deg',
  intro: 'Dette dokumentet viser alt kommunens kontaktsenter har lagret om deg, og hver gang en ansatt leste det.',
  generated: 'Laget',
  contact: 'Kontaktopplysningene dine',
  name: 'Navn',
  phones: 'Telefonnumre',
  emails: 'E-postadresser',
  address: 'Adresse',
  language: 'Språk',
  cases: 'Saker du er part i',
  inquiries: 'Henvendelsene og meldingene dine',
  inquiry: 'Henvendelse',
  channel: 'Kanal',
  department: 'Avdeling',
  caseNumber: 'Sak',
  sent: 'Sendt av oss',
  received: 'Mottatt fra deg',
  attachment: 'Vedlegg',
  calls: 'Telefonsamtaler',
  journal: 'Journalposter sendt til arkivet',
  subscription: 'Abonnement på SMS-varsler',
  consents: 'Samtykkene dine',
  stopList: 'STOP-listen (vi sender deg ingen SMS fra disse numrene)',
  reads: 'Ansatte som har lest opplysningene dine',
  none: 'Ingen.',
};
const pl: Texts = {
  title: 'Jakie dane o Tobie przechowujemy',
  intro: 'Ten dokument zawiera wszystkie dane, które centrum kontaktowe gminy przechowuje o Tobie, oraz każdy odczyt tych danych przez pracownika.',
  generated: 'Utworzono',
  contact: 'Twoje dane kontaktowe',
  name: 'Imię i nazwisko',
  phones: 'Numery telefonu',
  emails: 'Adresy e-mail',
  address: 'Adres',
  language: 'Język',
  cases: 'Sprawy, w których jesteś stroną',
  inquiries: 'Twoje zgłoszenia i wiadomości',
  inquiry: 'Zgłoszenie',
  channel: 'Kanał',
  department: 'Wydział',
  caseNumber: 'Sprawa',
  sent: 'Wysłane przez nas',
  received: 'Otrzymane od Ciebie',
  attachment: 'Załącznik',
  calls: 'Rozmowy telefoniczne',
  journal: 'Wpisy dziennika przekazane do archiwum',
  subscription: 'Subskrypcja powiadomień SMS',
  consents: 'Twoje zgody',
  stopList: 'Lista STOP (nie wysyłamy Ci SMS z tych numerów)',
  reads: 'Pracownicy, którzy odczytali Twoje dane',
  none: 'Brak.',
};

export const exportTexts = (lang: ExportLang): Texts => ({ nb, pl, en })[lang];

/** The citizen's own language where we know it (Norwegian in any form is nb), English otherwise. */
export function exportLangOf(language: string | null | undefined): ExportLang {
  const l = (language ?? '').toLowerCase();
  if (l === 'nb' || l === 'nn' || l === 'no') return 'nb';
  if (l === 'pl') return 'pl';
  return 'en';
}
