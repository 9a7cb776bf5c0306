import type { AlertLang } from './subscriptions.schemas';

/*
 * What a resident agrees to, in their language: the same sentence the page shows beside the
 * confirm button is stored in the consent record, so the record says exactly what was read.
 * The JSON endpoint stores the same sentence for the choice it was given.
 */

export interface ConsentChoice {
  phone: string;
  locality: string;
  streets: string[];
  categories: string[];
}

interface ConsentTexts {
  agree(c: ConsentChoice): string;
  unsubscribe(phone: string): string;
  stop(phone: string, ourNumber: string): string;
}

const list = (xs: string[]) => xs.join(', ');

const pl: ConsentTexts = {
  agree: (c) =>
    `Zgadzam się na otrzymywanie od gminy powiadomień SMS na numer ${c.phone} o sprawach dotyczących: ${c.locality}` +
    (c.streets.length ? `, ulice: ${list(c.streets)}` : ' (cała miejscowość)') +
    (c.categories.length ? `; kategorie: ${list(c.categories)}` : '; bez wybranych kategorii (tylko komunikaty ogólne i alarmowe)') +
    '. Numer i mój wybór są przechowywane w tym celu do czasu rezygnacji. Mogę zrezygnować w każdej chwili na stronie powiadomień, potwierdzając kodem SMS, albo odpowiadając STOP.',
  unsubscribe: (phone) => `Rezygnuję z powiadomień SMS gminy na numer ${phone}.`,
  stop: (phone, our) => `STOP wysłane z numeru ${phone} na numer ${our}: rezygnacja z powiadomień SMS gminy.`,
};

const nb: ConsentTexts = {
  agree: (c) =>
    `Jeg samtykker i å få SMS-varsler fra kommunen til nummeret ${c.phone} om: ${c.locality}` +
    (c.streets.length ? `, gatene ${list(c.streets)}` : ' (hele stedet)') +
    (c.categories.length ? `; kategorier: ${list(c.categories)}` : '; ingen valgte kategorier (bare generelle varsler og nødvarsler)') +
    '. Nummeret og valgene mine lagres til dette til jeg melder meg av. Jeg kan melde meg av når som helst på varslingssiden med en kode på SMS, eller ved å svare STOPP.',
  unsubscribe: (phone) => `Jeg melder nummeret ${phone} av SMS-varsler fra kommunen.`,
  stop: (phone, our) => `STOPP sendt fra ${phone} til ${our}: avmelding fra kommunens SMS-varsler.`,
};

const en: ConsentTexts = {
  agree: (c) =>
    `I agree to receive SMS alerts from the municipality at ${c.phone} about: ${c.locality}` +
    (c.streets.length ? `, streets ${list(c.streets)}` : ' (the whole locality)') +
    (c.categories.length ? `; categories: ${list(c.categories)}` : '; no chosen categories (general alerts and emergencies only)') +
    '. My number and choices are kept for this until I leave. I can leave at any time on the alerts page with an SMS code, or by replying STOP.',
  unsubscribe: (phone) => `I unsubscribe ${phone} from the municipality's SMS alerts.`,
  stop: (phone, our) => `STOP sent from ${phone} to ${our}: unsubscribed from the municipality's SMS alerts.`,
};

const TEXTS: Record<AlertLang, ConsentTexts> = { pl, nb, en };
export const consentTexts = (lang: AlertLang): ConsentTexts => TEXTS[lang];
