import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { type Authenticator, actsInEveryDepartment } from '../access';
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
};

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
}

export function createAgents(io: Server, deps: { authenticator: Authenticator; logger: Logger }): Agents {
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
      socket.data = { userId: actor.id, name: actor.name, role: actor.role, departmentIds: actor.departmentIds, status: 'away' };
      next();
    } catch (e) {
      deps.logger.error({ err: e }, 'socket auth failed');
      next(new Error('unavailable'));
    }
  });

  nsp.on('connection', (socket) => {
    const { userId, departmentIds, role } = socket.data;
    // In-process and Redis adapters join at once; the promise only says it has happened everywhere.
    void socket.join([rooms.user(userId), ...departmentIds.map(rooms.department), ...(actsInEveryDepartment({ role }) ? [rooms.everything] : [])]);
    // Presence is set here and only here; features hear of it afterwards, in the order they registered.
    socket.on('agent:status', async (payload, ack) => {
      const parsed = agentStatusPayload.safeParse(payload);
      if (!parsed.success) return typeof ack === 'function' && ack({ ok: false, reason: 'invalid_payload' });
      const { status } = parsed.data;
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
  };
}
