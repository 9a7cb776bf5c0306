/*
 * Twilio's Messages REST API for bench/broadcast, in its own process: test/support's SMS stand-in
 * (Basic auth checked, 201 with Twilio's JSON, every request kept), so what the product's dispatch
 * costs is the SDK's and ours, and nothing of the stand-in's work lands on the product's or the
 * bench's event loop. Started by run.ts over IPC; answers `stats` requests with counts of what it
 * received; stops when the parent goes away or after `maxSeconds`.
 */
import { z } from 'zod';
import { startSmsRestStandin } from '../../test/support/twilio-standin';

export const standinStart = z.object({ maxSeconds: z.number().int().positive().max(7200) }).strict();
export const standinReady = z.object({ url: z.string().url() }).strict();
export const statsRequest = z.object({ stats: z.object({ prefix: z.string().max(20), since: z.number(), numbers: z.boolean().optional() }).strict() }).strict();
export const statsAnswer = z
  .object({
    count: z.number(),
    unique: z.number(),
    first: z.number().nullable(),
    last: z.number().nullable(),
    maxPerSecond: z.number(),
    bodies: z.array(z.string()),
    /** Every number that got a request, when asked for (the kill run matches them against the register). */
    numbers: z.array(z.string()).optional(),
  })
  .strict();
export type StatsAnswer = z.infer<typeof statsAnswer>;

if (require.main === module) {
  if (!process.send) {
    console.error('bench/broadcast/standin.ts is started by run.ts over IPC');
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
    startSmsRestStandin({ callbackOrigin: () => 'http://127.0.0.1:9' }).then(
      (s) => {
        process.on('message', (m) => {
          const req = statsRequest.safeParse(m);
          if (!req.success) return;
          const { prefix, since, numbers } = req.data.stats;
          const got = s.messages.filter((x) => x.receivedAt >= since && (x.params.To ?? '').startsWith(prefix));
          const times = got.map((x) => x.receivedAt).sort((a, b) => a - b);
          // The most requests in any one-second window: what a carrier's rate limit would see.
          let most = 0;
          for (let i = 0, j = 0; i < times.length; i++) {
            while (times[i] - times[j] >= 1000) j++;
            most = Math.max(most, i - j + 1);
          }
          process.send!({
            count: got.length,
            unique: new Set(got.map((x) => x.params.To)).size,
            first: times[0] ?? null,
            last: times.at(-1) ?? null,
            maxPerSecond: most,
            bodies: got.slice(0, 3).map((x) => x.params.Body ?? ''),
            ...(numbers ? { numbers: [...new Set(got.map((x) => x.params.To ?? ''))] } : {}),
          } satisfies StatsAnswer);
        });
        process.send!({ url: s.url });
      },
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
