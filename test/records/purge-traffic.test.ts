import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { citizenSends } from '../e2e/helpers';
import { inbound, sqlOf } from './purge-fixture';

/*
 * The purge in small batches while citizens' SMS keep arriving through the signed webhook: every
 * webhook is answered and stored, every old inquiry is anonymised, and nothing outside the rule
 * changes. Then a run asked for through the API is done by the job queue.
 */
describe.each(engines())('purge under inbound traffic on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let records: string;

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env, records: { purge: { batchSize: 5 } } });
    await s.department('teknisk');
    records = (await s.user('records@kommune.no', 'records', [])).token;
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('anonymises exactly the old inquiries while webhooks are stored, in batches', async () => {
    const sql = sqlOf(s);
    const old: number[] = [];
    for (let i = 0; i < 40; i++) {
      const x = await inbound(s, { channel: 'sms', from: `+47930${String(i).padStart(5, '0')}`, body: `Gammel ${i}`, department: 'teknisk', id: `OLD-${i}` });
      await sql.age(x.inquiryId, 800);
      old.push(x.inquiryId);
    }
    const kept = await inbound(s, { channel: 'sms', from: '+4793999999', body: 'Ny og åpen', department: 'teknisk', id: 'KEPT' });
    const snapshot = async () => sql.q(`SELECT id, inquiry_id, body, from_address FROM messages WHERE inquiry_id NOT IN (${old.join(',')}) ORDER BY id`);
    const before = await snapshot();

    const arriving = (async () => {
      const sent: { inquiryId: number; messageId: number }[] = [];
      for (let i = 0; i < 30; i++)
        sent.push(await citizenSends(s, { from: `+47940${String(i).padStart(5, '0')}`, to: '+4740000000', body: `Ny melding ${i}` }));
      return sent;
    })();
    const [run, sent] = await Promise.all([s.app.records.purge.run(), arriving]);

    expect(run.items.find((r) => r.rule.kind === 'inquiry_messages')!.removed).toMatchObject({ inquiries: 40, messages: 40 });
    for (const id of old) expect(await sql.inquiry(id)).toMatchObject({ purged: true, bodies: [''] });
    // Everything else is as it was, and every webhook's message is stored whole.
    const after = await snapshot();
    expect(after.slice(0, before.length)).toEqual(before);
    const fresh = await sql.q(`SELECT body FROM messages WHERE id IN (${sent.map((x) => x.messageId).join(',')}) ORDER BY id`);
    expect(fresh.map((x) => x.body)).toEqual(sent.map((_, i) => `Ny melding ${i}`));
    expect((await sql.inquiry(kept.inquiryId)).bodies).toEqual(['Ny og åpen']);
  });

  it('runs a purge asked for through the API on the job queue, and records it', async () => {
    const before = (await s.api('GET', '/api/records/purge/runs', { token: records })).body.items.length;
    expect((await s.api('POST', '/api/records/purge', { token: records })).status).toBe(400);
    expect((await s.api('POST', '/api/records/purge', { token: records, body: { confirm: true } })).status).toBe(202);
    await eventually(async () => {
      const items = (await s.api('GET', '/api/records/purge/runs', { token: records })).body.items as { state: string }[];
      return items.length > before && items[0].state === 'done';
    }, 'the queued purge run');
  });
});
