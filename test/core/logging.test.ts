import { Writable } from 'node:stream';
import { createLogger } from '../../server/core/logger';
import { ContactPhoneEntity, MessageEntity } from '../../server/register/entities';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * Real failing inserts on both engines, logged the way the server logs them, read back from a
 * pino destination stream: no statement, no parameters, no number, address or message text.
 */

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger('info', stream),
    lines,
    last: () => JSON.parse(lines[lines.length - 1]) as Record<string, unknown> & { err: Record<string, unknown> },
  };
}
const flush = () => new Promise((r) => setImmediate(r));

const PHONE = '+4791234567';
const BODY = 'Ring meg på +47 912 34 567 eller skriv til kari.nordmann@example.no, fødselsnummer 01017012345, hemmelig';
const SECRETS = ['4791234567', '91234567', '912 34 567', 'kari.nordmann', 'example.no', '01017012345', 'hemmelig', 'INSERT', 'Ring meg'];

describe.each(engines())('error logs on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-log-1',
      from: { phone: PHONE },
      to: '+4740000000',
      body: 'første',
      receivedAt: new Date(),
      continueWithinMs: 1,
    });
  });
  afterAll(() => s.close());

  const failure = async (fn: () => Promise<unknown>): Promise<unknown> => {
    try {
      await fn();
    } catch (e) {
      return e;
    }
    throw new Error('the insert was meant to fail');
  };

  it('logs a duplicate-key failure by type and code, without the statement, the parameters or the number it quotes', async () => {
    const e = await failure(() => s.app.db.transaction((m) => m.getRepository(ContactPhoneEntity).insert({ contactId: 1, e164: PHONE })));
    // The raw error does carry all of it: this is what must not reach the log.
    expect(JSON.stringify(e) + String((e as Error).message)).toContain('4791234567');
    const c = capture();
    c.logger.error({ err: e }, 'insert failed');
    await flush();
    const line = c.lines.join('');
    for (const secret of SECRETS) expect(line).not.toContain(secret);
    expect(c.last().err).toMatchObject({ type: 'QueryFailedError', code: engine.name === 'sqlite' ? 'SQLITE_CONSTRAINT_UNIQUE' : 'ER_DUP_ENTRY' });
    expect(Object.keys(c.last().err).sort()).toEqual(expect.arrayContaining(['message', 'type']));
    for (const key of ['query', 'parameters', 'sql', 'driverError']) expect(c.last().err).not.toHaveProperty(key);
  });

  it('logs a failed message insert without the body, number or address in its parameters', async () => {
    const e = await failure(() =>
      s.app.db.transaction((m) =>
        m.getRepository(MessageEntity).insert({
          inquiryId: 999_999,
          channel: 'sms',
          direction: 'in',
          kind: 'message',
          body: BODY,
          fromAddress: PHONE,
          toAddress: 'kari.nordmann@example.no',
        }),
      ),
    );
    expect(JSON.stringify(e)).toContain('hemmelig');
    const c = capture();
    c.logger.warn({ err: e, messageId: 7 }, 'insert failed');
    await flush();
    const line = c.lines.join('');
    for (const secret of SECRETS) expect(line).not.toContain(secret);
    expect(c.last()).toMatchObject({ messageId: 7, msg: 'insert failed', err: { type: 'QueryFailedError' } });
    expect(String(c.last().err.message).length).toBeGreaterThan(10);
  });
});

describe('log masking of vendor errors and stray text', () => {
  it('masks the number a Twilio refusal quotes, keeping its code and status', async () => {
    const c = capture();
    const refusal = Object.assign(new Error("The 'To' number +4791234567 is not a valid phone number."), {
      code: 21211,
      status: 400,
      moreInfo: 'x',
      to: PHONE,
    });
    c.logger.error({ err: refusal }, 'send failed');
    await flush();
    expect(c.lines.join('')).not.toContain('91234567');
    expect(c.last().err).toMatchObject({ code: 21211, status: 400, type: 'Error' });
    expect(String(c.last().err.message)).toContain("The 'To' number [masked] is not a valid phone number.");
  });

  it('masks numbers and e-mail addresses under any key, and leaves times and ids alone', async () => {
    const c = capture();
    c.logger.info({ note: `svar til ola@example.no på ${PHONE} eller 0047 912 34 567`, inquiryId: 123456789 }, 'hei');
    await flush();
    const line = c.last();
    expect(line.note).toBe('svar til [masked] på [masked] eller [masked]');
    expect(line.inquiryId).toBe(123456789);
    expect(typeof line.time).toBe('number');
  });
});
