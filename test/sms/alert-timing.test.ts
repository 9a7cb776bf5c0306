import { engines, type Engine } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { eventually } from '../support/eventually';
import { locality, manySubscribers, street, subscriber } from './broadcast-fixture';

/*
 * When sends to an audience go (issue 14): quiet hours hold them until the morning unless the
 * officer sends anyway; an emergency skips quiet hours and goes ahead of a large send under way;
 * a recurring rule stays at 07:00 local across the change to summer time, makes each occurrence
 * once, and stops when cancelled. The server's clock is the test's: real time plus an offset, so
 * jobs on either queue come due a few real seconds after the moment the test names.
 */

const SENDER = '+4759440004';
const cases = engines().flatMap((engine) =>
  (['database', 'bullmq'] as const).map((queue) => ({ engine, queue, name: `${engine.name} with the ${queue} queue` })),
);

describe.each(cases)('timing of sends to an audience on $name', ({ engine, queue }: { engine: Engine; queue: 'database' | 'bullmq' }) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: { id: number; token: string };
  let admin: string;
  let offset = 0;
  const prefix = uniquePrefix();
  const ids: Record<string, number> = {};
  /** The server's clock shows `iso` now and runs on from there. */
  const setNow = (iso: string) => {
    offset = new Date(iso).getTime() - Date.now();
  };
  const at = (phone: string) => standin.messages.filter((m) => m.params.To === phone);
  const post = (body: Record<string, unknown>) => s.api('POST', '/api/sms/messages', { token: officer.token, body });
  const send = async (id: number) => (await s.api('GET', `/api/sms/sends/${id}`, { token: officer.token })).body;

  beforeAll(async () => {
    // Every test's moment lies within the 30 days a token lives from here (the clock only moves on).
    setNow('2027-03-01T11:00:00.000Z');
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, {
      env: {
        ...standin.env,
        TOKEN_TTL_HOURS: '720',
        SMS_QUIET_HOURS: '21:00-08:00',
        TIME_ZONE: 'Europe/Oslo',
        ...(queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL } : {}),
      },
      jobs: { prefix, pollMs: 50 },
      clock: () => new Date(Date.now() + offset),
      // Small batches at a modest rate: the large send takes seconds, so an emergency can overtake it.
      sms: { volume: { factor: 5, floor: 1_000_000 }, limits: { dailyPerUser: 1_000_000 }, broadcast: { batch: 20, concurrency: 8 } },
    });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: SENDER, isDefault: true }, m));
    officer = await s.user('officer@kommune.no', 'officer', ['teknisk']);
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    const db = s.app.db;
    ids.quiet = await locality(db, 'Stille');
    ids.series = await locality(db, 'Gjentatt');
    ids.big = await locality(db, 'Stor');
    ids.urgent = await locality(db, 'Hast');
    ids.bigStreet = await street(db, ids.big, 'Storgata');
    for (const p of ['+4791400001', '+4791400002']) await subscriber(db, { phone: p, locality: ids.quiet });
    await subscriber(db, { phone: '+4791400011', locality: ids.series });
    await manySubscribers(db, ids.urgent, [await street(db, ids.urgent, 'Hastegata')], 150, '+4793');
    await manySubscribers(db, ids.big, [ids.bigStreet], 600, '+4792');
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
    if (queue === 'bullmq') await dropPrefix(prefix);
  });

  it('holds a send made in quiet hours until 08:00 local, then sends it', async () => {
    // 07:59:57 in Oslo (winter time, UTC+1).
    setNow('2027-03-10T06:59:57.000Z');
    const r = await post({ body: 'Vannmåler byttes i dag', audience: { subscribers: { localities: [ids.quiet] } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'scheduled', recipients: 2, quietHoursUntil: '2027-03-10T07:00:00.000Z', statuses: { scheduled: 2 } });
    await eventually(() => at('+4791400001').length + at('+4791400002').length === 2, 'the held send at the stand-in after 08:00');
    for (const m of [...at('+4791400001'), ...at('+4791400002')]) expect(m.receivedAt + offset).toBeGreaterThanOrEqual(Date.parse('2027-03-10T07:00:00.000Z'));
    await eventually(async () => (await send(r.body.id)).state === 'sent', 'the send to be sent');
    const history = await s.app.db.dataSource.query(
      "SELECT e.detail FROM message_events e JOIN messages m ON m.id = e.message_id WHERE m.to_address = '+4791400001' AND e.status = 'scheduled'",
    );
    expect(JSON.parse(history[0].detail)).toMatchObject({ reason: 'quiet_hours', until: '2027-03-10T07:00:00.000Z' });
  });

  it('sends at once in quiet hours when the officer says quietHours: false, and the audit log says who; an emergency goes too', async () => {
    setNow('2027-03-10T21:30:00.000Z'); // 22:30 local
    const before = standin.messages.length;
    const r = await post({ body: 'Stengt vei i natt', audience: { subscribers: { localities: [ids.quiet] } }, quietHours: false });
    expect(r.status).toBe(201);
    expect(r.body.state).toBe('sending');
    expect(r.body.quietHoursUntil).toBeUndefined();
    await eventually(() => standin.messages.length === before + 2, 'the override at the stand-in at night');
    const audit = await s.app.db.dataSource.query('SELECT user_id, action FROM audit_events WHERE entity_id = ?', [`quiet_hours_off:${r.body.id}`]);
    expect(audit.map((x: { user_id: number; action: string }) => [Number(x.user_id), x.action])).toEqual([[officer.id, 'update']]);
    const emergency = await post({ body: 'Evakuer nå', audience: { subscribers: { localities: [ids.quiet] } }, emergency: true });
    expect(emergency.body.state).toBe('sending');
    await eventually(() => standin.messages.length === before + 4, 'the emergency at the stand-in at night');
    // An emergency for later waits for its time, not for the morning.
    const later = new Date(Date.now() + offset + 1500).toISOString();
    const planned = await post({ body: 'Planlagt nødvarsel', audience: { subscribers: { localities: [ids.quiet] } }, emergency: true, sendAt: later });
    expect(planned.body).toMatchObject({ state: 'scheduled', sendAt: later });
    expect(planned.body.quietHoursUntil).toBeUndefined();
    await eventually(() => standin.messages.length === before + 6, 'the planned emergency at its time');
    expect(standin.messages.at(-1)!.receivedAt + offset).toBeGreaterThanOrEqual(Date.parse(later));
    const held = await post({ body: 'Vanlig melding', audience: { subscribers: { localities: [ids.quiet] } } });
    expect(held.body).toMatchObject({ state: 'scheduled', quietHoursUntil: '2027-03-11T07:00:00.000Z' });
    expect((await s.api('POST', `/api/sms/sends/${held.body.id}/cancel`, { token: officer.token })).status).toBe(200);
  });

  it('puts an emergency ahead of a large send under way: its messages reach the stand-in before the rest of the other', async () => {
    setNow('2027-03-11T11:00:00.000Z'); // noon local
    expect((await s.api('PUT', `/api/sms/senders/${SENDER}/rate`, { token: admin, body: { perSecond: 150 } })).status).toBe(200);
    const big = await post({ body: 'Info til alle i Stor', audience: { subscribers: { localities: [ids.big] } } });
    expect(big.status).toBe(201);
    const bigAt = () => standin.messages.filter((m) => m.params.Body === 'Info til alle i Stor');
    await eventually(() => bigAt().length >= 80, 'the large send under way');
    const urgent = await post({ body: 'Kokevarsel', audience: { subscribers: { localities: [ids.urgent] } }, emergency: true });
    expect(urgent.status).toBe(201);
    await eventually(async () => (await send(big.body.id)).state === 'sent', 'the large send to finish', 30_000);
    const urgentAt = standin.messages.filter((m) => m.params.Body === 'Kokevarsel').map((m) => standin.messages.indexOf(m));
    expect(urgentAt).toHaveLength(150);
    const [first, last] = [Math.min(...urgentAt), Math.max(...urgentAt)];
    const bigIndexes = bigAt().map((m) => standin.messages.indexOf(m));
    // While the emergency went, the large send finished at most the batch it was handing over and the one claimed ahead (2 × 20).
    expect(bigIndexes.filter((i) => i > first && i < last).length).toBeLessThanOrEqual(40);
    // …and had most of its 600 still to go afterwards.
    expect(bigIndexes.filter((i) => i > last).length).toBeGreaterThan(300);
    const audit = await s.app.db.dataSource.query('SELECT user_id FROM audit_events WHERE entity_id = ?', [`emergency:${urgent.body.id}`]);
    expect(audit).toHaveLength(1);
    expect((await s.api('PUT', `/api/sms/senders/${SENDER}/rate`, { token: admin, body: { perSecond: null } })).status).toBe(200);
  });

  it('cancels a recurring send: its held occurrence is stopped and no further one is made', async () => {
    setNow('2027-03-12T21:00:00.000Z'); // 22:00 local: the first occurrence is made now and held by quiet hours
    const r = await post({ body: 'Kveldsmelding', audience: { subscribers: { localities: [ids.series] } }, rrule: 'FREQ=DAILY' });
    expect(r.status).toBe(201);
    const series = () => s.api('GET', `/api/sms/series/${r.body.id}`, { token: officer.token }).then((x) => x.body);
    await eventually(async () => (await series()).occurrences.length === 1, 'the first occurrence made');
    const sendId = (await series()).occurrences[0].sendId;
    expect(await send(sendId)).toMatchObject({ state: 'scheduled', seriesId: r.body.id, quietHoursUntil: '2027-03-13T07:00:00.000Z' });
    const cancelled = await s.api('POST', `/api/sms/series/${r.body.id}/cancel`, { token: officer.token });
    expect(cancelled.body).toMatchObject({ state: 'cancelled', nextAt: null });
    expect(await send(sendId)).toMatchObject({ state: 'cancelled', statuses: { stopped: 1 } });
    expect((await s.api('POST', `/api/sms/series/${r.body.id}/cancel`, { token: officer.token })).status).toBe(409);
    expect((await s.api('GET', '/api/sms/series?state=cancelled', { token: officer.token })).body.items.map((x: { id: number }) => x.id)).toContain(r.body.id);
    // The next day's job, should it run anyway: nothing is made.
    setNow('2027-03-13T21:00:01.000Z');
    await s.app.sms!.series.run(r.body.id, new Date('2027-03-13T21:00:00.000Z'));
    expect((await series()).occurrences).toHaveLength(1);
    expect(standin.messages.filter((m) => m.params.Body === 'Kveldsmelding')).toHaveLength(0);
  });

  it('refuses a bad rrule and bad combinations with 400, writing nothing', async () => {
    setNow('2027-03-14T11:00:00.000Z');
    const count = async () => [await s.count('sms_sends'), await s.count('sms_series'), await s.count('messages')];
    const before = await count();
    const audience = { subscribers: { localities: [ids.series] } };
    const bad = [
      { body: 'x', audience, rrule: 'FREQ=MINUTELY' },
      { body: 'x', audience, rrule: 'FREQ=DAILY;BYHOUR=7;BYMINUTE=0,30' },
      { body: 'x', audience, rrule: 'FREQ=SOMETIMES' },
      { body: 'x', audience, rrule: 'DTSTART:20270101T000000Z\nRRULE:FREQ=DAILY' },
      { body: 'x', audience, rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' },
      { body: 'x', audience, rrule: 'FREQ=DAILY;' + 'BYHOUR=1;'.repeat(60) },
      { body: 'x', to: '+4791400099', rrule: 'FREQ=DAILY' },
      { body: 'x', audience, rrule: 'FREQ=DAILY', emergency: true },
      { body: 'x', audience, rrule: 'FREQ=DAILY', quietHours: false },
      { body: 'x', audience, skipHolidays: true },
      { body: 'x', audience, quietHours: true },
      { body: 'x', audience, quietHours: false, sendAt: '2027-03-15T11:00:00.000Z' },
      { body: 'x', to: '+4791400099', quietHours: false },
      { body: 'x', audience: { subscribers: { localities: [999999] } }, rrule: 'FREQ=DAILY' },
    ];
    for (const b of bad) {
      const r = await post(b);
      expect([JSON.stringify(b), r.status]).toEqual([JSON.stringify(b), 400]);
      expect(r.body.error.code).toBeDefined();
    }
    expect(await count()).toEqual(before);
  });
  it('skips a day on the holiday list for a series that asks, and only an admin keeps the list', async () => {
    setNow('2027-03-17T10:59:59.000Z'); // Wednesday, noon local in a moment
    const items = [{ day: '2027-03-17', name: 'Testdag' }];
    expect((await s.api('PUT', '/api/sms/holidays', { token: officer.token, body: { items } })).status).toBe(403);
    expect((await s.api('PUT', '/api/sms/holidays', { token: admin, body: { items: [{ day: '17.03.2027' }] } })).status).toBe(400);
    expect((await s.api('PUT', '/api/sms/holidays', { token: admin, body: { items } })).body.items).toMatchObject(items);
    const audience = { subscribers: { localities: [ids.series] } };
    const skipping = await post({ body: 'Hoppes over', audience, rrule: 'FREQ=DAILY', skipHolidays: true });
    const keeping = await post({ body: 'Sendes', audience, rrule: 'FREQ=DAILY' });
    const occurrences = async (id: number) => (await s.api('GET', `/api/sms/series/${id}`, { token: officer.token })).body.occurrences;
    await eventually(
      async () => (await occurrences(keeping.body.id)).length === 1 && (await occurrences(skipping.body.id)).length === 1,
      'both first occurrences',
    );
    expect((await occurrences(skipping.body.id))[0]).toMatchObject({ sendId: null, skipped: 'holiday' });
    expect((await occurrences(keeping.body.id))[0].sendId).toBeGreaterThan(0);
    for (const id of [skipping.body.id, keeping.body.id]) await s.api('POST', `/api/sms/series/${id}/cancel`, { token: officer.token });
  });

  it('keeps a weekly Monday 07:00 at 07:00 local across the change to summer time, one send per occurrence, newcomers included', async () => {
    // Monday 22 March 2027, 06:59:58 local (UTC+1); summer time starts Sunday 28 March.
    setNow('2027-03-22T05:59:58.000Z');
    const r = await post({
      body: 'Husk møtet',
      audience: { subscribers: { localities: [ids.series] } },
      rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=0;BYSECOND=0',
      sendAt: '2027-03-22T06:00:00.000Z',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'scheduled', recipients: 1, series: { timeZone: 'Europe/Oslo', nextAt: '2027-03-22T06:00:00.000Z' } });
    const series = () => s.api('GET', `/api/sms/series/${r.body.id}`, { token: officer.token }).then((x) => x.body);
    const sendOf = async (occursAt: string) => {
      let id = 0;
      await eventually(async () => {
        id = (await series()).occurrences.find((o: { occursAt: string }) => o.occursAt === occursAt)?.sendId ?? 0;
        return id > 0;
      }, `the occurrence at ${occursAt}`);
      return send(id);
    };
    // 07:00 lies in the default quiet hours (21:00–08:00): each occurrence is made at 07:00 and held until 08:00 local.
    expect(await sendOf('2027-03-22T06:00:00.000Z')).toMatchObject({ state: 'scheduled', recipients: 1, quietHoursUntil: '2027-03-22T07:00:00.000Z' });
    // 07:00 in summer time is 05:00 UTC.
    await eventually(async () => (await series()).nextAt === '2027-03-29T05:00:00.000Z', 'the next occurrence at 07:00 CEST');
    await subscriber(s.app.db, { phone: '+4791400012', locality: ids.series });
    setNow('2027-03-29T04:59:59.000Z');
    // BullMQ delays by real time from when the job was added (a week): run the job as the queue would, twice at once.
    if (queue === 'bullmq') await Promise.all([1, 2].map(() => s.app.sms!.series.run(r.body.id, new Date('2027-03-29T05:00:00.000Z'))));
    expect(await sendOf('2027-03-29T05:00:00.000Z')).toMatchObject({ state: 'scheduled', recipients: 2, quietHoursUntil: '2027-03-29T06:00:00.000Z' });
    await eventually(async () => (await series()).nextAt === '2027-04-05T05:00:00.000Z', 'the occurrence after');
    // Run again (a restart, a second process): the occurrence is made once.
    await Promise.all([1, 2].map(() => s.app.sms!.series.run(r.body.id, new Date('2027-03-29T05:00:00.000Z'))));
    const view = await series();
    expect(view.occurrences.map((o: { occursAt: string }) => o.occursAt)).toEqual(['2027-03-29T05:00:00.000Z', '2027-03-22T06:00:00.000Z']);
    const rows = await s.app.db.dataSource.query('SELECT COUNT(*) AS n FROM sms_broadcasts WHERE series_id = ?', [r.body.id]);
    expect(Number(rows[0].n)).toBe(2);
    expect((await s.api('POST', `/api/sms/series/${r.body.id}/cancel`, { token: officer.token })).status).toBe(200);
  });
});
