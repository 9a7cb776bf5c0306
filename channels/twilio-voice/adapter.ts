import twilio from 'twilio';
import { BaseUrlRequestClient } from '../twilio/request-client';

/** What the voice channel asks of Twilio's REST API. */
export interface VoiceProvider {
  readonly simulated: boolean;
  /** Moves a live (possibly queued) call to new TwiML with the call's own REST update. */
  redirect(callSid: string, twiml: string): Promise<void>;
  /** An SMS from one of our numbers, for one-time codes when no SMS channel is plugged in. */
  sendSms(m: { from: string; to: string; body: string }): Promise<{ sid: string }>;
}

export class TwilioVoiceProvider implements VoiceProvider {
  readonly simulated = false;
  constructor(private readonly client: twilio.Twilio) {}

  static fromConfig(c: { accountSid: string; authToken: string; apiUrl?: string }): TwilioVoiceProvider {
    const opts = c.apiUrl ? { httpClient: new BaseUrlRequestClient(c.apiUrl) } : {};
    return new TwilioVoiceProvider(twilio(c.accountSid, c.authToken, opts));
  }

  async redirect(callSid: string, twiml: string): Promise<void> {
    await this.client.calls(callSid).update({ twiml });
  }

  async sendSms(m: { from: string; to: string; body: string }) {
    const r = await this.client.messages.create({ from: m.from, to: m.to, body: m.body });
    return { sid: r.sid };
  }
}

export interface SimulatedRedirect {
  callSid: string;
  twiml: string;
  at: Date;
}
export interface SimulatedSms {
  sid: string;
  from: string;
  to: string;
  body: string;
  at: Date;
}

/**
 * Simulation mode (no Twilio credentials): records what would have gone to Twilio, in memory and
 * bounded, so the demo's call simulator can play the caller's side of it. Nothing leaves the machine.
 */
export class SimulatedVoiceProvider implements VoiceProvider {
  readonly simulated = true;
  readonly redirects: SimulatedRedirect[] = [];
  readonly sms: SimulatedSms[] = [];
  private seq = 0;
  private listeners: ((r: SimulatedRedirect) => void)[] = [];

  async redirect(callSid: string, twiml: string) {
    const r = { callSid, twiml, at: new Date() };
    keep(this.redirects, r);
    for (const l of this.listeners) l(r);
  }

  async sendSms(m: { from: string; to: string; body: string }) {
    const sid = `SMsim${String(++this.seq).padStart(28, '0')}`;
    keep(this.sms, { sid, ...m, at: new Date() });
    return { sid };
  }

  onRedirect(listener: (r: SimulatedRedirect) => void) {
    this.listeners.push(listener);
  }
}

function keep<T>(list: T[], item: T) {
  list.push(item);
  if (list.length > 500) list.splice(0, list.length - 500);
}
