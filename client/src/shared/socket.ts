import { io, type Socket } from 'socket.io-client';
import { createContext } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { AgentStatus, ClientToServerEvents, ServerToClientEvents } from '../../../server/contracts/socket-events';
import { ACK_TIMEOUT_MS } from './config';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type AckResult = { ok: true } | { ok: false; reason: string };

/**
 * WebSocket only: with several server processes behind the Redis adapter, long-polling would need
 * sticky sessions, and every browser the console supports has WebSockets.
 */
export function connectAgents(token: string): AgentSocket {
  return io('/agents', { auth: { token }, transports: ['websocket'], reconnectionDelayMax: 5000 });
}

/** Emits with an acknowledgement; a server that does not answer in time counts as a failure. */
export function emitWithAck<E extends 'agent:status' | 'call:accept'>(
  socket: AgentSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckResult> {
  return new Promise((resolve) => {
    // The generic event name defeats socket.io's overloads; the payload type is checked above.
    (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emit(e: string, p: unknown, cb: (err: Error | null, r?: AckResult) => void): void }).emit(
      event,
      payload,
      (err, answer) => {
        resolve(err || !answer ? { ok: false, reason: 'timeout' } : answer);
      },
    );
  });
}

export const LiveSocket = createContext<AgentSocket | null>(null);

/** Subscribes a component to one server event for as long as it is mounted. */
export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]) {
  const socket = useContext(LiveSocket);
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!socket) return;
    const fn = ((...args: unknown[]) => (ref.current as (...a: unknown[]) => void)(...args)) as never;
    socket.on(event, fn);
    return () => {
      socket.off(event, fn);
    };
  }, [socket, event]);
}

export type { AgentStatus };
