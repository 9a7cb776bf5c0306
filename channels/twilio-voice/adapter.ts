import type twilio from 'twilio';
import { createTwilioClient } from '../twilio/client';

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

  static fromConfig(credentials: { accountSid: string; authToken: string; apiUrl?: string }): TwilioVoiceProvider {
    return new TwilioVoiceProvider(createTwilioClient(credentials));
  }

  async redirect(callSid: string, twiml: string): Promise<void> {
    await this.client.calls(callSid).update({ twiml });
  }

  async sendSms(m: { from: string; to: string; body: string }) {
    const r = await this.client.messages.create({ from: m.from, to: m.to, body: m.body });
    return { sid: r.sid };
  }
}
