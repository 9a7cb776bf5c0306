import type { AlertLang } from '../subscriptions.schemas';
import { localParts, type Day } from './zoned-time';

/*
 * The reminders' SMS, in the resident's language. Short (one segment where the names allow),
 * plain, and holding only what the module knows: a fraction and a day, a time span, a kind of
 * payment and its due day. Never an amount or a name.
 */

const dotted = (day: Day) => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;
const dayIn = (lang: AlertLang, day: Day) => (lang === 'en' ? day : dotted(day));
const timeIn = (lang: AlertLang, at: Date, timeZone: string) => {
  const p = localParts(at, timeZone);
  return `${dayIn(lang, p.day)} ${String(p.hh).padStart(2, '0')}:${String(p.mm).padStart(2, '0')}`;
};

export const wasteText = (lang: AlertLang, fraction: string, day: Day): string =>
  ({
    pl: `Przypomnienie: jutro (${dayIn(lang, day)}) odbiór odpadów: ${fraction}. Wystaw pojemnik wieczorem.`,
    nb: `Påminnelse: i morgen (${dayIn(lang, day)}) hentes avfall: ${fraction}. Sett ut dunken i kveld.`,
    en: `Reminder: waste collection tomorrow (${dayIn(lang, day)}): ${fraction}. Please put your bin out tonight.`,
  })[lang];

export interface CutSpan {
  startsAt: Date;
  endsAt: Date;
  note: string | null;
  timeZone: string;
}
const span = (lang: AlertLang, c: CutSpan) => `${timeIn(lang, c.startsAt, c.timeZone)}–${timeIn(lang, c.endsAt, c.timeZone)}`;
const withNote = (text: string, note: string | null) => (note ? `${text} ${note}` : text);

export const powerCutNotice = (lang: AlertLang, c: CutSpan): string =>
  withNote(
    {
      pl: `Planowane wyłączenie prądu: ${span(lang, c)}.`,
      nb: `Planlagt strømbrudd: ${span(lang, c)}.`,
      en: `Planned power cut: ${span(lang, c)}.`,
    }[lang],
    c.note,
  );

export const powerCutReminder = (lang: AlertLang, c: CutSpan): string =>
  ({
    pl: `Przypomnienie: jutro planowane wyłączenie prądu: ${span(lang, c)}.`,
    nb: `Påminnelse: i morgen planlagt strømbrudd: ${span(lang, c)}.`,
    en: `Reminder: planned power cut tomorrow: ${span(lang, c)}.`,
  })[lang];

export const powerCutCancelled = (lang: AlertLang, c: CutSpan): string =>
  ({
    pl: `Odwołano planowane wyłączenie prądu: ${span(lang, c)}.`,
    nb: `Det planlagte strømbruddet ${span(lang, c)} er avlyst.`,
    en: `The planned power cut ${span(lang, c)} has been cancelled.`,
  })[lang];

export const overdueText = (lang: AlertLang, kind: string, dueOn: Day): string =>
  ({
    pl: `Przypomnienie: termin płatności (${kind}) minął ${dayIn(lang, dueOn)}. Jeśli już zapłacono, prosimy zignorować tę wiadomość.`,
    nb: `Påminnelse: forfallsdato for ${kind} var ${dayIn(lang, dueOn)}. Har du betalt, kan du se bort fra meldingen.`,
    en: `Reminder: ${kind} was due on ${dayIn(lang, dueOn)}. If you have already paid, please ignore this message.`,
  })[lang];
