import { EventEmitter } from 'node:events';

/**
 * What a feature tells the rest of the server after a write has committed, typed by the feature's
 * own map of events (the register's is in server/register/events.ts). Realtime pushes and
 * journaling listen; the feature that emits does not know who listens.
 */
export class EventBus<Events extends object> {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (event: string, err: unknown) => void = () => undefined) {
    this.emitter.setMaxListeners(50);
  }

  on<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void | Promise<void>): void {
    this.emitter.on(event, (payload: Events[K]) => {
      // A listener's failure must never undo or fail the write that already committed.
      try {
        const r = listener(payload);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((e) => this.onListenerError(event, e));
      } catch (e) {
        this.onListenerError(event, e);
      }
    });
  }

  emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
    this.emitter.emit(event, payload);
  }
}
