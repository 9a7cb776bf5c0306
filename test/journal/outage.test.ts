import { JobRepository } from '../../server/core/jobs/jobs.repository';
import type { DbJobQueue } from '../../server/core/jobs/db-queue';
import { engines } from '../support/engines';
import { startArchiveStandin } from '../support/archive-standin';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';

/*
 * An archive that is down for an hour loses nothing. The embedded queue takes its times from the
 * injected clock, so the hour passes in steps of a minute with the production retry settings.
 */
describe.each(engines())('journal delivery through an archive outage of an hour on $name', (engine) => {
  let s: TestServer;
  let twilio: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let archive: Awaited<ReturnType<typeof startArchiveStandin>>;
  const t0 = Date.now();
  let now = t0;
  const OUTAGE_MS = 60 * 60_000;

  beforeAll(async () => {
    twilio = await startSmsRestStandin({ callbackOrigin: () => s.url });
    archive = await startArchiveStandin({ failing: () => now < t0 + OUTAGE_MS });
    s = await startServer(engine, { env: twilio.env, clock: () => new Date(now), jobs: { pollMs: 20 } });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    const admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    // The senders below are the case's parties: a stranger's mention of a case is not journaled into it.
    const parties = Array.from({ length: 6 }, (_, n) => ({ phone: `+47915002${n}0` }));
    await s.api('PUT', '/api/cases/2026%2F0007', { token: admin, body: { title: 'Vann og avløp', status: 'Åpen', department: 'teknisk', contacts: parties } });
    expect((await s.api('POST', '/api/admin/outbound-hosts', { token: admin, body: { host: '127.0.0.1' } })).status).toBe(201);
    expect((await s.api('PUT', '/api/journal/archive', { token: admin, body: { pushUrl: archive.url } })).status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
    await twilio.close();
    await archive.close();
  });

  it('keeps retrying with backoff and delivers every post once when the archive is back, with no dead letter', async () => {
    for (let n = 0; n < 6; n++) {
      const form = {
        MessageSid: smsSid(),
        AccountSid: STANDIN_ACCOUNT_SID,
        From: `+47915002${n}0`,
        To: '+4759440004',
        Body: `Sak 2026/0007, melding ${n}`,
        NumMedia: '0',
        ApiVersion: '2010-04-01',
      };
      expect((await postSignedForm(s.url, '/webhooks/twilio/sms', form)).status).toBe(200);
    }
    const queue = s.app.jobs as DbJobQueue;
    expect(queue.kind).toBe('database');
    const states = async () =>
      (await s.app.db.dataSource.query('SELECT delivery_state AS d, COUNT(*) AS n FROM journal_entries GROUP BY delivery_state')).map(
        (r: { d: string; n: number | string }) => [r.d, Number(r.n)],
      );
    await queue.idle();
    while (now < t0 + 3 * OUTAGE_MS) {
      const rows = await states();
      if (rows.length === 1 && rows[0][0] === 'delivered') break;
      now += 60_000;
      await queue.idle();
    }
    expect(await states()).toEqual([['delivered', 6]]);
    expect(now).toBeGreaterThanOrEqual(t0 + OUTAGE_MS);
    expect(now).toBeLessThan(t0 + OUTAGE_MS + 11 * 60_000);
    const failures = archive.requests.filter((r) => r.status === 500).length;
    expect(failures).toBeGreaterThanOrEqual(6 * 10);
    const accepted = archive.acceptedPerKey();
    expect(accepted.size).toBe(6);
    expect([...accepted.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await new JobRepository({ db: s.app.db }).count('journal-deliver', 'dead')).toBe(0);
  }, 120_000);
});
