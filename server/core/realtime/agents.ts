import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { type Authenticator, actsInEveryDepartment, may } from '../access';
import { agentStatusPayload, type AgentStatus, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from '../../contracts/socket-events';

export type AgentsNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The rooms of /agents: every push to agents is addressed to one or more of these. */
export const rooms = {
  department: (id: number) => `department:${id}`,
  user: (id: number) => `user:${id}`,
  /** Agents of a department whose presence is "available": who gets call:incoming. */
  available: (departmentId: number) => `available:${departmentId}`,
  /** Admins see every department's pushes. */
  everything: 'everything',
  /** The sockets opened with one token (its stored id), so revoking the token can close them. */
  session: (tokenId: string) => `session:${tokenId}`,
};

/** Limits of a socket's own events; defaults in {@link createAgents}. */
export interface AgentsOptions {
  /** How long a token that passed is trusted before an incoming event checks it again. */
  recheckMs?: number;
  /** At most this many client events per connection in `eventWindowMs`; more are answered rate_limited. */
  eventsPerWindow?: number;
  eventWindowMs?: number;
}

/**
 * Namespace /agents, the one way pushes reach agents: token auth at the handshake, one room per
 * department and per user, presence. Features add their own socket events (`onConnection`), hear
 * presence changes after the presence is set (`onPresence`), and push with `to(rooms)`.
 */
export interface Agents {
  namespace: AgentsNamespace;
  to(...targets: string[]): ReturnType<AgentsNamespace['to']>;
  onConnection(handler: (socket: AgentSocket) => void): void;
  onPresence(handler: (socket: AgentSocket, status: AgentStatus) => void | Promise<void>): void;
  /** Closes the sockets of a user or of one token, in every process (the Redis adapter relays it). */
  endSessions(of: { userId: number } | { tokenId: string }): void;
}

export function createAgents(io: Server, deps: { authenticator: Authenticator; logger: Logger }, opts: AgentsOptions = {}): Agents {
  const recheckMs = opts.recheckMs ?? 5_000;
  const eventsPerWindow = opts.eventsPerWindow ?? 20;
  const eventWindowMs = opts.eventWindowMs ?? 10_000;
  // The raw token stays in this process, never in socket.data, which the Redis adapter hands to other processes.
  const tokens = new WeakMap<AgentSocket, { token: string; checkedAt: number }>();
  const nsp = io.of('/agents') as AgentsNamespace;
  const connectionHandlers: ((socket: AgentSocket) => void)[] = [];
  const presenceHandlers: ((socket: AgentSocket, status: AgentStatus) => void | Promise<void>)[] = [];

  // The body catches every error and answers through next().
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  nsp.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      const actor = typeof token === 'string' ? await deps.authenticator.authenticate(token) : null;
      if (!actor || actor.scope !== 'full') return next(new Error('unauthorized'));
      socket.data = { userId: actor.id, name: actor.name, role: actor.role, departmentIds: actor.departmentIds, status: 'away', tokenId: actor.tokenId };
      tokens.set(socket, { token: token as string, checkedAt: Date.now() });
      next();
    } catch (e) {
      deps.logger.error({ err: e }, 'socket auth failed');
      next(new Error('unavailable'));
    }
  });

  /**
   * A socket outlives the check at its handshake, so every event it sends is checked again: first
   * the per-connection budget, then the token (trusted for `recheckMs` after it last passed, so a
   * burst costs one lookup). A token that no longer passes (logged out, expired, user deactivated)
   * closes the socket and the event goes nowhere.
   */
  function guard(socket: AgentSocket) {
    let windowStart = Date.now();
    let used = 0;
    socket.use((packet, next) => {
      const ack = packet[packet.length - 1] as unknown;
      const answer = (reason: string) => typeof ack === 'function' && (ack as (a: { ok: false; reason: string }) => void)({ ok: false, reason });
      const now = Date.now();
      if (now - windowStart >= eventWindowMs) [windowStart, used] = [now, 0];
      if (++used > eventsPerWindow) return void answer('rate_limited');
      const held = tokens.get(socket);
      if (held && now - held.checkedAt < recheckMs) return next();
      void (async () => {
        try {
          const actor = held ? await deps.authenticator.authenticate(held.token) : null;
          if (!actor || actor.scope !== 'full' || actor.id !== socket.data.userId) {
            answer('unauthorized');
            return void socket.disconnect(true);
          }
          held!.checkedAt = Date.now();
          next();
        } catch (err) {
          deps.logger.error({ err }, 'socket re-authentication failed');
          answer('unavailable');
        }
      })();
    });
  }

  nsp.on('connection', (socket) => {
    const { userId, departmentIds, role, tokenId } = socket.data;
    guard(socket);
    // Only those who may read the register get its pushes (inquiry:new, screen pops); everyone gets their own.
    const readsRegister = may(role, 'readRegister');
    // In-process and Redis adapters join at once; the promise only says it has happened everywhere.
    void socket.join([
      rooms.user(userId),
      rooms.session(tokenId),
      ...(readsRegister ? departmentIds.map(rooms.department) : []),
      ...(readsRegister && actsInEveryDepartment({ role }) ? [rooms.everything] : []),
    ]);
    // Presence is set here and only here; features hear of it afterwards, in the order they registered.
    socket.on('agent:status', async (payload, ack) => {
      const parsed = agentStatusPayload.safeParse(payload);
      if (!parsed.success) return typeof ack === 'function' && ack({ ok: false, reason: 'invalid_payload' });
      const { status } = parsed.data;
      // Being available means being offered calls: only for roles that take them.
      if (status === 'available' && !may(socket.data.role, 'takeCalls')) return typeof ack === 'function' && ack({ ok: false, reason: 'not_allowed' });
      socket.data.status = status;
      const availableRooms = socket.data.departmentIds.map(rooms.available);
      if (status === 'available') void socket.join(availableRooms);
      else for (const r of availableRooms) void socket.leave(r);
      for (const handler of presenceHandlers) {
        try {
          await handler(socket, status);
        } catch (err) {
          deps.logger.error({ err }, 'presence handler failed');
        }
      }
      // Acknowledged once the features have acted on it (waiting calls offered), so an agent who has the ack has the offers.
      if (typeof ack === 'function') ack({ ok: true });
    });
    for (const handler of connectionHandlers) handler(socket);
  });

  return {
    namespace: nsp,
    to: (...targets) => nsp.to(targets),
    onConnection: (handler) => void connectionHandlers.push(handler),
    onPresence: (handler) => void presenceHandlers.push(handler),
    endSessions: (of) => nsp.in('userId' in of ? rooms.user(of.userId) : rooms.session(of.tokenId)).disconnectSockets(true),
  };
}
