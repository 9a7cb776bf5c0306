import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/**
 * Sends the SDK's REST calls to another base URL (TWILIO_API_URL: a staging or test stand-in that
 * speaks Twilio's REST format). The SDK builds absolute https://<product>.twilio.com URLs, so the
 * one seam is its HTTP client: this one swaps the origin and leaves path, query, auth and body alone.
 */
export class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: string;

  constructor(apiUrl: string, opts?: RequestClient.RequestClientOptions) {
    super(opts);
    this.base = apiUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request({ ...opts, uri: redirectTwilioUri(opts.uri, this.base) });
  }
}

/** https://api.twilio.com/2010-04-01/... → <base>/2010-04-01/...; URLs elsewhere are left alone. */
export function redirectTwilioUri(uri: string, base: string): string {
  const u = new URL(uri);
  if (u.hostname !== 'twilio.com' && !u.hostname.endsWith('.twilio.com')) return uri;
  return base + u.pathname + u.search;
}

/** A Twilio REST client for the configured account, pointed at TWILIO_API_URL when one is set. */
export function createTwilioClient(credentials: { accountSid: string; authToken: string; apiUrl?: string }, httpClient?: RequestClient): twilio.Twilio {
  const client = httpClient ?? (credentials.apiUrl ? new RedirectingRequestClient(credentials.apiUrl, { timeout: 15_000 }) : undefined);
  return twilio(credentials.accountSid, credentials.authToken, { httpClient: client, autoRetry: true, maxRetries: 3 });
}
