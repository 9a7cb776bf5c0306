import { rooms, type Agents } from '../core/realtime/agents';
import type { CallIncoming, ContactRef, ScreenPop } from '../contracts/socket-events';

/** Where call pushes go: through /agents, which reaches every server process when the Redis adapter is on. */
export interface CallNotifier {
  incoming(departmentId: number, payload: CallIncoming): void;
  taken(departmentId: number, payload: { callSid: string; by: ContactRef }): void;
  ended(departmentId: number, payload: { callSid: string; outcome: string }): void;
  popToUser(userId: number, payload: ScreenPop): void;
  popToAvailable(departmentId: number, payload: ScreenPop): void;
  lost(userId: number, payload: { callSid: string; reason: string }): void;
}

export function agentCallNotifier(agents: Agents): CallNotifier {
  return {
    incoming: (departmentId, payload) => agents.to(rooms.available(departmentId)).emit('call:incoming', payload),
    taken: (departmentId, payload) => agents.to(rooms.department(departmentId)).emit('call:taken', payload),
    ended: (departmentId, payload) => agents.to(rooms.department(departmentId)).emit('call:ended', payload),
    popToUser: (userId, payload) => agents.to(rooms.user(userId)).emit('screen-pop', payload),
    popToAvailable: (departmentId, payload) => agents.to(rooms.available(departmentId)).emit('screen-pop', payload),
    lost: (userId, payload) => agents.to(rooms.user(userId)).emit('call:lost', payload),
  };
}
