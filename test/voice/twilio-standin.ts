import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface StandinCall {
  callSid: string;
  twiml?: string;
  url?: string;
}
export interface StandinSms {
  from: string;
  to: string;
  body: string;
  /** Where Twilio would post delivery reports; absent when the sender asked for none. */
  statusCallback?: string;
}

/**
 * The voice REST stand-in: a local api.twilio.com that speaks the REST format the twilio SDK uses for the two
 * calls we make: a call's update and a message's create. It checks the SDK's basic auth.
 */
export async function startVoiceRestStandin(accountSid: string, authToken: string) {
  const calls: StandinCall[] = [];
  const sms: StandinSms[] = [];
  let failNext = 0;
  let delayNextMs = 0;
  /** When each call update arrived and when it was answered, for asserting what waited on it. */
  const moves: { callSid: string; at: number; answeredAt: number }[] = [];
  /** While set, a message's create waits for it (and is recorded only then), as a slow Twilio would. */
  let smsGate: Promise<void> | null = null;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected)
        return json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      if (failNext > 0) {
        failNext--;
        return json(500, { code: 20500, message: 'Internal Server Error', status: 500 });
      }
      const form = Object.fromEntries(new URLSearchParams(raw));
      const u = new URL(req.url ?? '/', 'http://standin');
      const call = /^\/2010-04-01\/Accounts\/(AC\w+)\/Calls\/(CA\w+)\.json$/.exec(u.pathname);
      if (req.method === 'POST' && call && call[1] === accountSid) {
        const at = Date.now();
        const delay = delayNextMs;
        delayNextMs = 0;
        setTimeout(() => {
          calls.push({ callSid: call[2], twiml: form.Twiml, url: form.Url });
          moves.push({ callSid: call[2], at, answeredAt: Date.now() });
          json(200, { sid: call[2], account_sid: accountSid, status: 'in-progress', api_version: '2010-04-01', uri: u.pathname });
        }, delay);
        return;
      }
      const msg = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(u.pathname);
      if (req.method === 'POST' && msg && msg[1] === accountSid) {
        const answer = () => {
          sms.push({ from: form.From, to: form.To, body: form.Body, ...(form.StatusCallback ? { statusCallback: form.StatusCallback } : {}) });
          json(201, {
            sid: `SM${randomBytes(16).toString('hex')}`,
            account_sid: accountSid,
            from: form.From,
            to: form.To,
            body: form.Body,
            status: 'queued',
            api_version: '2010-04-01',
          });
        };
        if (smsGate) void smsGate.then(answer);
        else answer();
        return;
      }
      json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    sms,
    failNext: (n = 1) => (failNext = n),
    /** The next call update is answered only after this many milliseconds (Twilio far away, or slow). */
    delayNext: (ms: number) => (delayNextMs = ms),
    moves,
    /** Holds every message create until the returned function is called. */
    holdSms: () => {
      let release!: () => void;
      smsGate = new Promise<void>((r) => (release = r));
      return () => {
        smsGate = null;
        release();
      };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type VoiceRestStandin = Awaited<ReturnType<typeof startVoiceRestStandin>>;
