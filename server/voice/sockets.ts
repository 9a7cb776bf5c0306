import type { Logger } from 'pino';
import type { AgentsNamespace } from '../core/realtime/agents';
import { agentStatusPayload, callAcceptPayload } from '../contracts/socket-events';
import type { CallService } from './calls.service';
import type { Handover } from './handover.service';

/** call:accept, and the calls already waiting offered to an agent the moment they become available. */
export function attachCallSockets(nsp: AgentsNamespace, d: { calls: CallService; handover: Handover; logger: Logger }) {
  nsp.on('connection', (socket) => {
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

    // agents.ts sets the presence first (it registered its listener first); this only offers waiting calls.
    socket.on('agent:status', async (payload) => {
      if (agentStatusPayload.safeParse(payload).data?.status !== 'available') return;
      try {
        for (const call of await d.calls.waitingFor({ role: socket.data.role as never }, socket.data.departmentIds)) socket.emit('call:incoming', call);
      } catch (err) {
        d.logger.error({ err }, 'offering waiting calls failed');
      }
    });
  });
}
