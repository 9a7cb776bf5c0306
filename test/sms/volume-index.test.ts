import { openDatabase, type Database } from '../../server/core/db/database';
import { schema } from '../../ormconfig';
import { SmsSendRepository } from '../../server/sms/sends.repository';
import { engines } from '../support/engines';

/*
 * Every send to an audience asks for its sender's outbound SMS of the last 30 days (the volume
 * check, SmsSendRepository.volumeSince). Without an index that count read the whole messages
 * table; migration 1732520000002 adds `ix_messages_sender_volume`. The test takes the statement
 * the repository actually runs and asks each engine's planner how it would run it.
 */

describe.each(engines())('the sender volume query on $name', (engine) => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;

  beforeAll(async () => {
    database = await engine.create();
    db = await openDatabase(database.url, schema);
  });
  afterAll(async () => {
    await db.dataSource.destroy();
    await database.drop();
  });

  it('is answered from ix_messages_sender_volume', async () => {
    const ds = db.dataSource;
    const seen: { query: string; parameters: unknown[] }[] = [];
    const original = ds.logger;
    ds.logger = new Proxy(original, {
      get: (target, prop, receiver) =>
        prop === 'logQuery'
          ? (query: string, parameters?: unknown[]) => void seen.push({ query, parameters: parameters ?? [] })
          : Reflect.get(target, prop, receiver),
    });
    try {
      expect(await new SmsSendRepository({ db, clock: () => new Date() }).volumeSince('+4759440004', new Date(Date.now() - 30 * 86_400_000))).toBe(0);
    } finally {
      ds.logger = original;
    }
    const count = seen.find((s) => /from_address/.test(s.query));
    expect(count).toBeDefined();
    if (db.dialect === 'sqlite') {
      const plan: { detail: string }[] = await ds.query(`EXPLAIN QUERY PLAN ${count!.query}`, count!.parameters);
      expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX ix_messages_sender_volume/);
    } else {
      const plan: { key: string | null }[] = await ds.query(`EXPLAIN ${count!.query}`, count!.parameters);
      expect(plan.map((p) => p.key)).toContain('ix_messages_sender_volume');
    }
  });
});
