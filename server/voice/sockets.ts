import type { Logger } from 'pino';
import type { Agents } from '../core/realtime/agents';
import { callAcceptPayload } from '../contracts/socket-events';
import type { CallService } from './calls.service';
import type { Handover } from './handover.service';

/** call:accept, and the calls already waiting offered to an agent the moment they become available. */
export function handleCallSockets(agents: Agents, d: { calls: CallService; handover: Handover; logger: Logger }) {
  agents.onConnection((socket) => {
    socket.on('call:accept', async (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const parsed = callAcceptPayload.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, reason: 'invalid_payload' });
      try {
        const { userId, name, role, departmentIds } = socket.data;
        reply(await d.handover.accept({ userId, name, role, departmentIds }, parsed.data.callSid));
      } catch (err) {
        d.logger.error({ err }, 'call:accept failed');
        reply({ ok: false, reason: 'unavailable' });
      }
    });
  });

  // The presence is already set when this runs (core/realtime/agents.ts sets it, then tells features).
  agents.onPresence(async (socket, status) => {
    if (status !== 'available') return;
    for (const call of await d.calls.waitingFor({ role: socket.data.role as never }, socket.data.departmentIds)) socket.emit('call:incoming', call);
  });
}
