/*
 * Norsk bokmål: every sentence the server itself writes for people (timeline notes, automatic
 * replies, receipts). The console has its own texts in client/src/lib/i18n-*.ts, the web-form pages
 * theirs in server/web-forms/i18n.ts and the voice menu its prompts in ivr/. This file is the
 * catalogue's shape: en.ts must have every key, and the type checker holds it to that.
 */

const caller = (phone: string | null) => phone ?? 'skjult nummer';

export const nb = {
  // Phone calls, as notes on the inquiry's timeline.
  callIncoming: (phone: string | null, department: string) => `Innkommende samtale fra ${caller(phone)} til ${department}.`,
  callbackWanted: (phone: string | null, department: string) => `Ønsker å bli ringt opp: ${caller(phone)} ringte ${department} utenom åpningstid.`,
  callMissed: (seconds: number, phone: string | null) => `Tapt anrop etter ${seconds} s i kø. Ring tilbake: ${caller(phone)}.`,
  callAnswered: (agent: string) => `Samtalen ble besvart av ${agent}.`,
  callTransferred: (from: string, to: string, note: string) => `Satt over fra ${from} til ${to}: ${note}`,

  // SMS: the answer to HELP/HJELP.
  smsHelp: 'Du har skrevet til kommunen. Svar STOPP for å ikke få flere meldinger fra dette nummeret, START for å få dem igjen.',

  // Receipts.
  mailReceiptSubject: (about: string, tag: string) => `Mottatt: ${about} ${tag}`,
  mailReceiptNoSubject: 'Henvendelse',
  mailReceiptReceived: (reference: number) => `Vi har mottatt henvendelsen din. Referansenummer: ${reference}.`,
  formReceiptSubject: (title: string, tag: string) => `Kvittering: ${title} ${tag}`,
  formReceiptReceived: (title: string, reference: number) => `Vi har mottatt henvendelsen din «${title}». Referansenummeret ditt er ${reference}.`,
  smsReceipt: (reference: number) => `Vi har mottatt henvendelsen din. Referanse: ${reference}.`,
  replyToAdd: 'Svar på denne e-posten hvis du vil legge til noe; behold referansen i emnefeltet.',
  automaticMessage: 'Dette er en automatisk melding.',
};

export type ServerTexts = typeof nb;
