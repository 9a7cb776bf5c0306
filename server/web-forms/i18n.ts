import type { Lang } from './definition';

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

const nb = {
  required: 'Feltet må fylles ut.',
  tooLong: (n: number) => `Svaret kan ikke være lengre enn ${n} tegn.`,
  invalidEmail: 'Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.',
  invalidPhone: 'Skriv et gyldig telefonnummer, for eksempel 912 34 567.',
  invalidDate: 'Skriv datoen som ÅÅÅÅ-MM-DD.',
  invalidChoice: 'Velg et av alternativene.',
  fileTooLarge: (n: number) => `Filen er for stor. Største tillatte størrelse er ${mb(n)}.`,
  errorSummary: 'Skjemaet har feil som må rettes',
  requiredMark: '(må fylles ut)',
  send: 'Send',
  honeypot: 'Ikke fyll ut dette feltet',
  thanksTitle: 'Takk, vi har mottatt henvendelsen',
  thanksBody: (ref: number) => `Referansenummeret ditt er ${ref}. Oppgi det hvis du kontakter oss om saken.`,
  thanksReceipt: 'Vi har sendt deg en kvittering.',
  thanksGeneric: 'Takk, vi har mottatt henvendelsen.',
  rateLimited: 'Du har sendt mange skjemaer på kort tid. Vent litt og prøv igjen.',
  tooLarge: 'Innsendingen er for stor.',
  unreadable: 'Innsendingen kunne ikke leses. Prøv igjen.',
  busy: 'Mange sender filer akkurat nå. Vent noen sekunder og prøv igjen.',
  failed: 'Noe gikk galt, og henvendelsen ble ikke lagret. Prøv igjen.',
  fileRefused: (name: string) => `Vedlegget «${name}» ble ikke tatt imot: filtypen er ikke tillatt, eller innholdet stemmer ikke med filtypen.`,
  notFound: 'Fant ikke skjemaet.',
  other: 'English',
  choose: 'Velg …',
};
type Texts = typeof nb;

const en: Texts = {
  required: 'This field is required.',
  tooLong: (n: number) => `The answer cannot be longer than ${n} characters.`,
  invalidEmail: 'Enter a valid e-mail address, such as name@example.com.',
  invalidPhone: 'Enter a valid phone number, such as +47 912 34 567.',
  invalidDate: 'Enter the date as YYYY-MM-DD.',
  invalidChoice: 'Choose one of the options.',
  fileTooLarge: (n: number) => `The file is too large. The largest allowed size is ${mb(n)}.`,
  errorSummary: 'There are problems with the form',
  requiredMark: '(required)',
  send: 'Send',
  honeypot: 'Do not fill in this field',
  thanksTitle: 'Thank you, we have received your inquiry',
  thanksBody: (ref: number) => `Your reference number is ${ref}. Quote it if you contact us about this.`,
  thanksReceipt: 'We have sent you a receipt.',
  thanksGeneric: 'Thank you, we have received your inquiry.',
  rateLimited: 'You have sent many forms in a short time. Please wait a little and try again.',
  tooLarge: 'The submission is too large.',
  unreadable: 'The submission could not be read. Please try again.',
  busy: 'Many people are sending files right now. Please wait a few seconds and try again.',
  failed: 'Something went wrong and your inquiry was not saved. Please try again.',
  fileRefused: (name: string) => `The attachment “${name}” was not accepted: its file type is not allowed, or its content does not match its type.`,
  notFound: 'The form was not found.',
  other: 'Norsk',
  choose: 'Choose …',
};

export const t = (lang: Lang): Texts => (lang === 'en' ? en : nb);
