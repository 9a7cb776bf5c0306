import { SmsLimitRepository } from '../../server/sms/limits.repository';
import { engines } from '../support/engines';
import { eventually, sleep } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';

/*
 * The daily SMS caps (automatic receipts and codes, each staff user's recipients) stay in their own
 * table rather than the rate-limit store: they count per calendar day in Oslo, a batch takes all its
 * recipients or none, and the day's use is a record. Each take is one conditional statement, so it
 * must hold for parallel sends, on every process's connection, like the rate limits do.
 */
describe.each(engines())('daily SMS caps on $name', (engine) => {
  let s: TestServer;
  let caps: SmsLimitRepository;
  beforeAll(async () => {
    s = await startServer(engine);
    caps = new SmsLimitRepository({ db: s.app.db });
  });
  afterAll(() => s.close());

  it('gives a burst of parallel takes no more than the cap, and a batch all or nothing', async () => {
    // On MariaDB these run on several pooled connections at once, as takes from several processes would.
    const taken = await Promise.all(Array.from({ length: 20 }, () => caps.take('2026-01-01', 'auto:receipt', 1, 5)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect(await caps.used('2026-01-01', 'auto:receipt')).toBe(5);

    const batches = await Promise.all([3, 3, 3].map((n) => caps.take('2026-01-01', 'user:7', n, 7)));
    expect(batches.filter(Boolean)).toHaveLength(2);
    expect(await caps.used('2026-01-01', 'user:7')).toBe(6);
  });

  it('keeps a take made while another request’s transaction is open, when that transaction fails', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const failing = s.app.db
      .transaction(async (m) => {
        await m.query('SELECT 1');
        await held;
        throw new Error('this request failed');
      })
      .catch((e: Error) => e.message);
    await sleep(20);
    const taking = caps.take('2026-01-02', 'auto:code', 1, 5);
    await sleep(20);
    release();
    expect(await failing).toBe('this request failed');
    expect(await taking).toBe(true);
    // On SQLite's one shared connection, a take outside the write queue ran inside the failed transaction and was undone with it.
    expect(await caps.used('2026-01-02', 'auto:code')).toBe(1);
  });
});

describe.each(engines())('old daily SMS counters pruned on $name', (engine) => {
  it('deletes past days’ counters at start (and hourly after) and keeps this week’s', async () => {
    const first = await startServer(engine, { keepDatabase: true });
    const caps = new SmsLimitRepository({ db: first.app.db });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    for (const day of ['2025-01-01', '2026-01-15', today]) await caps.take(day, 'auto:receipt', 1, 5);
    await first.close();

    // A restart runs the prune at once, as the hourly timer does later.
    const again = await startServer(engine, { database: first.database });
    try {
      const days = async () =>
        (await again.app.db.dataSource.query('SELECT day FROM sms_daily_counts ORDER BY day')).map((r: { day: string }) => r.day) as string[];
      await eventually(async () => ((await days()).length === 1 ? true : null), 'old counters pruned');
      expect(await days()).toEqual([today]);
    } finally {
      await again.close();
    }
  });
});
