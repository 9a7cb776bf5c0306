/*
 * The load of the production-mode screen-pop bench, the same for the product and the bare floor:
 * agent sockets that take calls, and callers arriving at a fixed rate for a bounded time.
 *
 * An agent socket that is idle and offered a call (call:incoming) accepts it unless another socket
 * of this run already did; it times accept → screen-pop, sets itself `busy`, and after `talkMs`
 * (counted from the accept) sets itself `available` again, which offers it the oldest waiting call.
 * `talkMs` exists because the product allows a connection 20 events per 10 s: three events per
 * call (accept, busy, available) fit when a call takes at least 1.8 s, so a rate needs about
 * rate × talk agents on calls at any moment (agentsFor below), not the 10 of the first runs.
 * So that a call's pushes still reach about as many sockets as in one 10-agent department
 * (inquiry:new and call:taken go to the whole department), the agents are spread over up to eight
 * departments, one per menu digit, and the callers over their digits.
 * Every caller walks the menu webhook, the menu choice (the clock of routing → ring starts when it
 * is sent) and the <Enqueue> waitUrl fetch, all signed with the twilio package's own function.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { SimulatedCall } from '../../channels/twilio-voice/simulator/caller';

export interface Target {
  /** Where the process listens (http://127.0.0.1:port). */
  url: string;
}

export interface DriveOptions {
  /** Calls alternate between these; agent socket i connects to targets[i % n]. */
  targets: Target[];
  publicBaseUrl: string;
  authToken: string;
  accountSid: string;
  /** One bearer token per agent (empty strings for the bare floor). */
  tokens: string[];
  numbers: string[];
  /** Menu digits of the bench's departments: the caller of numbers[k] presses digits[k % digits.length]. */
  digits: string[];
  rate: number;
  seconds: number;
  talkMs: number;
  /** How long after the last call is placed its pop may still arrive. */
  drainMs: number;
  /** Called just before the first call and after the last pop (or the drain's end): the CPU window. */
  window?: { start(): void; end(): void };
}

export interface DriveResult {
  calls: number;
  popped: number;
  acceptToPop: number[];
  routingToRing: number[];
  webhookErrors: number;
  refused: Record<string, number>;
  lostNotices: number;
  /** Pops that named the caller and carried at least one case: the pop is the register's answer, not an empty shell. */
  withCases: number;
  /** Pushes the agents' sockets received, by event name (acks not counted). */
  pushes: Record<string, number>;
  /** Calls placed but never popped: what to end afterwards so the next rate starts with an empty queue. */
  unpopped: SimulatedCall[];
  wallMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Agents a rate needs: those on calls (rate × talk), a third more, and two idle per department at the least. */
export const agentsFor = (rate: number, talkMs: number) => Math.ceil((rate * talkMs * 1.3) / 1000) + 16;

export const TALK_MS_MIN = 1800;

interface Ack {
  ok: boolean;
  reason?: string;
}

export async function connectAgents(targets: Target[], tokens: string[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += 20) {
    const batch = tokens.slice(i, i + 20).map(async (token, j) => {
      const s = connect(`${targets[(i + j) % targets.length].url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

export async function drive(o: DriveOptions): Promise<DriveResult> {
  const routedAt = new Map<string, number>();
  const rung = new Set<string>();
  const taken = new Set<string>();
  const popped = new Set<string>();
  const acceptToPop: number[] = [];
  const routingToRing: number[] = [];
  const refused: Record<string, number> = {};
  let lostNotices = 0;
  let withCases = 0;
  const pushes: Record<string, number> = {};
  let counting = false;
  const sockets = await connectAgents(o.targets, o.tokens);
  const emit = (s: Socket, event: string, payload: unknown) => new Promise<Ack>((r) => s.emit(event, payload, r));

  try {
    for (const s of sockets) {
      let current: { callSid: string; acceptedAt: number } | null = null;
      s.onAny((event: string) => {
        if (counting) pushes[event] = (pushes[event] ?? 0) + 1;
      });
      const becomeAvailable = async () => {
        const a = await emit(s, 'agent:status', { status: 'available' });
        if (!a.ok) refused[`status ${a.reason}`] = (refused[`status ${a.reason}`] ?? 0) + 1;
        current = null;
      };
      s.on('call:incoming', (c: { callSid: string }) => {
        const at = performance.now();
        const routed = routedAt.get(c.callSid);
        if (!rung.has(c.callSid) && routed !== undefined) {
          rung.add(c.callSid);
          routingToRing.push(at - routed);
        }
        if (current || taken.has(c.callSid)) return;
        taken.add(c.callSid);
        const mine = { callSid: c.callSid, acceptedAt: performance.now() };
        current = mine;
        void emit(s, 'call:accept', { callSid: c.callSid }).then((a) => {
          if (a.ok) return;
          refused[`accept ${a.reason}`] = (refused[`accept ${a.reason}`] ?? 0) + 1;
          taken.delete(c.callSid); // still queued: offered again to the next agent who becomes available
          if (current === mine) current = null;
        });
      });
      s.on('screen-pop', (p: { callSid: string; contact?: unknown; cases?: unknown[] }) => {
        const mine = current;
        if (!mine || p.callSid !== mine.callSid || popped.has(p.callSid)) return;
        popped.add(p.callSid);
        acceptToPop.push(performance.now() - mine.acceptedAt);
        if (p.contact && p.cases?.length) withCases++;
        void emit(s, 'agent:status', { status: 'busy' }).then(async () => {
          await sleep(Math.max(0, mine.acceptedAt + o.talkMs - performance.now()));
          await becomeAvailable();
        });
      });
      s.on('call:lost', () => {
        lostNotices++;
        current = null;
      });
    }
    await Promise.all(sockets.map((s) => emit(s, 'agent:status', { status: 'available' })));

    const total = Math.max(1, Math.round(o.rate * o.seconds));
    const placed: SimulatedCall[] = [];
    let webhookErrors = 0;
    o.window?.start();
    counting = true;
    const t0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / o.rate - performance.now();
      if (wait > 0) await sleep(wait);
      const k = i % o.numbers.length;
      const call = new SimulatedCall({
        serverUrl: o.targets[i % o.targets.length].url,
        publicBaseUrl: o.publicBaseUrl,
        authToken: o.authToken,
        accountSid: o.accountSid,
        from: o.numbers[k],
        to: '+4771111000',
      });
      placed.push(call);
      pending.push(
        (async () => {
          const menu = await call.ring();
          if (menu.status !== 200) throw new Error(`menu webhook ${menu.status}`);
          routedAt.set(call.callSid, performance.now());
          const queued = await call.press(o.digits[k % o.digits.length]);
          if (queued.status !== 200 || !queued.body.includes('<Enqueue')) throw new Error(`menu choice ${queued.status}`);
          const hold = await call.hold();
          if (hold.status !== 200) throw new Error(`waitUrl ${hold.status}`);
        })().catch(() => void webhookErrors++),
      );
    }
    await Promise.all(pending);
    const deadline = performance.now() + o.drainMs;
    while (popped.size + webhookErrors < total && performance.now() < deadline) await sleep(20);
    const wallMs = performance.now() - t0;
    o.window?.end();
    counting = false;
    return {
      calls: total,
      popped: popped.size,
      acceptToPop,
      routingToRing,
      webhookErrors,
      refused,
      lostNotices,
      withCases,
      pushes,
      unpopped: placed.filter((c) => !popped.has(c.callSid)),
      wallMs,
    };
  } finally {
    for (const s of sockets) s.close();
  }
}
