import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/contracts/socket-events';
import { SimulatedCall } from '../../channels/twilio-voice/simulator/caller';
import type { VoiceChannelOptions } from '../../server/voice/module';
import { saySpeech } from '../../ivr/speech/speech';
import type { Engine } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startVoiceRestStandin, type VoiceRestStandin } from './twilio-standin';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
export const AUTH_TOKEN = 'test-auth-token-for-signatures';
/** Twilio calls a public URL; the signature is over it, not over 127.0.0.1. */
export const PUBLIC_BASE_URL = 'https://voice.kommune.test';
export const OUR_NUMBER = '+4771111000';

export function voiceEnv(standin: VoiceRestStandin): Record<string, string> {
  return { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_URL: standin.url, PUBLIC_BASE_URL };
}

/** A server with Twilio pointed at a local stand-in; prompts as <Say> unless a test asks for real speech. */
export async function startVoiceServer(
  engine: Engine,
  voice: VoiceChannelOptions = { speech: saySpeech },
): Promise<{ s: TestServer; standin: VoiceRestStandin; close(): Promise<void> }> {
  const standin = await startVoiceRestStandin(ACCOUNT_SID, AUTH_TOKEN);
  const s = await startServer(engine, { env: voiceEnv(standin), voice });
  return { s, standin, close: async () => (await s.close(), await standin.close()) };
}

export function caller(serverUrl: string, from: string, o: { to?: string; callSid?: string } = {}) {
  return new SimulatedCall({
    serverUrl,
    publicBaseUrl: PUBLIC_BASE_URL,
    authToken: AUTH_TOKEN,
    accountSid: ACCOUNT_SID,
    from,
    to: o.to ?? OUR_NUMBER,
    callSid: o.callSid,
  });
}

export async function agentSocket(url: string, token: string, status: 'available' | 'busy' | 'away' = 'available'): Promise<AgentSocket> {
  const socket: AgentSocket = connect(`${url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  await new Promise((r) => socket.emit('agent:status', { status }, r));
  return socket;
}

/** Resolves with the next event of that name, or rejects after `ms`. */
export function next<E extends keyof ServerToClientEvents>(socket: AgentSocket, event: E, ms = 3000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${String(event)} within ${ms} ms`)), ms);
    socket.once(
      event as never,
      ((p: never) => {
        clearTimeout(t);
        resolve(p);
      }) as never,
    );
  });
}

/** Collects every event of a name, for asserting what did not arrive. */
export function collect<E extends keyof ServerToClientEvents>(socket: AgentSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const got: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event as never, ((p: never) => got.push(p)) as never);
  return got;
}

export const accept = (socket: AgentSocket, callSid: string) =>
  new Promise<{ ok: boolean; reason?: string }>((r) => socket.emit('call:accept', { callSid }, r));

/**
 * A request and its ack on the agent's own socket (re-stating the status it already has). The
 * server writes to a socket in order, so when the ack is back, everything it sent that socket before
 * has arrived: asserting that an event did not come is then meaningful, without a sleep.
 */
export async function roundTrip(socket: AgentSocket, status: 'available' | 'busy' | 'away'): Promise<void> {
  const ack = await new Promise((r) => socket.emit('agent:status', { status }, r));
  expect(ack).toEqual({ ok: true });
}
