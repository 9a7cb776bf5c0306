import type { EventBus } from '../core/events';

/**
 * What auth tells the rest of the server when sessions end before their tokens expire: a logout
 * ends one token's, an administrator's revoke, deactivation or reset ends all of a user's. The
 * realtime layer closes the matching sockets; auth does not know it exists.
 */
export interface SessionEvents {
  ended: { userId: number } | { tokenId: string };
}

export type Sessions = EventBus<SessionEvents>;
