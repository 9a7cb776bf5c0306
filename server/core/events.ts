import { EventEmitter } from 'node:events';
import type { Inquiry, Message } from '../register/entities';
import type { Channel } from '../contracts/names';

/**
 * What the domain tells the rest of the server after a write has committed. Realtime pushes,
 * journaling and notifications listen here; nothing in the domain knows who listens.
 */
export interface DomainEventMap {
  'inquiry:opened': { inquiry: Inquiry; contact: { id: number; name: string | null } | null; departmentCode: string; caseNumber: string | null };
  'inquiry:updated': { inquiry: Inquiry; message: Message; departmentCode: string };
  'message:recorded': { inquiry: Inquiry; message: Message; channel: Channel };
  /** An outbound message the provider accepted (it has the provider's id): what journaling of sent items listens to. */
  'message:sent': { inquiry: Inquiry; message: Message; channel: Channel };
}

export class DomainEvents {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (event: string, err: unknown) => void = () => undefined) {
    this.emitter.setMaxListeners(50);
  }

  on<K extends keyof DomainEventMap>(event: K, listener: (payload: DomainEventMap[K]) => void | Promise<void>): void {
    this.emitter.on(event, (payload: DomainEventMap[K]) => {
      // A listener's failure must never undo or fail the write that already committed.
      try {
        const r = listener(payload);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((e) => this.onListenerError(event, e));
      } catch (e) {
        this.onListenerError(event, e);
      }
    });
  }

  emit<K extends keyof DomainEventMap>(event: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(event, payload);
  }
}
