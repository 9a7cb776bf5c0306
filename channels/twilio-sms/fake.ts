import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { Logger } from 'pino';
import { segmentInfo } from './compose-text';

/** The account the simulation runs as; clearly not a real one. */
export const SIMULATED_ACCOUNT_SID = 'AC' + '5'.repeat(32);

export interface SimulatorOptions {
  authToken: string;
  logger: Logger;
  random?: () => number;
  /** How long the operator takes: to accept (sent) and to report the outcome. */
  delaysMs?: { sent: number; final: [number, number] };
  /** Where callbacks really go, when the public URL is not reachable from here (tests). */
  callbackOrigin?: () => string | undefined;
  /** How many of the latest accepted messages `sent` keeps (default 1000); a demo runs for weeks. */
  keepSent?: number;
}

/**
 * Twilio's Messages API in process, for demo mode: the SDK's HTTP client is swapped for this one,
 * so the adapter runs exactly as against Twilio. It answers like Twilio (201, sid SM…, queued),
 * then posts signed status callbacks to our own webhook: sent, then delivered, or now and then
 * undelivered or failed with Twilio's error codes. Nothing leaves the machine; logs carry ids only.
 */
export class FakeTwilioSms extends twilio.RequestClient {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  /** The latest accepted messages, oldest first; older ones are dropped so a long demo does not grow without end. */
  readonly sent: { sid: string; from: string; to: string; at: Date }[] = [];

  constructor(private readonly options: SimulatorOptions) {
    super();
    this.random = options.random ?? Math.random;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(url.pathname);
    if (opts.method.toUpperCase() !== 'POST' || !m)
      return reply(404, { code: 20404, message: 'The requested resource was not found (simulation)', status: 404 });
    const data = (opts.data ?? {}) as Record<string, string | undefined>;
    const { To: to, From: from, Body: body = '', StatusCallback: callback } = data;
    if (!to) return reply(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!from) return reply(400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    const sid = 'SM' + randomBytes(16).toString('hex');
    const now = new Date();
    this.sent.push({ sid, from, to, at: now });
    const keep = this.options.keepSent ?? 1000;
    if (this.sent.length > keep) this.sent.splice(0, this.sent.length - keep);
    this.options.logger.info({ sid }, 'simulated SMS accepted');
    if (callback) this.scheduleReports(callback, { sid, accountSid: m[1], from, to });
    return reply(201, {
      account_sid: m[1],
      api_version: '2010-04-01',
      body,
      date_created: now.toUTCString(),
      date_sent: null,
      date_updated: now.toUTCString(),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      num_media: '0',
      num_segments: String(segmentInfo(body).segments),
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      to,
      uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
    });
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private scheduleReports(callback: string, m: { sid: string; accountSid: string; from: string; to: string }) {
    const delays = this.options.delaysMs ?? { sent: 400, final: [1500, 5000] };
    const roll = this.random();
    const final: Record<string, string> =
      roll < 0.9
        ? { MessageStatus: 'delivered' }
        : roll < 0.96
          ? { MessageStatus: 'undelivered', ErrorCode: '30003' }
          : { MessageStatus: 'failed', ErrorCode: '30006' };
    const base = { MessageSid: m.sid, SmsSid: m.sid, AccountSid: m.accountSid, From: m.from, To: m.to, ApiVersion: '2010-04-01' };
    this.later(delays.sent, () => this.post(callback, { ...base, MessageStatus: 'sent', SmsStatus: 'sent' }));
    const [lo, hi] = delays.final;
    this.later(lo + this.random() * (hi - lo), () => this.post(callback, { ...base, ...final, SmsStatus: final.MessageStatus }));
  }

  private later(ms: number, fn: () => Promise<void>) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch((err) => this.options.logger.warn({ err }, 'simulated status callback failed'));
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** Signed exactly as Twilio signs: over the URL it was given, whatever host really receives it. */
  private async post(callback: string, params: Record<string, string>) {
    const signature = twilio.getExpectedTwilioSignature(this.options.authToken, callback, params);
    const origin = this.options.callbackOrigin?.();
    const target = origin ? origin + new URL(callback).pathname + new URL(callback).search : callback;
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    await res.arrayBuffer();
    if (!res.ok) this.options.logger.warn({ status: res.status, sid: params.MessageSid }, 'simulated status callback refused');
  }
}

function reply<T>(statusCode: number, body: unknown): Response<T> {
  return { statusCode, body: JSON.stringify(body) as T, headers: { 'content-type': 'application/json' } } as Response<T>;
}
