import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { findAll, readTwiml, spoken, type TwimlNode } from '../../../ivr/twiml-reader';

export interface CallerOptions {
  /** Where the server really listens (http://127.0.0.1:port). */
  serverUrl: string;
  /** PUBLIC_BASE_URL: the URLs in TwiML start with it, and signatures are computed over it. */
  publicBaseUrl: string;
  authToken: string;
  accountSid: string;
  from: string;
  to: string;
  callSid?: string;
}

export interface Turn {
  status: number;
  body: string;
  twiml: TwimlNode | null;
  heard: string[];
}

export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

/**
 * Plays Twilio's part in a call, as Twilio does it: POSTs the form fields Twilio sends, signed with
 * the twilio package's own getExpectedTwilioSignature, and follows <Gather action>, <Redirect> and
 * the <Enqueue waitUrl>. Used by the demo's call simulator and by the tests.
 */
export class SimulatedCall {
  readonly callSid: string;
  last: Turn | null = null;
  readonly transcript: string[] = [];

  constructor(private readonly options: CallerOptions) {
    this.callSid = options.callSid ?? newCallSid();
  }

  private fields(extra: Record<string, string>): Record<string, string> {
    return {
      AccountSid: this.options.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.callSid,
      Direction: 'inbound',
      From: this.options.from,
      To: this.options.to,
      CallStatus: 'in-progress',
      ...extra,
    };
  }

  /** Signs and POSTs to a URL as Twilio would (the URL is a public one; it is sent to the local server). */
  async post(url: string, extra: Record<string, string> = {}, opts: { signature?: string } = {}): Promise<Turn> {
    const absolute = new URL(url, this.options.publicBaseUrl).toString();
    const params = this.fields(extra);
    const signature = opts.signature ?? twilio.getExpectedTwilioSignature(this.options.authToken, absolute, params);
    const target = this.options.serverUrl.replace(/\/+$/, '') + absolute.slice(new URL(absolute).origin.length);
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    const body = await res.text();
    let twiml: TwimlNode | null = null;
    if (res.status === 200 && body.includes('<Response')) twiml = readTwiml(body);
    const heard = twiml ? spoken(twiml) : [];
    this.transcript.push(...heard);
    const turn = { status: res.status, body, twiml, heard };
    if (twiml) this.last = turn;
    return turn;
  }

  /** The call comes in. */
  ring(): Promise<Turn> {
    return this.post('/webhooks/twilio/voice', { CallStatus: 'ringing' });
  }

  /** Answers the current <Gather>: with keys, or with silence (follows the <Redirect> after it, as Twilio does on timeout). */
  press(keys?: string): Promise<Turn> {
    const doc = this.need();
    const gather = findAll(doc, 'Gather')[0];
    if (keys !== undefined) {
      if (!gather) throw new Error('nothing is listening for keys');
      const finish = gather.attrs.finishOnKey ?? '#';
      return this.post(gather.attrs.action, { Digits: keys.endsWith(finish) ? keys.slice(0, -1) : keys });
    }
    const redirect = findAll(doc, 'Redirect')[0];
    if (redirect) return this.post(redirect.text.trim());
    if (gather) return this.post(gather.attrs.action, {});
    throw new Error('no <Gather> or <Redirect> to follow');
  }

  /** Twilio fetching the queue's waitUrl. */
  hold(): Promise<Turn> {
    const enqueue = findAll(this.need(), 'Enqueue')[0];
    if (!enqueue) throw new Error('the call is not in a queue');
    return this.post(enqueue.attrs.waitUrl, { QueuePosition: '1', QueueTime: '5', AvgQueueTime: '5', QueueSid: `QU${'0'.repeat(32)}` });
  }

  /** The <Dial action> after the agent's leg ended. */
  dialEnded(twiml: string, status: 'completed' | 'no-answer' | 'busy'): Promise<Turn> {
    const dial = findAll(readTwiml(twiml), 'Dial')[0];
    if (!dial) throw new Error('no <Dial>');
    return this.post(dial.attrs.action, { DialCallStatus: status });
  }

  /** Twilio's status callback when the call ends. */
  end(status: 'completed' | 'no-answer' | 'busy' | 'failed' | 'canceled' = 'completed', duration = 42): Promise<Turn> {
    return this.post('/webhooks/twilio/voice/status', { CallStatus: status, CallDuration: String(duration) });
  }

  private need(): TwimlNode {
    if (!this.last?.twiml) throw new Error('no TwiML yet');
    return this.last.twiml;
  }
}
