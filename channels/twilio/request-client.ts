import twilio from 'twilio';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/**
 * The SDK's own HTTP client with one change: requests for Twilio's hosts go to `baseUrl` instead
 * (TWILIO_API_URL), path and query kept, so staging and tests can stand a local server in for
 * api.twilio.com while every call still goes through the SDK's serialisation and auth.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, opts: ConstructorParameters<typeof twilio.RequestClient>[0] = {}) {
    super({ timeout: 10_000, ...opts });
    this.base = new URL(baseUrl);
  }

  override request<T>(opts: RequestOptions) {
    const u = new URL(opts.uri);
    if (u.hostname === 'twilio.com' || u.hostname.endsWith('.twilio.com')) {
      const prefix = this.base.pathname.replace(/\/+$/, '');
      u.protocol = this.base.protocol;
      u.host = this.base.host;
      u.pathname = `${prefix}${u.pathname}`;
    }
    return super.request<T>({ ...opts, uri: u.toString() } as RequestOptions & { data?: T });
  }
}
