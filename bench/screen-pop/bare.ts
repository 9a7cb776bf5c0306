/*
 * The floor for the production-mode screen-pop bench: a bare express + socket.io server doing the
 * same exchange as the product with nothing else (no signatures, database, auth or register):
 * the menu webhook answers a <Gather>, the menu choice queues the call in memory and pushes
 * call:incoming to the available sockets of the digit's department, the waitUrl fetch answers hold TwiML, call:accept claims
 * the call and sends a screen-pop, and a socket that becomes available is offered the oldest
 * waiting call. Started by production.ts over IPC; 127.0.0.1 only; stops when the parent goes away.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import { z } from 'zod';

export const bareStart = z.object({ publicBaseUrl: z.string().url(), maxSeconds: z.number().int().positive().max(3600) }).strict();
export type BareStart = z.infer<typeof bareStart>;
export const bareReady = z.object({ port: z.number().int() }).strict();

const sidOf = (body: unknown) => {
  const sid = (body as { CallSid?: unknown } | undefined)?.CallSid;
  return typeof sid === 'string' && /^CA[0-9a-f]{32}$/.test(sid) ? sid : null;
};

async function start(msg: BareStart) {
  const base = msg.publicBaseUrl.replace(/\/+$/, '');
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));
  const server = http.createServer(app);
  const agents = new Server(server, { serveClient: false }).of('/agents');
  const calls = new Map<string, { from: string; state: 'queued' | 'connected' }>();
  const waiting = new Map<string, string[]>();
  const queueOf = (digit: string) => waiting.get(digit) ?? (waiting.set(digit, []), waiting.get(digit)!);
  const xml = (res: express.Response, body: string) => res.type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`);

  app.post('/webhooks/twilio/voice', (req, res) => {
    if (!sidOf(req.body)) return res.status(400).end();
    xml(res, `<Gather numDigits="1" action="${base}/webhooks/twilio/voice/menu" method="POST"><Say>Velkommen. Trykk 2.</Say></Gather>`);
  });
  app.post('/webhooks/twilio/voice/menu', (req, res) => {
    const callSid = sidOf(req.body);
    if (!callSid) return res.status(400).end();
    const from = String((req.body as { From?: unknown }).From ?? 'anonymous');
    const digit = String((req.body as { Digits?: unknown }).Digits ?? '').slice(0, 1);
    calls.set(callSid, { from, state: 'queued' });
    queueOf(digit).push(callSid);
    agents.to(`available:${digit}`).emit('call:incoming', { callSid, from, department: 'bench-pop', contact: null });
    xml(res, `<Enqueue waitUrl="${base}/webhooks/twilio/voice/wait" waitUrlMethod="POST">bench-pop</Enqueue>`);
  });
  app.post('/webhooks/twilio/voice/wait', (_req, res) => xml(res, '<Say>Vent litt.</Say>'));

  agents.on('connection', (socket) => {
    // The "token" names the agent's department by its menu digit: bare:<digit>.
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const digit = typeof token === 'string' ? token.slice('bare:'.length, 'bare:'.length + 1) : '';
    const room = `available:${digit}`;
    socket.on('agent:status', (p: { status?: unknown }, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (a: unknown) => void) : () => undefined;
      if (p?.status === 'available') {
        void socket.join(room);
        const queue = queueOf(digit);
        while (queue.length && calls.get(queue[0])?.state !== 'queued') queue.shift();
        const oldest = queue[0];
        if (oldest) socket.emit('call:incoming', { callSid: oldest, from: calls.get(oldest)!.from, department: 'bench-pop', contact: null });
      } else void socket.leave(room);
      reply({ ok: true });
    });
    socket.on('call:accept', (p: { callSid?: unknown }, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (a: unknown) => void) : () => undefined;
      const call = typeof p?.callSid === 'string' ? calls.get(p.callSid) : undefined;
      if (!call || call.state !== 'queued') return reply({ ok: false, reason: 'taken' });
      call.state = 'connected';
      reply({ ok: true });
      socket.emit('screen-pop', { callSid: p.callSid, from: call.from, contact: null, cases: [], inquiries: [] });
    });
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  setTimeout(() => process.exit(3), msg.maxSeconds * 1000).unref();
  process.send!({ port: (server.address() as AddressInfo).port });
}

if (require.main === module) {
  if (!process.send) {
    console.error('bench/screen-pop/bare.ts is started by production.ts over IPC');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  process.once('message', (raw) => {
    const msg = bareStart.safeParse(raw);
    if (!msg.success) {
      console.error('bad start message', msg.error.issues);
      return process.exit(2);
    }
    start(msg.data).catch((e) => {
      console.error(e);
      process.exit(1);
    });
  });
}
