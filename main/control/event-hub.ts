/**
 * Where API events meet their subscribers: the recorder, the config watcher and
 * the CA emit; the control server's WebSocket clients and the Electron shell listen.
 */
import type { ApiEvent, EventMessage, GatehouseEvents } from '../../shared/api-contract';

export type EventListener = (message: EventMessage) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** Bound, so it can be handed around as a plain function (recorder.setEmitter(hub.emit)). */
  readonly emit = <E extends ApiEvent>(event: E, payload: GatehouseEvents[E]): void => {
    const message = { event, payload } as EventMessage;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // A failing subscriber must not stop the others (or the recorder).
      }
    }
  };

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
