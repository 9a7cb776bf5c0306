import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { engines, type Engine } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { eventually } from '../support/eventually';
import { SEND_QUEUE } from '../../server/sms/send-jobs';

/*
 * A send job that runs before its send's time (another process's clock runs ahead, a job
 * promoted by hand) adds itself again for the right time. It must do so under another key than
 * its own: while a job runs, BullMQ ignores adding its id and the embedded queue keeps its
 * running row, and both then drop the job when the run ends, so the send stayed `scheduled` for
 * good and nothing went out. Here the job is made to run an hour early on each queue; afterwards
 * one job for the send is still waiting, and when the time comes both messages leave once.
 */

const cases = engines().flatMap((engine) =>
  (['database', 'bullmq'] as const).map((queue) => ({ engine, queue, name: `${engine.name} with the ${queue} queue` })),
);

describe.each(cases)('a send job that runs early, on $name', ({ engine, queue }: { engine: Engine; queue: 'database' | 'bullmq' }) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: string;
  let offset = 0;
  let bull: { connection: Redis; queue: Queue } | null = null;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, {
      env: { ...standin.env, ...(queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL } : {}) },
      jobs: { prefix, pollMs: 50 },
      clock: () => new Date(Date.now() + offset),
    });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440005', isDefault: true }, m),
    );
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    if (queue === 'bullmq') {
      const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      bull = { connection, queue: new Queue(SEND_QUEUE, { connection, prefix }) };
    }
  });
  afterAll(async () => {
    await bull?.queue.close();
    await bull?.connection.quit();
    await s.close();
    await standin.close();
    if (queue === 'bullmq') await dropPrefix(prefix);
  });

  /** The send's jobs not yet run: their keys. */
  const waiting = async (sendId: number): Promise<string[]> => {
    if (bull) {
      const jobs = await bull.queue.getJobs(['delayed', 'waiting', 'prioritized', 'active']);
      return jobs.filter((j) => Number(j.data.sendId) === sendId).map((j) => String(j.id));
    }
    const rows = await s.app.db.dataSource.query('SELECT job_key, payload FROM jobs WHERE queue = ?', [SEND_QUEUE]);
    return rows.filter((r: { payload: string }) => Number(JSON.parse(r.payload).sendId) === sendId).map((r: { job_key: string }) => r.job_key);
  };

  /** Makes the job with this key due now, whatever its time. */
  const runNow = async (key: string) => {
    if (bull) return void (await (await Job.fromId(bull.queue, key))!.promote());
    await s.app.db.transaction((m) => m.query('UPDATE jobs SET run_at = ? WHERE job_key = ?', [s.app.db.param(new Date(Date.now() + offset - 1000)), key]));
  };

  it('adds itself again for the send’s time under another key, and the send then goes out once', async () => {
    const sendAt = new Date(Date.now() + offset + 3600_000);
    const phones = ['+4791500001', '+4791500002'];
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: phones, body: 'Møte i morgen', sendAt: sendAt.toISOString() } });
    expect(r.status).toBe(201);
    const id = r.body.send.id as number;
    expect(await waiting(id)).toEqual([`send-${id}`]);

    await runNow(`send-${id}`);
    await eventually(async () => !(await waiting(id)).includes(`send-${id}`), 'the early run to end');
    // Still one job for the send, for its time (the early run sent nothing).
    expect(await waiting(id)).toEqual([`send-${id}-at-${sendAt.getTime()}`]);
    expect(standin.messages.filter((m) => phones.includes(m.params.To))).toHaveLength(0);
    expect((await s.api('GET', `/api/sms/sends/${id}`, { token: officer })).body.state).toBe('scheduled');

    // That job too runs early: it adds itself under a key other than its own once more.
    const atKey = `send-${id}-at-${sendAt.getTime()}`;
    await runNow(atKey);
    await eventually(async () => !(await waiting(id)).includes(atKey), 'the second early run to end');
    const [last, ...more] = await waiting(id);
    expect(more).toEqual([]);
    expect(last).toMatch(new RegExp(`^${atKey}-\\d+$`));

    // The send's time comes (BullMQ's delay is real time, so its job is promoted).
    offset += 3600_000 + 2000;
    if (bull) await runNow(last);
    await eventually(async () => (await s.api('GET', `/api/sms/sends/${id}`, { token: officer })).body.state === 'sent', 'the send to be sent');
    expect(phones.map((p) => standin.messages.filter((m) => m.params.To === p).length)).toEqual([1, 1]);
  });
});
