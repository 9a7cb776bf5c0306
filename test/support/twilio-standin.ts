import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export const STANDIN_ACCOUNT_SID = 'AC' + 'a1'.repeat(16);
export const STANDIN_AUTH_TOKEN = 'standin-auth-token-0123456789';
/** The public URL the server believes Twilio calls; the stand-in signs against it, as Twilio does. */
export const PUBLIC_BASE_URL = 'https://servicetorg.example.no';

export interface StandinMessage {
  sid: string;
  accountSid: string;
  params: Record<string, string>;
  /** Wall-clock ms when the stand-in took the request: lets a test prove a send waited for its time. */
  receivedAt: number;
}

/**
 * The SMS REST stand-in: Twilio's Messages REST API on 127.0.0.1: it takes the SDK's form-encoded
 * POST /2010-04-01/Accounts/{Sid}/Messages.json, checks Basic auth, answers 201 with Twilio's JSON,
 * and posts status callbacks signed with the twilio package's own signature function.
 */
export async function startSmsRestStandin(opts: { callbackOrigin: () => string }) {
  const messages: StandinMessage[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
      const expected = 'Basic ' + Buffer.from(`${STANDIN_ACCOUNT_SID}:${STANDIN_AUTH_TOKEN}`).toString('base64');
      if (req.method !== 'POST' || !m) return send(res, 404, { code: 20404, message: 'Not found', status: 404 });
      if (req.headers.authorization !== expected) return send(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      const params = Object.fromEntries(new URLSearchParams(raw));
      if (!params.To) return send(res, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
      const sid = 'SM' + randomBytes(16).toString('hex');
      messages.push({ sid, accountSid: m[1], params, receivedAt: Date.now() });
      send(res, 201, {
        account_sid: m[1],
        api_version: '2010-04-01',
        body: params.Body ?? '',
        date_created: new Date().toUTCString(),
        date_updated: new Date().toUTCString(),
        date_sent: null,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: params.From,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        to: params.To,
        uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Posts one signed status callback for a message the stand-in accepted; resolves to our HTTP status. */
  async function report(sid: string, status: string, extra: Record<string, string> = {}): Promise<number> {
    const msg = messages.find((x) => x.sid === sid);
    if (!msg) throw new Error(`stand-in never saw ${sid}`);
    const callback = msg.params.StatusCallback;
    const params = {
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: msg.accountSid,
      From: msg.params.From,
      To: msg.params.To,
      MessageStatus: status,
      SmsStatus: status,
      ApiVersion: '2010-04-01',
      ...extra,
    };
    const signature = twilio.getExpectedTwilioSignature(STANDIN_AUTH_TOKEN, callback, params);
    const u = new URL(callback);
    const res = await fetch(opts.callbackOrigin() + u.pathname + u.search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  }

  return {
    url,
    messages,
    report,
    env: { TWILIO_ACCOUNT_SID: STANDIN_ACCOUNT_SID, TWILIO_AUTH_TOKEN: STANDIN_AUTH_TOKEN, TWILIO_API_URL: url, PUBLIC_BASE_URL },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Signs and posts a form to one of our webhooks the way Twilio does. */
export async function postSignedForm(
  serverUrl: string,
  path: string,
  params: Record<string, string>,
  o: { token?: string; signature?: string | null; rawBody?: string; contentType?: string } = {},
) {
  const signature = o.signature === undefined ? twilio.getExpectedTwilioSignature(o.token ?? STANDIN_AUTH_TOKEN, PUBLIC_BASE_URL + path, params) : o.signature;
  const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const body = o.rawBody ?? new URLSearchParams(params).toString();
  // A pooled keep-alive socket the server closed while idle fails once with ECONNRESET; Twilio would retry too.
  const res = await fetch(serverUrl + path, { method: 'POST', headers, body }).catch((e: { cause?: { code?: string } }) => {
    if (e.cause?.code !== 'ECONNRESET') throw e;
    return fetch(serverUrl + path, { method: 'POST', headers, body });
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

export const smsSid = () => 'SM' + randomBytes(16).toString('hex');
