import type { VoiceProvider } from './adapter';

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
export class FakeVoiceProvider implements VoiceProvider {
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
