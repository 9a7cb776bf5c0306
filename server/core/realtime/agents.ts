import type { Namespace, Server } from 'socket.io';
import type { Logger } from 'pino';
import type { AuthService } from '../../auth/auth.service';
import type { DomainEvents } from '../events';
import { toSummary } from '../summary';
import { agentStatusPayload, rooms, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from '../../contracts/socket-events';

export type AgentsNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Namespace /agents: token auth at the handshake, one room per department and per user, presence,
 * and pushes of what the domain reports. Call handling (call:accept) is attached by the voice channel.
 */
export function attachAgents(io: Server, deps: { auth: AuthService; events: DomainEvents; logger: Logger }): AgentsNamespace {
  const nsp = io.of('/agents') as AgentsNamespace;

  // The body catches every error and answers through next().
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  nsp.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown })?.token;
      const actor = typeof token === 'string' ? await deps.auth.authenticate(token) : null;
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
    void socket.join([rooms.user(userId), ...departmentIds.map(rooms.department), ...(role === 'admin' ? [rooms.everything] : [])]);
    socket.on('agent:status', (payload, ack) => {
      const parsed = agentStatusPayload.safeParse(payload);
      if (!parsed.success) return typeof ack === 'function' && ack({ ok: false, reason: 'invalid_payload' });
      socket.data.status = parsed.data.status;
      const availableRooms = socket.data.departmentIds.map(rooms.available);
      if (parsed.data.status === 'available') void socket.join(availableRooms);
      else for (const r of availableRooms) void socket.leave(r);
      if (typeof ack === 'function') ack({ ok: true });
    });
  });

  deps.events.on('inquiry:opened', ({ inquiry, contact, departmentCode, caseNumber }) => {
    nsp.to([rooms.department(inquiry.departmentId), rooms.everything]).emit('inquiry:new', {
      id: inquiry.id,
      channel: inquiry.channel,
      department: departmentCode,
      contact,
      summary: inquiry.summary,
      caseNumber,
      createdAt: inquiry.createdAt.toISOString(),
    });
  });

  deps.events.on('inquiry:updated', ({ inquiry, message }) => {
    nsp.to([rooms.department(inquiry.departmentId), rooms.everything]).emit('inquiry:updated', { id: inquiry.id, summary: toSummary(message.body, message.subject) });
  });

  return nsp;
}
