import type { Locale } from '../../shared/i18n';

/* The audit viewer's texts, kept beside it. */
const nb = {
  title: 'Revisjonslogg',
  user: 'Bruker (id)',
  contact: 'Innbygger (kontakt-id)',
  department: 'Avdeling (kode)',
  from: 'Fra',
  to: 'Til',
  show: 'Vis',
  csv: 'Last ned CSV',
  more: 'Vis eldre',
  none: 'Ingen hendelser.',
  at: 'Tid',
  who: 'Hvem',
  action: 'Handling',
  what: 'Hva',
  citizen: 'Innbygger',
  where: 'Fra adresse',
  unusualTitle: 'Uvanlig lesing siste døgn',
  unusualNone: 'Ingen brukere over terskelen.',
  unusualLine: (name: string, n: number, threshold: number) => `${name} leste ${n} innbyggere uten egen henvendelse (terskel ${threshold})`,
};
const en: typeof nb = {
  title: 'Audit trail',
  user: 'User (id)',
  contact: 'Citizen (contact id)',
  department: 'Department (code)',
  from: 'From',
  to: 'To',
  show: 'Show',
  csv: 'Download CSV',
  more: 'Show older',
  none: 'No events.',
  at: 'Time',
  who: 'Who',
  action: 'Action',
  what: 'What',
  citizen: 'Citizen',
  where: 'From address',
  unusualTitle: 'Unusual reading in the last day',
  unusualNone: 'No user above the threshold.',
  unusualLine: (name: string, n: number, threshold: number) => `${name} read ${n} citizens without an inquiry of their own (threshold ${threshold})`,
};

export const auditTexts = (locale: Locale) => (locale === 'nb' ? nb : en);
