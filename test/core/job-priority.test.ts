import { openDatabase, type Database } from '../../server/core/db/database';
import { schema } from '../../ormconfig';
import { createLogger } from '../../server/core/logger';
import { JobRepository } from '../../server/core/jobs/jobs.repository';
import { DbJobQueue } from '../../server/core/jobs/db-queue';
import { BullJobQueue } from '../../server/core/jobs/bull-queue';
import { PRIORITY, type JobQueue } from '../../server/core/jobs/queue';
import { engines } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { eventually } from '../support/eventually';

/*
 * Job priority (issue 14: an emergency SMS goes ahead of every queued send): jobs added with
 * PRIORITY.first run before every due job of the normal priority added before them, on the
 * embedded queue (SQLite and MariaDB) and on BullMQ (real Redis). One job at a time, so the order
 * the handler sees is the order the queue chose. Without the priority both queues run in the
 * order jobs were added (or came due), and the urgent job would be last.
 */

const logger = createLogger('silent');
const cases = [
  ...engines().map((engine) => ({ name: `the embedded queue on ${engine.name}`, engine, kind: 'database' as const })),
  { name: 'BullMQ on Redis', engine: engines()[0], kind: 'bullmq' as const },
];

describe.each(cases)('job priority on $name', ({ engine, kind }) => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  const prefix = uniquePrefix();
  const ran: string[] = [];
  /** A queue running one job at a time, recording the order. */
  const make = (): JobQueue => {
    const clock = () => new Date();
    const queue =
      kind === 'database'
        ? new DbJobQueue({ jobs: new JobRepository({ db }), logger, clock, pollMs: 20, concurrency: 1 })
        : new BullJobQueue({ redisUrl: TEST_REDIS_URL, prefix, logger, clock, concurrency: 1 });
    queue.handle<{ name: string }>('work', {
      run: async (data) => {
        ran.push(data.name);
      },
    });
    return queue;
  };

  beforeAll(async () => {
    database = await engine.create();
    db = await openDatabase(database.url, schema);
  });
  afterAll(async () => {
    await db.dataSource.destroy();
    await database.drop();
    if (kind === 'bullmq') await dropPrefix(prefix);
  });

  it('runs a job of the first priority ahead of the normal ones queued before it, which keep their order', async () => {
    ran.length = 0;
    const queue = make();
    // Added while no worker runs, as a backlog stands behind a large send.
    for (let i = 1; i <= 6; i++) await queue.add('work', { name: `ordinary-${i}` }, { key: `ordinary-${i}` });
    await queue.add('work', { name: 'urgent' }, { key: 'urgent', priority: PRIORITY.first });
    await queue.start();
    await eventually(() => ran.length === 7, 'all seven jobs run');
    await queue.stop();
    expect(ran).toEqual(['urgent', 'ordinary-1', 'ordinary-2', 'ordinary-3', 'ordinary-4', 'ordinary-5', 'ordinary-6']);
  });

  it('puts a job of the first priority first also when it came due after the others', async () => {
    ran.length = 0;
    const queue = make();
    const now = Date.now();
    for (let i = 1; i <= 3; i++) await queue.add('work', { name: `due-${i}` }, { key: `due-${i}`, runAt: new Date(now - 3000 + i) });
    await queue.add('work', { name: 'urgent-due-last' }, { key: 'urgent-due-last', runAt: new Date(now - 1000), priority: PRIORITY.first });
    await queue.start();
    await eventually(() => ran.length === 4, 'all four jobs run');
    await queue.stop();
    expect(ran).toEqual(['urgent-due-last', 'due-1', 'due-2', 'due-3']);
  });
});
