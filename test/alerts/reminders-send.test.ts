import fs from 'node:fs';
import path from 'node:path';
import { overdueText, powerCutCancelled, powerCutNotice, powerCutReminder, wasteText } from '../../server/alerts/reminders/texts';
import { zonedInstant } from '../../server/alerts/reminders/zoned-time';
import { engines, type Engine } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { eventually, sleep } from '../support/eventually';
import { ALERTS_NUMBER, startAlertsWorld, type AlertsWorld } from './subscriptions-fixture';
import { addSubscriber, addTaxesCategory, postCsv } from './reminders-fixture';

/*
 * End to end: residents receive each reminder at the Twilio stand-in, in their language, once,
 * through the one send engine, whose send jobs run on the embedded queue and on BullMQ (Redis). This needs the engine's sends to an audience (the broadcast
 * branch) and the port wired to it (server/alerts/reminders/engine-sends.ts, added at that
 * merge); until both are there the suite is skipped, so it cannot pass on nothing by accident.
 */
const wired = fs.existsSync(path.join(__dirname, '../../server/alerts/reminders/engine-sends.ts'));
const cases = engines().flatMap((engine) =>
  (['database', 'bullmq'] as const).map((queue) => ({ engine, queue, name: `${engine.name} with the ${queue} queue` })),
);
const suite = wired ? describe.each(cases) : describe.skip.each(cases);

suite('reminders reach residents through the send engine on $name', ({ engine, queue }: { engine: Engine; queue: 'database' | 'bullmq' }) => {
  let w: AlertsWorld;
  const prefix = uniquePrefix();
  let officers = 0;
  /** An officer's token minted at the server's present time (a clock moved years on has expired the older ones). */
  const officer = async () => (await w.s.user(`officer${++officers}@gmina.pl`, 'officer', ['alerts'])).token;
  const tz = 'Europe/Oslo';
  const offset = { value: 0 };
  /** Puts the server's clock at a local time in the municipality. */
  const clockTo = (day: string, hhmm: string) => {
    const delta = zonedInstant(day, hhmm, tz).getTime() - (Date.now() + offset.value);
    offset.value += delta;
    w.advance(delta);
  };
  const smsTo = (phone: string) => w.standin.messages.filter((m) => m.params.To === phone).map((m) => m.params.Body);
  const tick = () => w.s.app.alerts.reminders.tick();

  beforeAll(async () => {
    w = await startAlertsWorld(engine, queue === 'bullmq' ? { env: { REDIS_URL: TEST_REDIS_URL }, prefix } : {});
    expect(w.s.app.jobs.kind).toBe(queue);
    await addTaxesCategory(w.s);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    if (queue === 'bullmq') await dropPrefix(prefix);
  });

  test('waste: the evening before, each waste subscriber of the streets gets one SMS in their language; a repeated tick sends nothing more', async () => {
    const { skorzewo, dopiewo, dzialkowa, lipowa } = w.ids;
    await addSubscriber(w.s, { phone: '+4791100001', locality: skorzewo, streets: [dzialkowa], categories: ['waste'], language: 'pl' });
    await addSubscriber(w.s, { phone: '+4791100002', locality: skorzewo, categories: ['waste'], language: 'nb' });
    await addSubscriber(w.s, { phone: '+4791100003', locality: skorzewo, streets: [lipowa], categories: ['waste', 'culture'], language: 'en' });
    await addSubscriber(w.s, { phone: '+4791100004', locality: skorzewo, streets: [dzialkowa], categories: ['culture'], language: 'pl' });
    await addSubscriber(w.s, { phone: '+4791100005', locality: dopiewo, categories: ['waste'], language: 'pl' });
    clockTo('2030-03-20', '12:00');
    const r = await postCsv(
      w.s,
      '/api/alerts/waste-schedule',
      await officer(),
      'miejscowość;ulica;frakcja;data\nSkórzewo;Działkowa;Papier;2030-03-27\nSkórzewo;Lipowa;Papier;2030-03-27\n',
    );
    expect(r.body.added).toBe(2);

    clockTo('2030-03-26', '17:59');
    await tick();
    await sleep(300);
    expect(smsTo('+4791100001')).toEqual([]);

    clockTo('2030-03-26', '18:00');
    await Promise.all([tick(), tick()]);
    await eventually(() => smsTo('+4791100003').length === 1 && smsTo('+4791100002').length === 1 && smsTo('+4791100001').length === 1, 'three reminders');
    await tick();
    await sleep(1000);
    expect(smsTo('+4791100001')).toEqual([wasteText('pl', 'Papier', '2030-03-27')]);
    expect(smsTo('+4791100002')).toEqual([wasteText('nb', 'Papier', '2030-03-27')]);
    expect(smsTo('+4791100003')).toEqual([wasteText('en', 'Papier', '2030-03-27')]);
    expect(smsTo('+4791100004')).toEqual([]);
    expect(smsTo('+4791100005')).toEqual([]);
    expect(w.standin.messages.find((m) => m.params.To === '+4791100001')!.params.From).toBe(ALERTS_NUMBER);
  });

  test('power cut: a notice at once, a reminder the evening before; a cancelled cut sends no reminder and tells those told', async () => {
    const { dopiewo, glowna } = w.ids;
    await addSubscriber(w.s, { phone: '+4791100011', locality: dopiewo, streets: [glowna], categories: ['culture'], language: 'pl' });
    clockTo('2030-04-01', '10:00');
    const token = await officer();
    const body = (day: string) => ({ streets: [glowna], from: `${day}T08:00:00+02:00`, to: `${day}T12:00:00+02:00` });
    const kept = await w.s.api('POST', '/api/alerts/power-cuts', { token, body: body('2030-04-05') });
    const dropped = await w.s.api('POST', '/api/alerts/power-cuts', { token, body: body('2030-04-08') });
    expect([kept.status, dropped.status]).toEqual([201, 201]);
    const span = (day: string) => ({ startsAt: new Date(`${day}T06:00:00Z`), endsAt: new Date(`${day}T10:00:00Z`), note: null, timeZone: tz });
    await eventually(() => smsTo('+4791100011').length === 2, 'two notices');
    expect(smsTo('+4791100011').sort()).toEqual([powerCutNotice('pl', span('2030-04-05')), powerCutNotice('pl', span('2030-04-08'))].sort());

    expect((await w.s.api('DELETE', `/api/alerts/power-cuts/${dropped.body.id}`, { token })).status).toBe(200);
    await eventually(() => smsTo('+4791100011').length === 3, 'the cancellation');
    expect(smsTo('+4791100011')[2]).toBe(powerCutCancelled('pl', span('2030-04-08')));

    clockTo('2030-04-04', '18:05');
    await tick();
    await eventually(() => smsTo('+4791100011').length === 4, 'the reminder');
    expect(smsTo('+4791100011')[3]).toBe(powerCutReminder('pl', span('2030-04-05')));
    clockTo('2030-04-07', '18:05');
    await tick();
    await tick();
    await sleep(1000);
    expect(smsTo('+4791100011')).toHaveLength(4);
  });

  test('overdue: only the subscriber with that number who chose taxes gets the reminder, once', async () => {
    const { skorzewo } = w.ids;
    await addSubscriber(w.s, { phone: '+4791100021', locality: skorzewo, categories: ['taxes'], language: 'nb' });
    await addSubscriber(w.s, { phone: '+4791100022', locality: skorzewo, categories: ['waste'], language: 'nb' });
    clockTo('2030-05-02', '09:00');
    const list = 'phone;due;kind\n+4791100021;2030-04-30;eiendomsskatt\n+4791100022;2030-04-30;eiendomsskatt\n+4791100023;2030-04-30;eiendomsskatt\n';
    expect((await postCsv(w.s, '/api/alerts/overdue', await officer(), list)).body).toMatchObject({ rows: 3, subscribed: 1 });
    await Promise.all([tick(), tick()]);
    await eventually(() => smsTo('+4791100021').length === 1, 'the overdue reminder');
    expect((await postCsv(w.s, '/api/alerts/overdue', await officer(), list)).body).toMatchObject({ added: 0, alreadyReminded: 1 });
    await tick();
    await sleep(1000);
    expect(smsTo('+4791100021')).toEqual([overdueText('nb', 'eiendomsskatt', '2030-04-30')]);
    expect(smsTo('+4791100022')).toEqual([]);
    expect(smsTo('+4791100023')).toEqual([]);
    expect(await w.s.count('reminder_overdue_payments')).toBe(0);
  });
});
