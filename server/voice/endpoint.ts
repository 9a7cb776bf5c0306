import twilio from 'twilio';
import type { User } from '../auth/module';
import { queueName } from '../../ivr/menu';

const { VoiceResponse } = twilio.twiml;

/** How a staff member is reached: their phone, their SIP address, else the Twilio Client identity user-<id>. */
export function endpointOf(user: Pick<User, 'id' | 'phone' | 'sip'>): { kind: 'number' | 'sip' | 'client'; address: string } {
  if (user.phone) return { kind: 'number', address: user.phone };
  if (user.sip) return { kind: 'sip', address: user.sip.startsWith('sip:') ? user.sip : `sip:${user.sip}` };
  return { kind: 'client', address: `user-${user.id}` };
}

/** TwiML that connects the caller to one staff member; `action` hears how the agent's leg ended. */
export function dialTwiml(user: Pick<User, 'id' | 'phone' | 'sip'>, action: string, callerId?: string | null): string {
  const r = new VoiceResponse();
  const dial = r.dial({ action, method: 'POST', timeout: 20, answerOnBridge: true, ...(callerId ? { callerId } : {}) });
  const e = endpointOf(user);
  if (e.kind === 'number') dial.number(e.address);
  else if (e.kind === 'sip') dial.sip(e.address);
  else dial.client(e.address);
  return r.toString();
}

/** TwiML that puts the caller (back) into a department's queue. */
export function enqueueTwiml(departmentCode: string, waitUrl: string): string {
  const r = new VoiceResponse();
  r.enqueue({ waitUrl, waitUrlMethod: 'POST' }, queueName(departmentCode));
  return r.toString();
}
