import type { AgentsNamespace } from '../core/realtime/agents';
import { rooms, type CallIncoming, type ContactRef, type ScreenPop } from '../contracts/socket-events';

/** Where call pushes go. The Socket.IO one reaches every server process when the Redis adapter is on. */
export interface CallNotifier {
  incoming(departmentId: number, payload: CallIncoming): void;
  taken(departmentId: number, payload: { callSid: string; by: ContactRef }): void;
  ended(departmentId: number, payload: { callSid: string; outcome: string }): void;
  popToUser(userId: number, payload: ScreenPop): void;
  popToAvailable(departmentId: number, payload: ScreenPop): void;
}

export const silentNotifier: CallNotifier = {
  incoming: () => undefined,
  taken: () => undefined,
  ended: () => undefined,
  popToUser: () => undefined,
  popToAvailable: () => undefined,
};

export function socketNotifier(nsp: AgentsNamespace): CallNotifier {
  return {
    incoming: (departmentId, payload) => nsp.to(rooms.available(departmentId)).emit('call:incoming', payload),
    taken: (departmentId, payload) => nsp.to(rooms.department(departmentId)).emit('call:taken', payload),
    ended: (departmentId, payload) => nsp.to(rooms.department(departmentId)).emit('call:ended', payload),
    popToUser: (userId, payload) => nsp.to(rooms.user(userId)).emit('screen-pop', payload),
    popToAvailable: (departmentId, payload) => nsp.to(rooms.available(departmentId)).emit('screen-pop', payload),
  };
}
