import type { AlertsFeature } from '../alerts/module';

/*
 * Resident alerts in the demo: the default interest categories, and a small address register in
 * TERYT's published columns, so the public pages have places to choose from. The municipality is
 * seed 001's (Dopiewo); the codes are made up for the demo, not GUS's.
 */

const SIMC = `WOJ;POW;GMI;RODZ_GMI;RM;MZ;NAZWA;SYM;SYMPOD;STAN_NA
99;01;01;2;01;1;Dopiewo;9900001;9900001;2025-01-01
99;01;01;2;01;1;Skórzewo;9900002;9900002;2025-01-01
99;01;01;2;01;1;Konarzewo;9900003;9900003;2025-01-01
99;01;01;2;01;1;Dąbrówka;9900004;9900004;2025-01-01
99;01;01;2;01;1;Palędzie;9900005;9900005;2025-01-01
99;01;01;2;01;1;Zakrzewo;9900006;9900006;2025-01-01
`;
const ULIC = `WOJ;POW;GMI;RODZ_GMI;SYM;SYM_UL;CECHA;NAZWA_1;NAZWA_2;STAN_NA
99;01;01;2;9900002;00001;ul.;Działkowa;;2025-01-01
99;01;01;2;9900002;00002;ul.;Pawła II;Jana;2025-01-01
99;01;01;2;9900002;00003;ul.;Poznańska;;2025-01-01
99;01;01;2;9900002;00004;ul.;Malwowa;;2025-01-01
99;01;01;2;9900001;00005;ul.;Łąkowa;;2025-01-01
99;01;01;2;9900001;00006;ul.;Szkolna;;2025-01-01
99;01;01;2;9900001;00007;ul.;Mickiewicza;Adama;2025-01-01
99;01;01;2;9900003;00008;ul.;Stęszewska;;2025-01-01
99;01;01;2;9900004;00009;ul.;Grzybowa;;2025-01-01
99;01;01;2;9900004;00010;ul.;Leśna;;2025-01-01
`;

/** Seeds only what is empty, so a restart or an admin's own register is left alone. */
export async function seedDemoAlerts(deps: { alerts: Pick<AlertsFeature, 'categories' | 'addressRegister'> }): Promise<void> {
  const { categories, addressRegister } = deps.alerts;
  await categories.seedDefaults();
  // Demos started before the overdue-payment reminders existed get their category too.
  if (!(await categories.list()).some((c) => c.code === 'taxes')) await categories.put('taxes', 'Taxes and fees', { userId: null, route: 'demo seed' });
  if ((await addressRegister.counts()).localities > 0) return;
  const who = { userId: null, route: 'demo seed' };
  await addressRegister.importFile(Buffer.from(SIMC), 'teryt-simc', null, who);
  await addressRegister.importFile(Buffer.from(ULIC), 'teryt-ulic', null, who);
}
