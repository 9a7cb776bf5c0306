/*
 * Plays Twilio's part in one phone call against a running Servicetorg (demo mode): rings, keys in
 * the choices you give, follows redirects and the queue's hold music, and prints what the caller
 * would hear. Requests are signed like Twilio's, with TWILIO_AUTH_TOKEN or, in simulation mode,
 * the public simulation token.
 *
 *   npx tsx scripts/call-simulator.ts --from +4791234567 --keys 2
 *   npx tsx scripts/call-simulator.ts --keys 9,2026*17#,123456#
 */
import { parseArgs } from 'node:util';
import { SIMULATION_AUTH_TOKEN } from '../server/voice/module';
import { SimulatedCall } from '../channels/twilio-voice/simulator/caller';

async function main() {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
      from: { type: 'string', default: '+4791234567' },
      to: { type: 'string', default: '+4771111000' },
      keys: { type: 'string', default: '' },
      hangup: { type: 'boolean', default: false },
    },
  });
  const server = values.server!;
  const call = new SimulatedCall({
    serverUrl: server,
    publicBaseUrl: (process.env.PUBLIC_BASE_URL ?? server).replace(/\/+$/, ''),
    authToken: process.env.TWILIO_AUTH_TOKEN || SIMULATION_AUTH_TOKEN,
    accountSid: process.env.TWILIO_ACCOUNT_SID || `AC${'0'.repeat(32)}`,
    from: values.from!,
    to: values.to!,
  });
  const show = (label: string, turn: { status: number; heard: string[] }) => {
    console.log(`\n[${label}] HTTP ${turn.status}`);
    for (const h of turn.heard) console.log(`  🔊 ${h}`);
  };
  console.log(`Call ${call.callSid} from ${values.from} to ${values.to} via ${server}`);
  show('ring', await call.ring());
  for (const keys of values.keys!.split(',').filter(Boolean)) show(`keys ${keys}`, await call.press(keys));
  if (call.last?.twiml && call.last.body.includes('<Enqueue')) show('hold (waitUrl)', await call.hold());
  if (values.hangup) show('status callback', await call.end('completed', 30));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
