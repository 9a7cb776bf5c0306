import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwilioClient, redirectTwilioUri, TwilioHttpClient } from './client';

/*
 * The SDK's requests through our transport (client.ts), against a local server that records what
 * arrives: the SDK must get the same requests onto the wire and the same answers back as with its
 * own axios client.
 */
const SID = 'AC' + 'b2'.repeat(16);
const TOKEN = 'client-test-token';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  type: string | undefined;
  body: string;
}

function twilioJson(extra: Record<string, unknown>) {
  return { account_sid: SID, api_version: '2010-04-01', date_created: new Date().toUTCString(), date_updated: new Date().toUTCString(), ...extra };
}

describe('the Twilio SDK on our HTTP client', () => {
  const seen: Seen[] = [];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void = () => undefined;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body });
        answer(req, res, seen.length);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => (seen.length = 0));

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('sends a message: form body (a list as a repeated name), Basic auth, the path on TWILIO_API_URL, and the answer parsed', async () => {
    answer = (_req, res) => json(res, 201, twilioJson({ sid: 'SM' + '1'.repeat(32), status: 'queued', to: '+4791234567', body: 'Hei på deg' }));
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: base });
    const m = await client.messages.create({
      to: '+4791234567',
      from: '+4771111000',
      body: 'Hei på deg & velkommen',
      statusCallback: 'https://x.example/cb?a=1',
      mediaUrl: ['https://a.example/1.png', 'https://a.example/2.png'],
    });
    expect(m.sid).toBe('SM' + '1'.repeat(32));
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(seen[0].auth).toBe('Basic ' + Buffer.from(`${SID}:${TOKEN}`).toString('base64'));
    expect(seen[0].type).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen[0].body);
    expect(form.getAll('MediaUrl')).toEqual(['https://a.example/1.png', 'https://a.example/2.png']);
    form.delete('MediaUrl');
    expect(Object.fromEntries(form)).toEqual({
      To: '+4791234567',
      From: '+4771111000',
      Body: 'Hei på deg & velkommen',
      StatusCallback: 'https://x.example/cb?a=1',
    });
  });

  it('moves a call with new TwiML', async () => {
    const callSid = 'CA' + 'c'.repeat(32);
    answer = (_req, res) => json(res, 200, twilioJson({ sid: callSid, status: 'in-progress' }));
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: base });
    const twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Client>user-7</Client></Dial></Response>';
    const call = await client.calls(callSid).update({ twiml });
    expect(call.status).toBe('in-progress');
    expect(seen[0].url).toBe(`/2010-04-01/Accounts/${SID}/Calls/${callSid}.json`);
    expect(new URLSearchParams(seen[0].body).get('Twiml')).toBe(twiml);
  });

  it('lists with query parameters', async () => {
    answer = (_req, res) => json(res, 200, { messages: [twilioJson({ sid: 'SM' + '2'.repeat(32) })], next_page_uri: null, page: 0, page_size: 2 });
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: base });
    const list = await client.messages.list({ to: '+4791234567', limit: 2 });
    expect(list.map((x) => x.sid)).toEqual(['SM' + '2'.repeat(32)]);
    const u = new URL(seen[0].url, base);
    expect(seen[0].method).toBe('GET');
    expect(u.searchParams.get('To')).toBe('+4791234567');
    expect(u.searchParams.get('PageSize')).toBe('2');
  });

  it('retries a 429 with backoff, and gives the SDK the refusal once the retries are spent', async () => {
    answer = (_req, res, n) =>
      n <= 2 ? json(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 }) : json(res, 201, twilioJson({ sid: 'SM' + '3'.repeat(32) }));
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN }, new TwilioHttpClient({ apiUrl: base, maxRetryDelayMs: 20 }));
    expect((await client.messages.create({ to: '+4791234567', from: '+4771111000', body: 'x' })).sid).toBe('SM' + '3'.repeat(32));
    expect(seen).toHaveLength(3);

    seen.length = 0;
    answer = (_req, res) => json(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 });
    await expect(client.messages.create({ to: '+4791234567', from: '+4771111000', body: 'x' })).rejects.toMatchObject({ status: 429, code: 20429 });
    expect(seen).toHaveLength(4); // the first try and three retries
  });

  it("passes Twilio's error answers to the SDK as they are (no retry)", async () => {
    answer = (_req, res) => json(res, 400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: base });
    await expect(client.messages.create({ to: '+47', from: '+4771111000', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21211 });
    expect(seen).toHaveLength(1);
  });

  it('gives up on a server that does not answer, within the timeout', async () => {
    answer = () => undefined; // never answers
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN }, new TwilioHttpClient({ apiUrl: base, timeoutMs: 300 }));
    const t = Date.now();
    await expect(client.calls('CA' + 'd'.repeat(32)).update({ twiml: '<Response/>' })).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - t).toBeLessThan(3000);
  });

  it('redirects only Twilio hosts', () => {
    expect(redirectTwilioUri('https://api.twilio.com/2010-04-01/Accounts/x.json?a=1', 'http://127.0.0.1:9')).toBe(
      'http://127.0.0.1:9/2010-04-01/Accounts/x.json?a=1',
    );
    expect(redirectTwilioUri('https://example.com/x', 'http://127.0.0.1:9')).toBe('https://example.com/x');
  });
});
