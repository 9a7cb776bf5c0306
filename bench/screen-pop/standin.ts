/*
 * Twilio's REST API for the production-mode screen-pop bench, in its own process: the voice
 * stand-in of test/voice (call updates and message creates, Basic auth checked, answered at once),
 * so the product's REST move costs what the SDK costs and nothing of the stand-in's work lands on
 * the product's or the load generator's event loop. Started by production.ts over IPC; listens on
 * 127.0.0.1 only; stops when the parent goes away or after `maxSeconds`.
 */
import { z } from 'zod';
import { startVoiceRestStandin } from '../../test/voice/twilio-standin';

export const standinStart = z
  .object({ accountSid: z.string().regex(/^AC[0-9a-f]{32}$/), authToken: z.string().min(8).max(200), maxSeconds: z.number().int().positive().max(3600) })
  .strict();
export type StandinStart = z.infer<typeof standinStart>;
export const standinReady = z.object({ url: z.string().url() }).strict();

if (require.main === module) {
  if (!process.send) {
    console.error('bench/screen-pop/standin.ts is started by production.ts over IPC');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  process.once('message', (raw) => {
    const msg = standinStart.safeParse(raw);
    if (!msg.success) {
      console.error('bad start message', msg.error.issues);
      return process.exit(2);
    }
    setTimeout(() => process.exit(3), msg.data.maxSeconds * 1000).unref();
    startVoiceRestStandin(msg.data.accountSid, msg.data.authToken).then(
      (s) => process.send!({ url: s.url }),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
