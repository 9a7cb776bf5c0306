import iconv from 'iconv-lite';
import { OverdueRepository } from '../../server/alerts/reminders/overdue';
import { isPowerCutReminderDue, PowerCutRepository } from '../../server/alerts/reminders/power-cuts';
import { ReminderDispatcher } from '../../server/alerts/reminders/sends';
import { DEFAULT_SETTINGS } from '../../server/alerts/reminders/settings';
import { dueWaste } from '../../server/alerts/reminders/waste';
import { zonedInstant } from '../../server/alerts/reminders/zoned-time';
import { WasteCollectionEntity } from '../../server/alerts/reminders/entities';
import { createLogger } from '../../server/core/logger';
import { engines } from '../support/engines';
import { startAlertsWorld, type AlertsWorld } from './subscriptions-fixture';
import { addSubscriber, addTaxesCategory, postCsv, reminderRows } from './reminders-fixture';

/*
 * The reminder modules on each engine, without the send engine: imports and re-imports, what is
 * due at a given moment (the repository's answer), the once-only claim two processes race for,
 * power-cut notices and their cancelling, the finance list kept only for matching subscribers,
 * and bad input refused whole. Sending itself is proved in reminders-send.test.ts.
 */

describe.each(engines())('reminder modules on $name', (engine) => {
  let w: AlertsWorld;
  let admin: string;
  let officer: string;
  let agent: string;
  beforeAll(async () => {
    w = await startAlertsWorld(engine);
    admin = (await w.s.user('admin@gmina.pl', 'admin', ['alerts'])).token;
    officer = (await w.s.user('officer@gmina.pl', 'officer', ['alerts'])).token;
    agent = (await w.s.user('agent@gmina.pl', 'agent', ['alerts'])).token;
    await addTaxesCategory(w.s);
  }, 60_000);
  afterAll(() => w?.close());

  const waste = async () =>
    (await w.s.app.db.dataSource.manager.getRepository(WasteCollectionEntity).find({ order: { id: 'ASC' } })).map(
      (r) => `${r.areaKey} ${r.fraction} ${r.collectOn}`,
    );

  describe('waste schedule', () => {
    const first = 'miejscowość;ulica;frakcja;data\nSkórzewo;ul. Działkowa;Papier;2030-03-30\nSKORZEWO;Lipowa;Papier;30.03.2030\nDopiewo;;Szkło;2030-04-02\n';

    test('imports places by name (folded, with or without the street feature) and whole localities; the same file again changes nothing', async () => {
      const r = await postCsv(w.s, '/api/alerts/waste-schedule', officer, first);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ rows: 3, added: 3, removed: 0, unchanged: 0 });
      const { dzialkowa, lipowa, dopiewo } = w.ids;
      expect(await waste()).toEqual([`s${dzialkowa} Papier 2030-03-30`, `s${lipowa} Papier 2030-03-30`, `l${dopiewo} Szkło 2030-04-02`]);
      const before = await reminderRows(w.s);
      const again = await postCsv(w.s, '/api/alerts/waste-schedule', officer, first);
      expect(again.body).toEqual({ rows: 3, added: 0, removed: 0, unchanged: 3 });
      expect(await reminderRows(w.s)).toBe(before);
    });

    test('a newer file (Windows-1250, commas, ids) replaces the future days of the area and fraction it names; past days and other areas stay', async () => {
      const { skorzewo, dzialkowa, lipowa, dopiewo } = w.ids;
      await w.s.app.db.dataSource.manager.getRepository(WasteCollectionEntity).insert({
        localityId: skorzewo,
        streetId: dzialkowa,
        areaKey: `s${dzialkowa}`,
        fraction: 'Papier',
        fractionKey: 'papier',
        collectOn: '2020-01-10',
        createdBy: null,
        createdAt: new Date(),
      });
      const newer = iconv.encode(
        `locality,street,fraction,date\r\n${skorzewo},${dzialkowa},Papier,2030-04-13\r\n${skorzewo},${dzialkowa},Szkło,2030-04-14\r\n`,
        'win1250',
      );
      expect(newer.includes(Buffer.from('ł'))).toBe(false);
      const r = await postCsv(w.s, '/api/alerts/waste-schedule', admin, newer);
      expect(r.body).toEqual({ rows: 2, added: 2, removed: 1, unchanged: 0 });
      expect((await waste()).sort()).toEqual(
        [
          `s${lipowa} Papier 2030-03-30`,
          `l${dopiewo} Szkło 2030-04-02`,
          `s${dzialkowa} Papier 2020-01-10`,
          `s${dzialkowa} Papier 2030-04-13`,
          `s${dzialkowa} Szkło 2030-04-14`,
        ].sort(),
      );
    });

    test('is due from 18:00 Oslo time the evening before, and only then', async () => {
      const s = DEFAULT_SETTINGS;
      const due = async (at: Date) => (await dueWaste(w.s.app.db, at, s)).map((r) => `${r.areaKey} ${r.collectOn}`);
      expect(await due(zonedInstant('2030-03-29', '17:59', 'Europe/Oslo'))).toEqual([]);
      expect(await due(zonedInstant('2030-03-29', '18:00', 'Europe/Oslo'))).toEqual([`s${w.ids.lipowa} 2030-03-30`]);
      expect(await due(zonedInstant('2030-03-29', '23:59', 'Europe/Oslo'))).toEqual([`s${w.ids.lipowa} 2030-03-30`]);
      expect(await due(zonedInstant('2030-03-30', '00:00', 'Europe/Oslo'))).toEqual([]);
      // Another municipality's hour and zone.
      const warsaw = { timeZone: 'Europe/Warsaw', eveningAt: '19:30' };
      expect(await dueWaste(w.s.app.db, zonedInstant('2030-04-01', '19:29', 'Europe/Warsaw'), warsaw)).toEqual([]);
      expect((await dueWaste(w.s.app.db, zonedInstant('2030-04-01', '19:30', 'Europe/Warsaw'), warsaw)).map((r) => r.fraction)).toEqual(['Szkło']);
    });

    test.each([
      ['an unknown locality', 'locality;fraction;date\nPoznań;Papier;2030-05-01\n', /line 2, no locality "Poznań"/],
      ['a street of another locality', () => `locality;street;fraction;date\n${w.ids.skorzewo};${w.ids.glowna};Papier;2030-05-01\n`, /is not in locality/],
      ['an unknown street name', 'locality;street;fraction;date\nSkórzewo;Nieznana;Papier;2030-05-01\n', /no street "Nieznana" in Skórzewo/],
      ['a street by name without its locality', 'street;fraction;date\nLipowa;Papier;2030-05-01\n', /needs its locality/],
      ['a date that is no date', 'locality;fraction;date\nDopiewo;Papier;2030-02-30\n', /not a date/],
      ['an empty fraction', 'locality;fraction;date\nDopiewo;;2030-05-01\n', /fraction is empty/],
      ['no fraction column', 'locality;date\nDopiewo;2030-05-01\n', /no fraction column/],
      ['a column it does not read', 'locality;fraction;date;uwagi\nDopiewo;Papier;2030-05-01;x\n', /does not read: "uwagi"/],
      ['a header only', 'locality;fraction;date\n', /no rows/],
      ['no place at all', 'fraction;date\nPapier;2030-05-01\n', /names a locality or a street/],
      ['broken quoting', 'locality;fraction;date\n"Dopiewo;Papier;2030-05-01\n', /not valid CSV/],
      ['one bad line among good ones', 'locality;fraction;date\nDopiewo;Papier;2030-05-01\nDopiewo;Papier;jutro\n', /1 line\(s\) cannot be used.*line 3/],
    ])('refuses %s with 400 and stores nothing', async (_what, body, message) => {
      const before = await reminderRows(w.s);
      const r = await postCsv(w.s, '/api/alerts/waste-schedule', officer, typeof body === 'function' ? body() : body);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(message);
      expect(await reminderRows(w.s)).toBe(before);
    });

    test('refuses an agent (403) and a body that is not CSV (400)', async () => {
      const before = await reminderRows(w.s);
      expect((await postCsv(w.s, '/api/alerts/waste-schedule', agent, 'locality;fraction;date\nDopiewo;Papier;2030-05-01\n')).status).toBe(403);
      expect((await postCsv(w.s, '/api/alerts/waste-schedule', officer, '{"a":1}', 'application/json')).status).toBe(400);
      expect(await reminderRows(w.s)).toBe(before);
    });
  });

  describe('once-only', () => {
    test('two processes claiming the same reminders at once win each key exactly once', async () => {
      const logger = createLogger('silent');
      const a = new ReminderDispatcher({ db: w.s.app.db, clock: () => new Date(), logger });
      const b = new ReminderDispatcher({ db: w.s.app.db, clock: () => new Date(), logger });
      const keys = Array.from({ length: 20 }, (_, i) => `test:race:${i}:pl`);
      const [wa, wb] = await Promise.all([a.claim(keys), b.claim([...keys].reverse())]);
      expect([...wa, ...wb].sort()).toEqual([...keys].sort());
      expect(wa.filter((k) => wb.includes(k))).toEqual([]);
      // A repeated tick finds them claimed and tries none again.
      expect(await a.claim(keys)).toEqual([]);
      expect((await b.claimed(keys)).size).toBe(20);
    });

    test('without the send engine connected a tick claims nothing, so no reminder is lost', async () => {
      const before = await w.s.count('reminder_dispatches');
      expect(await w.s.app.alerts.reminders.tick()).toEqual({ waste: {}, powerCuts: {}, overdue: {} });
      expect(await w.s.count('reminder_dispatches')).toBe(before);
    });
  });

  describe('planned power cuts', () => {
    const cut = () => ({
      streets: [w.ids.dzialkowa],
      localities: [w.ids.dopiewo],
      from: '2030-06-10T08:00:00+02:00',
      to: '2030-06-10T14:00:00+02:00',
      note: 'Prace na linii SN.',
    });

    test('an officer enters a notice; cancelling it leaves no reminder due; cancelling twice is the same answer', async () => {
      const r = await w.s.api('POST', '/api/alerts/power-cuts', { token: officer, body: cut() });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ state: 'planned', streets: [w.ids.dzialkowa], localities: [w.ids.dopiewo], note: 'Prace na linii SN.' });
      expect(new Date(r.body.from).toISOString()).toBe('2030-06-10T06:00:00.000Z');
      // Nobody subscribes in this area: the notice goes at once through the engine, which finds
      // no resident for any of the three languages; nothing is left to retry.
      expect(r.body.notice).toEqual({ nobody: 3 });
      const list = await w.s.api('GET', '/api/alerts/power-cuts', { token: officer });
      expect(list.body.items.map((c: { id: number }) => c.id)).toContain(r.body.id);

      const repo = new PowerCutRepository({ db: w.s.app.db });
      const evening = zonedInstant('2030-06-09', '18:30', 'Europe/Oslo');
      expect(isPowerCutReminderDue((await repo.byId(r.body.id))!, evening, DEFAULT_SETTINGS)).toBe(true);

      const del = await w.s.api('DELETE', `/api/alerts/power-cuts/${r.body.id}`, { token: officer });
      expect(del.status).toBe(200);
      expect(del.body.state).toBe('cancelled');
      expect(isPowerCutReminderDue((await repo.byId(r.body.id))!, evening, DEFAULT_SETTINGS)).toBe(false);
      expect((await repo.upcoming(evening, 'planned')).map((c) => c.id)).not.toContain(r.body.id);
      const again = await w.s.api('DELETE', `/api/alerts/power-cuts/${r.body.id}`, { token: officer });
      expect([again.status, again.body.state, again.body.cancelledAt]).toEqual([200, 'cancelled', del.body.cancelledAt]);
      expect((await w.s.api('DELETE', '/api/alerts/power-cuts/999999', { token: officer })).status).toBe(404);
    });

    test.each([
      ['no area', (b: any) => ({ ...b, streets: [], localities: undefined }), /name the area/],
      ['an end before the start', (b: any) => ({ ...b, to: '2030-06-10T07:00:00+02:00' }), /to must be after from/],
      ['a cut already over', (b: any) => ({ ...b, from: '2020-06-10T08:00:00+02:00', to: '2020-06-10T14:00:00+02:00' }), /already over/],
      ['an unknown street', (b: any) => ({ ...b, streets: [999999] }), /not in the address register/],
      ['a time without its offset', (b: any) => ({ ...b, from: '2030-06-10T08:00:00' }), /from/],
      ['a field it does not know', (b: any) => ({ ...b, amount: 5 }), /amount/],
      ['a note far too long', (b: any) => ({ ...b, note: 'x'.repeat(301) }), /note/],
    ])('refuses %s with 400 and stores nothing', async (_what, change, message) => {
      const before = await reminderRows(w.s);
      const r = await w.s.api('POST', '/api/alerts/power-cuts', { token: officer, body: change(cut()) });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.error)).toMatch(message);
      expect(await reminderRows(w.s)).toBe(before);
    });

    test('refuses an agent', async () => {
      expect((await w.s.api('POST', '/api/alerts/power-cuts', { token: agent, body: cut() })).status).toBe(403);
      expect((await w.s.api('DELETE', '/api/alerts/power-cuts/1', { token: agent })).status).toBe(403);
    });
  });

  describe('overdue taxes and fees', () => {
    const list =
      'telefon;termin;rodzaj\n+48 601 000 001;15.01.2026;podatek od nieruchomości\n+48601000002;2026-01-15;opłata za odpady\n+48601000003;2026-01-15;podatek rolny\n+48601000004;2026-01-15;podatek leśny\n';

    test('keeps only rows of subscribers with that number who chose taxes; the same list again adds nothing', async () => {
      await addSubscriber(w.s, { phone: '+48601000001', locality: w.ids.skorzewo, categories: ['taxes'] });
      await addSubscriber(w.s, { phone: '+48601000002', locality: w.ids.skorzewo, categories: ['waste'] });
      await addSubscriber(w.s, { phone: '+48601000003', locality: w.ids.dopiewo, categories: ['taxes'], state: 'left' });
      const r = await postCsv(w.s, '/api/alerts/overdue', officer, list);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ rows: 4, subscribed: 1, added: 1, alreadyReminded: 0 });
      const rows = await w.s.app.db.dataSource.query('SELECT * FROM reminder_overdue_payments');
      expect(rows.map((x: any) => [x.phone, x.kind, x.due_on])).toEqual([['+48601000001', 'podatek od nieruchomości', '2026-01-15']]);
      expect((await postCsv(w.s, '/api/alerts/overdue', officer, list)).body).toEqual({ rows: 4, subscribed: 1, added: 0, alreadyReminded: 0 });

      const repo = new OverdueRepository({ db: w.s.app.db });
      expect(await repo.due('2026-01-15')).toEqual([]);
      expect((await repo.due('2026-01-16')).map((p) => p.phone)).toEqual(['+48601000001']);
      expect([...(await repo.subscribedWith(['+48601000001', '+48601000002', '+48601000003'])).entries()]).toEqual([['+48601000001', 'pl']]);
    });

    test.each([
      ['a column of amounts', 'telefon;termin;rodzaj;kwota\n+48601000001;2026-01-15;podatek;120,00\n', /column of amounts \("kwota"\)/],
      ['a column of names', 'telefon;termin;rodzaj;Imię i nazwisko\n+48601000001;2026-01-15;podatek;Jan Kowalski\n', /column of names/],
      ['an amount in the kind', 'phone;due;kind\n+48601000001;2026-01-15;1 200,50 zł\n', /looks like an amount/],
      ['a bare number as the kind', 'phone;due;kind\n+48601000001;2026-01-15;1200\n', /looks like an amount/],
      ['a number that is no phone number', 'phone;due;kind\n12;2026-01-15;podatek\n', /not a valid phone number/],
      ['a due date that is no date', 'phone;due;kind\n+48601000001;15/13/2026;podatek\n', /not a date/],
      ['a list without the kind', 'phone;due\n+48601000001;2026-01-15\n', /no kind column/],
    ])('refuses %s with 400 and stores nothing', async (_what, body, message) => {
      const before = await reminderRows(w.s);
      const r = await postCsv(w.s, '/api/alerts/overdue', officer, body);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(message);
      expect(JSON.stringify(r.body)).not.toMatch(/Kowalski|120,00|1 200,50/);
      expect(await reminderRows(w.s)).toBe(before);
    });
  });

  describe('settings', () => {
    test('an admin sets the time zone and evening hour; an officer reads them; bad values are refused', async () => {
      expect((await w.s.api('GET', '/api/alerts/reminder-settings', { token: officer })).body).toEqual({ timeZone: 'Europe/Oslo', eveningAt: '18:00' });
      expect((await w.s.api('PUT', '/api/alerts/reminder-settings', { token: officer, body: { timeZone: 'Europe/Warsaw', eveningAt: '19:00' } })).status).toBe(
        403,
      );
      for (const bad of [{ timeZone: 'Mars/Olympus', eveningAt: '19:00' }, { timeZone: 'Europe/Warsaw', eveningAt: '25:00' }, { timeZone: 'Europe/Warsaw' }])
        expect((await w.s.api('PUT', '/api/alerts/reminder-settings', { token: admin, body: bad })).status).toBe(400);
      expect((await w.s.api('PUT', '/api/alerts/reminder-settings', { token: admin, body: { timeZone: 'Europe/Warsaw', eveningAt: '19:00' } })).status).toBe(
        200,
      );
      expect(await w.s.app.alerts.reminderSettings.get()).toEqual({ timeZone: 'Europe/Warsaw', eveningAt: '19:00' });
    });
  });
});
