import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';
import type { MessageStatus } from '../../server/contracts/names';

const STATUS_PATH = '/webhooks/twilio/sms/status';

/** Twilio's report sequences for one message, each ending in the final status we must end up with. */
const LIVES: { reports: [string, Record<string, string>?][]; final: MessageStatus; errorCode?: string }[] = [
  { reports: [['queued'], ['sending'], ['sent'], ['delivered']], final: 'delivered' },
  { reports: [['accepted'], ['queued'], ['sent'], ['delivered'], ['read']], final: 'delivered' },
  { reports: [['queued'], ['sent'], ['undelivered', { ErrorCode: '30003' }]], final: 'undelivered', errorCode: '30003' },
  { reports: [['queued'], ['sending'], ['failed', { ErrorCode: '30006' }]], final: 'failed', errorCode: '30006' },
  { reports: [['queued'], ['sent'], ['partially_delivered'], ['delivered']], final: 'delivered' },
];

/** Deterministic shuffle, so a failure can be replayed. */
function shuffle<T>(xs: T[], seed = 42): T[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

describe.each(engines())('SMS delivery status on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let inquiryId: number;
  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    const switchboard = (await s.app.register.departments.byCode('switchboard'))!.id;
    const now = new Date();
    inquiryId = (
      await s.app.db.transaction((m) =>
        s.app.register.inquiries.insert(
          {
            channel: 'sms',
            direction: 'out',
            state: 'waiting',
            departmentId: switchboard,
            assigneeId: null,
            contactId: null,
            caseId: null,
            caseMentioned: false,
            refersToInquiryId: null,
            subject: null,
            summary: 'Varsel',
            channelAddress: '+4759440000',
            citizenAddress: null,
            createdAt: now,
            lastActivityAt: now,
            closedAt: null,
          },
          m,
        ),
      )
    ).id;
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  /** Outbound messages as the provider has them: sent, with a MessageSid, waiting for reports. */
  async function sentMessages(n: number, createdAt = new Date()): Promise<{ id: number; sid: string }[]> {
    return s.app.db.transaction(async (m) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const sid = smsSid();
        const { message } = await s.app.register.messages.insertOnce(
          {
            inquiryId,
            channel: 'sms',
            direction: 'out',
            kind: 'message',
            body: 'Varsel',
            bodyHtml: null,
            subject: null,
            fromAddress: '+4759440000',
            toAddress: `+479${String(1000000 + i)}`,
            externalId: sid,
            status: 'queued',
            meta: null,
            authorId: null,
            createdAt,
            updatedAt: createdAt,
          },
          m,
        );
        out.push({ id: message.id, sid });
      }
      return out;
    });
  }

  const form = (sid: string, status: string, extra: Record<string, string> = {}) => ({
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: STANDIN_ACCOUNT_SID,
    MessageStatus: status,
    SmsStatus: status,
    To: '+4791234567',
    From: '+4759440000',
    ApiVersion: '2010-04-01',
    ...extra,
  });

  it('refuses unsigned and malformed callbacks and changes nothing', async () => {
    const [msg] = await sentMessages(1);
    const events = await s.count('message_events');
    expect((await postSignedForm(s.url, STATUS_PATH, form(msg.sid, 'delivered'), { signature: null })).status).toBe(403);
    expect((await postSignedForm(s.url, STATUS_PATH, form(msg.sid, 'delivered'), { token: 'forged' })).status).toBe(403);
    expect((await postSignedForm(s.url, STATUS_PATH, form('SMnope', 'delivered'))).status).toBe(400);
    expect((await postSignedForm(s.url, STATUS_PATH, { MessageSid: msg.sid })).status).toBe(400);
    expect(await s.count('message_events')).toBe(events);
    expect((await s.app.register.messages.byId(msg.id))!.status).toBe('queued');
  });

  it('applies a sample of shuffled, repeated callbacks over HTTP before answering 200', async () => {
    const msgs = await sentMessages(40);
    const plan = msgs.map((m, i) => ({ ...m, life: LIVES[i % LIVES.length] }));
    // Every report twice: Twilio repeats itself.
    const posts = shuffle(plan.flatMap((p) => p.life.reports.flatMap(([st, extra]) => [form(p.sid, st, extra), form(p.sid, st, extra)])));
    for (let i = 0; i < posts.length; i += 25) {
      const results = await Promise.all(posts.slice(i, i + 25).map((f) => postSignedForm(s.url, STATUS_PATH, f)));
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.text).toMatch(/<Response\/>$/);
      }
    }
    for (const p of plan) {
      const m = await s.app.register.messages.byId(p.id);
      expect([p.sid, m!.status]).toEqual([p.sid, p.life.final]);
      const events = await s.app.register.messages.events(p.id);
      expect(events).toHaveLength(p.life.reports.length * 2);
      expect(events.map((e) => e.providerStatus).sort()).toEqual(p.life.reports.flatMap(([st]) => [st, st]).sort());
      if (p.life.errorCode)
        expect(events.find((e) => e.providerStatus === p.life.final)!.detail).toMatchObject({ errorCode: p.life.errorCode, errorMessage: expect.any(String) });
    }
  });

  it('gets every final status right after 10,000 shuffled callbacks across 2,700 messages, keeping every event', async () => {
    const msgs = await sentMessages(2700);
    const plan = msgs.map((m, i) => ({ ...m, life: LIVES[(i * 7) % LIVES.length] }));
    const reports = shuffle(plan.flatMap((p) => p.life.reports.map(([st, extra]) => ({ p, st, extra })))).slice(0, 10_000);
    const counts = new Map<number, number>();
    for (const r of reports) counts.set(r.p.id, (counts.get(r.p.id) ?? 0) + 1);
    // The final report of a message may be cut off by the slice; the expectation follows what was sent.
    const finalOf = (p: (typeof plan)[number]) => {
      const got = new Set(reports.filter((r) => r.p === p).map((r) => r.st));
      const order = ['queued', 'accepted', 'sending', 'sent', 'read', 'delivered', 'undelivered', 'failed'];
      const mapped = {
        queued: 'queued',
        accepted: 'queued',
        sending: 'queued',
        sent: 'sent',
        delivered: 'delivered',
        read: 'delivered',
        undelivered: 'undelivered',
        failed: 'failed',
      } as Record<string, MessageStatus>;
      const finals = [...got].filter((x) => ['delivered', 'read', 'undelivered', 'failed'].includes(x));
      if (finals.length) return mapped[finals[0]];
      const best = [...got].filter((x) => x in mapped).sort((a, b) => order.indexOf(b) - order.indexOf(a))[0];
      return best ? mapped[best] : 'queued';
    };
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < reports.length; i = next++) {
        const { p, st, extra } = reports[i];
        const errorCode = extra?.ErrorCode;
        const { statusFromTwilio } = await import('../../channels/twilio-sms/parse');
        await s.app.register.messageStatus.applyReport(
          { channel: 'sms', externalId: p.sid, status: statusFromTwilio(st), providerStatus: st, at: new Date(), detail: errorCode ? { errorCode } : null },
          0,
        );
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    const ids = plan.map((p) => p.id);
    const statuses = new Map<number, string>();
    const eventCounts = new Map<number, number>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await s.app.db.dataSource.query(`SELECT id, status FROM messages WHERE id IN (${chunk.join(',')})`);
      for (const r of rows) statuses.set(Number(r.id), r.status);
      const ev = await s.app.db.dataSource.query(
        `SELECT message_id AS id, COUNT(*) AS n FROM message_events WHERE message_id IN (${chunk.join(',')}) GROUP BY message_id`,
      );
      for (const r of ev) eventCounts.set(Number(r.id), Number(r.n));
    }
    const wrong = plan.filter((p) => statuses.get(p.id) !== finalOf(p)).map((p) => ({ id: p.id, got: statuses.get(p.id), want: finalOf(p) }));
    expect(wrong).toEqual([]);
    expect(plan.filter((p) => (eventCounts.get(p.id) ?? 0) !== (counts.get(p.id) ?? 0))).toEqual([]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
  }, 240_000);

  it('marks a message with no final report after 72 hours unknown, and a late report still wins', async () => {
    const [old] = await sentMessages(1, new Date(Date.now() - 73 * 3600_000));
    const [fresh] = await sentMessages(1);
    await s.app.register.messageStatus.markUnreported();
    expect((await s.app.register.messages.byId(old.id))!.status).toBe('unknown');
    expect((await s.app.register.messages.byId(fresh.id))!.status).toBe('queued');
    expect((await postSignedForm(s.url, STATUS_PATH, form(old.sid, 'delivered'))).status).toBe(200);
    expect((await s.app.register.messages.byId(old.id))!.status).toBe('delivered');
    expect((await s.app.register.messages.events(old.id)).map((e) => e.status)).toEqual(['unknown', 'delivered']);
  });

  it('answers 200 for a report about a message it does not know, without writing', async () => {
    const events = await s.count('message_events');
    const started = Date.now();
    expect((await postSignedForm(s.url, STATUS_PATH, form(smsSid(), 'delivered'))).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await s.count('message_events')).toBe(events);
  });
});
