/*
 * One server process for the voice benches, started with child_process.fork by fanout.ts (and
 * usable by run.ts): its configuration arrives over IPC, it listens on 127.0.0.1 only, answers with
 * its port, and stops when the parent says so, when the parent goes away, or after `maxSeconds`.
 * A separate process keeps the load generator's own work (HTTP client, socket.io clients) off the
 * server's event loop, as Twilio and the agents' browsers are in production.
 */
import { z } from 'zod';
import { loadConfig } from '../../server/core/config';
import { compose, type Composed } from '../../server/index';
import { saySpeech } from '../../ivr/speech/speech';

export const serverStart = z
  .object({ databaseUrl: z.string().min(1), redisUrl: z.string().optional(), maxSeconds: z.number().int().positive().max(3600) })
  .strict();
export type ServerStart = z.infer<typeof serverStart>;
export const serverReady = z.object({ port: z.number().int(), publicBaseUrl: z.string() }).strict();

let app: Composed | null = null;

async function stop(code: number) {
  try {
    await app?.close();
  } finally {
    process.exit(code);
  }
}

async function start(msg: ServerStart) {
  setTimeout(() => void stop(3), msg.maxSeconds * 1000).unref();
  // Demo mode is what turns on the call simulation (the public signing token) without Twilio
  // credentials; compose() seeds nothing (main.ts does), so the database stays as the bench made it.
  const env: Record<string, string> = { DATABASE_URL: msg.databaseUrl, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', DEMO_DATA: 'on' };
  if (msg.redisUrl) env.REDIS_URL = msg.redisUrl;
  // run.ts's simulation line has one agent accept every call (50 a second), far past the 20 events
  // per 10 s a connection is allowed; the production-mode scenario keeps the product's limit.
  app = await compose(loadConfig(env), { passwordCost: 10, voice: { speech: saySpeech }, agents: { eventsPerWindow: 1_000_000 } });
  // A bench stays on loopback.
  const port = await app.listen(0, '127.0.0.1');
  process.send!({ port, publicBaseUrl: app.config.publicBaseUrl });
}

if (require.main === module) {
  if (!process.send) {
    console.error('bench/screen-pop/server.ts is started by fanout.ts over IPC');
    process.exit(2);
  }
  process.on('disconnect', () => void stop(0));
  process.once('message', (raw) => {
    const msg = serverStart.safeParse(raw);
    if (!msg.success) {
      console.error('bad start message', msg.error.issues);
      return void stop(2);
    }
    start(msg.data).catch((e) => {
      console.error(e);
      void stop(1);
    });
  });
}
