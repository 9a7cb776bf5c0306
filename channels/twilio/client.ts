import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

type Options<T> = RequestClient.RequestOptions<T>;

export interface TwilioHttpOptions {
  /** TWILIO_API_URL: a staging or test stand-in that speaks Twilio's REST format, instead of *.twilio.com. */
  apiUrl?: string;
  /** Whole request, connect to last byte (default 15 s). */
  timeoutMs?: number;
  /** Retries of a 429 (Too Many Requests), with full-jitter backoff (default 3). */
  maxRetries?: number;
  /** Longest wait before a retry (default 3 s). */
  maxRetryDelayMs?: number;
}

/** Answers larger than this are Twilio's lists, never anything we send; a stand-in gone wrong is cut off. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The SDK's HTTP client, on Node's own http(s) with kept-alive connections instead of axios. The
 * SDK still builds every request (URL, auth, serialisation) and reads every answer; only the
 * transport is ours. On the screen pop's path (moving the call to the agent) axios's per-request
 * configuration merging was most of the REST call's CPU (issue 13). It also swaps the origin for
 * TWILIO_API_URL, and retries a 429 as the SDK's autoRetry would.
 */
export class TwilioHttpClient extends twilio.RequestClient {
  private readonly base: string | null;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxDelayMs: number;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 50, maxFreeSockets: 10 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 50, maxFreeSockets: 10 }),
  };

  constructor(o: TwilioHttpOptions = {}) {
    super({ timeout: o.timeoutMs ?? 15_000 });
    this.base = o.apiUrl ? o.apiUrl.replace(/\/+$/, '') : null;
    this.timeoutMs = o.timeoutMs ?? 15_000;
    this.retries = o.maxRetries ?? 3;
    this.maxDelayMs = o.maxRetryDelayMs ?? 3_000;
  }

  override async request<T>(opts: Options<T>): Promise<Response<T>> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.once(opts);
      if (answer.statusCode !== 429 || attempt > this.retries) return answer;
      const delay = Math.floor(Math.random() * Math.min(this.maxDelayMs, 100 * 2 ** attempt));
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private async once<T>(opts: Options<T>): Promise<Response<T>> {
    if (!opts.method || !opts.uri) throw new Error('the Twilio SDK asked for a request without a method or URI');
    const url = new URL(this.base ? redirectTwilioUri(opts.uri, this.base) : opts.uri);
    if (opts.params) for (const [k, v] of pairs(opts.params)) url.searchParams.append(k, v);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
    const type = headers['Content-Type'] ?? headers['content-type'];
    const body =
      opts.data === undefined || opts.data === null
        ? undefined
        : type === 'application/json'
          ? JSON.stringify(opts.data)
          : new URLSearchParams(pairs(opts.data as Record<string, unknown>)).toString();
    if (body !== undefined) {
      headers['Content-Type'] = type ?? 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const secure = url.protocol === 'https:';
    return new Promise<Response<T>>((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method: opts.method!.toUpperCase(), headers, agent: secure ? this.agents.https : this.agents.http });
      const limit = opts.timeout ?? this.timeoutMs;
      const timer = setTimeout(() => req.destroy(new Error(`Twilio did not answer within ${limit} ms`)), limit);
      req.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) return req.destroy(new Error('Twilio answered more than 4 MB'));
          chunks.push(c);
        });
        res.once('end', () => {
          clearTimeout(timer);
          // The SDK parses a string body as JSON itself.
          resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers } as unknown as Response<T>);
        });
        res.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      req.end(body);
    });
  }
}

/** A form's or query's fields as name/value pairs; a list repeats its name (Twilio's `To=…&To=…`). */
function pairs(o: object): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    for (const one of Array.isArray(v) ? (v as unknown[]) : [v]) out.push([k, typeof one === 'string' ? one : (JSON.stringify(one) ?? '')]);
  }
  return out;
}

/** https://api.twilio.com/2010-04-01/... → <base>/2010-04-01/...; URLs elsewhere are left alone. */
export function redirectTwilioUri(uri: string, base: string): string {
  const u = new URL(uri);
  if (u.hostname !== 'twilio.com' && !u.hostname.endsWith('.twilio.com')) return uri;
  return base + u.pathname + u.search;
}

/** A Twilio REST client for the configured account, pointed at TWILIO_API_URL when one is set. */
export function createTwilioClient(credentials: { accountSid: string; authToken: string; apiUrl?: string }, httpClient?: RequestClient): twilio.Twilio {
  return twilio(credentials.accountSid, credentials.authToken, { httpClient: httpClient ?? new TwilioHttpClient({ apiUrl: credentials.apiUrl }) });
}
