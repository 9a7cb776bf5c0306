import { MessageEntity } from '../../server/register/entities';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * entity-sql.ts and transactions.ts escape values on the client. A body built to break out of a
 * backslash-escaped string literal must come back byte for byte, on both engines; on MariaDB even
 * when the server starts every session in NO_BACKSLASH_ESCAPES, which would otherwise end the
 * literal at `\'`.
 */

const NASTY = ["O\\'Brien'; DROP TABLE messages; --", "a\\'b;c", 'slutt med skråstrek\\', "'\\\\'; SELECT 1; \\"];

interface RawSession {
  query(sql: string): unknown;
}
interface RawPool {
  on(event: 'connection', fn: (c: RawSession) => void): void;
  removeAllListeners(event: 'connection'): void;
}

describe.each(engines())('client-side escaping on $name', (engine) => {
  let s: TestServer;
  let seq = 0;
  beforeAll(async () => {
    s = await startServer(engine);
    if (engine.name === 'mariadb') {
      // As a server configured with sql_mode=NO_BACKSLASH_ESCAPES would: every new pooled session starts with it.
      const pool = (s.app.db.dataSource.driver as unknown as { pool: RawPool }).pool;
      pool.on('connection', (c) => c.query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')"));
      // Open many new sessions at once, so the writes below land on them.
      await Promise.all(Array.from({ length: 20 }, () => s.app.db.statement((m) => m.query('SELECT SLEEP(0.05)'))));
    }
  });
  afterAll(() => s.close());

  if (engine.name === 'mariadb') {
    it('gives every pooled session a sql_mode without NO_BACKSLASH_ESCAPES', async () => {
      const modes = await Promise.all(
        Array.from({ length: 20 }, () =>
          s.app.db.transaction(async (m) => {
            const [row] = (await m.query('SELECT @@SESSION.sql_mode AS mode, SLEEP(0.02) AS s')) as { mode: string }[];
            return row.mode;
          }),
        ),
      );
      expect(modes.filter((x) => /NO_BACKSLASH_ESCAPES/.test(x))).toEqual([]);
    });
  }

  it('stores a body with quotes, backslashes and semicolons verbatim through InboundService.record', async () => {
    const bodies = [...NASTY, ...NASTY, ...NASTY];
    const written = await Promise.all(
      bodies.map((body, i) =>
        s.app.inbound.record({
          channel: 'sms',
          externalId: `SM-esc-${++seq}`,
          from: { phone: `+4791700${String(100 + i)}` },
          to: '+4740000000',
          body,
          receivedAt: new Date(),
          continueWithinMs: 86_400_000,
        }),
      ),
    );
    const repo = s.app.db.dataSource.getRepository(MessageEntity);
    const stored = await Promise.all(written.map((w) => repo.findOneByOrFail({ id: w.message.id })));
    expect(stored.map((x) => x.body)).toEqual(bodies);
    expect(await s.count('messages')).toBeGreaterThanOrEqual(bodies.length);
  });
});
