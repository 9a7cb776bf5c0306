import { engines, type Engine } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { eventually } from '../support/eventually';
import { locality, manySubscribers, street } from './broadcast-fixture';

/*
 * An emergency queued behind a large ordinary send goes out first (issue 14), by the queue's
 * priority, on the embedded queue and on BullMQ. A web process (which adds jobs but runs none)
 * takes both sends, the large one first; then a worker that runs one job at a time starts on the
 * same database and queue. The first message to reach the stand-in, and every one of the
 * emergency's, comes before any of the large send's. Without the priority the worker would take
 * the large send first (it was queued first), which would then wait between batches for an
 * emergency that cannot start until it ends.
 */

const SENDER = '+4759440077';
const cases = engines().flatMap((engine) =>
  (['database', 'bullmq'] as const).map((queue) => ({ engine, queue, name: `${engine.name} with the ${queue} queue` })),
);

describe.each(cases)('an emergency queued behind a large send on $name', ({ engine, queue }: { engine: Engine; queue: 'database' | 'bullmq' }) => {
  let web: TestServer;
  let worker: TestServer | undefined;
  let database: TestServer['database'];
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  const prefix = uniquePrefix();
  const options = (role: 'web' | 'worker') => ({
    env: { ...standin.env, ...(queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL } : {}) },
    role,
    database,
    keepDatabase: true,
    jobs: { prefix, pollMs: 50, concurrency: 1 },
    sms: { volume: { factor: 5, floor: 1_000_000 }, limits: { dailyPerUser: 1_000_000 }, broadcast: { batch: 20, concurrency: 4 } },
  });

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => web.url });
    database = await engine.create();
    web = await startServer(engine, options('web'));
  });
  afterAll(async () => {
    await worker?.close();
    await web.close();
    await database.drop();
    await standin.close();
    if (queue === 'bullmq') await dropPrefix(prefix);
  });

  it('sends every message of the emergency before any of the large send', async () => {
    const db = web.app.db;
    const teknisk = await web.department('teknisk');
    await db.transaction((m) => web.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: SENDER, isDefault: true }, m));
    const officer = (await web.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    const big = await locality(db, 'Storby');
    await manySubscribers(db, big, [await street(db, big, 'Storgata')], 200, '+4792');
    const urgent = await locality(db, 'Flomsone');
    await manySubscribers(db, urgent, [await street(db, urgent, 'Elvegata')], 20, '+4793');

    const post = (body: Record<string, unknown>) => web.api('POST', '/api/sms/messages', { token: officer, body });
    const ordinary = await post({ body: 'Informasjon til Storby', audience: { subscribers: { localities: [String(big)] } } });
    expect(ordinary.status).toBe(201);
    const emergency = await post({ body: 'Flomvarsel: gå til høyere grunn', audience: { subscribers: { localities: [String(urgent)] } }, emergency: true });
    expect(emergency.status).toBe(201);
    // The web process runs no job: nothing has left yet.
    expect(standin.messages).toHaveLength(0);

    worker = await startServer(engine, options('worker'));
    await eventually(() => standin.messages.length === 220, 'all 220 messages at the stand-in', 30_000);
    const bodies = standin.messages.map((m) => m.params.Body);
    expect(bodies.slice(0, 20)).toEqual(Array(20).fill('Flomvarsel: gå til høyere grunn'));
    expect(bodies.slice(20).every((b) => b === 'Informasjon til Storby')).toBe(true);
  }, 60_000);
});
