import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createTwilioClient } from './client';
import { TwilioSmsAdapter } from '../twilio-sms/adapter';
import { TwilioVoiceProvider } from '../twilio-voice/adapter';

/*
 * Our REST requests checked against Twilio's own OpenAPI description of its 2010-04-01 API (the
 * file @twilio-alpha/mcp ships), served by Prism as a mock on 127.0.0.1: Prism answers a request
 * that fits the description with the spec's example, and one that does not with 422 naming what is
 * wrong. The requests are the adapters' own, sent through the SDK and our HTTP client (client.ts).
 */
const SPEC = path.resolve('node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/twilio_api_v2010.json');
const PRISM = path.resolve('node_modules/.bin/prism');
const ACCOUNT = 'AC' + 'e4'.repeat(16);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe("our Twilio REST requests against Twilio's OpenAPI description (Prism)", () => {
  let prism: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prism = spawn(PRISM, ['mock', '-h', '127.0.0.1', '-p', String(port), SPEC], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prism did not start within 90 s:\n${output.slice(-2000)}`)), 90_000);
      const watch = (d: Buffer) => {
        output = (output + d.toString()).slice(-20_000);
        if (output.includes('Prism is listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      prism.stdout!.on('data', watch);
      prism.stderr!.on('data', watch);
      prism.once('exit', (code) => reject(new Error(`Prism exited (${code}):\n${output.slice(-2000)}`)));
    });
  }, 120_000);
  // Waits for Prism to be gone: its pipes would otherwise keep this jest worker from exiting.
  afterAll(async () => {
    if (!prism || prism.exitCode !== null || prism.signalCode !== null) return;
    const gone = new Promise((r) => prism.once('exit', r));
    prism.kill();
    await gone;
  });

  const client = () => createTwilioClient({ accountSid: ACCOUNT, authToken: 'prism-token', apiUrl: url });

  it('an SMS as the SMS adapter sends it, with its status callback', async () => {
    const sent = await new TwilioSmsAdapter({ client: client() }).send({
      from: '+4759440004',
      to: '+4791234567',
      body: 'Saken din 2026-40 er ferdig behandlet. Svar STOPP for å avslutte.',
      statusCallback: 'https://servicetorg.example.no/webhooks/twilio/sms/status',
    });
    // The spec's example answer, read back through the SDK: the request was accepted as valid.
    expect(sent.externalId).toMatch(/^(SM|MM)[0-9a-f]{32}$/i);
    expect(sent.error).toBeNull();
  });

  it('moving a call with new TwiML, and a one-time code SMS, as the voice provider sends them', async () => {
    const voice = new TwilioVoiceProvider(client());
    await expect(
      voice.redirect(
        'CA' + 'f'.repeat(32),
        '<?xml version="1.0" encoding="UTF-8"?><Response><Dial action="https://servicetorg.example.no/webhooks/twilio/voice/dial"><Client>user-7</Client></Dial></Response>',
      ),
    ).resolves.toBeUndefined();
    const code = await voice.sendSms({ from: '+4771111000', to: '+4791234567', body: 'Koden din er 482913' });
    expect(code.sid).toMatch(/^(SM|MM)[0-9a-f]{32}$/i);
  });

  it('refuses a request that does not fit the description (so the checks above can fail)', async () => {
    const answer = await client().request({
      method: 'post',
      uri: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
      data: { From: '+4771111000', Body: 'no To' },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.statusCode).toBe(422);
    expect(JSON.stringify(answer.body)).toContain("required property 'To'");
  });
});
