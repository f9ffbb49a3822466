/**
 * Where API events meet their subscribers: the recorder, the config watcher and
 * the CA emit; the control server's WebSocket clients and the Electron shell listen.
 */
import type { ApiEvent, EventMessage, GatehouseEvents } from '../../shared/api-contract';

export type EventListener = (message: EventMessage) => void;

export class EventHub {
  /** Each listener, with an optional test of whether it wants events right now. */
  private readonly listeners = new Map<EventListener, (() => boolean) | undefined>();

  /** Bound, so it can be handed around as a plain function (recorder.setEmitter(hub.emit)). */
  readonly emit = <E extends ApiEvent>(event: E, payload: GatehouseEvents[E]): void => {
    const message = { event, payload } as EventMessage;
    for (const listener of this.listeners.keys()) {
      try {
        listener(message);
      } catch {
        // A failing subscriber must not stop the others (or the recorder).
      }
    }
  };

  /**
   * `wanted` lets a listener say it does not need the high-volume events (exchange.*)
   * built for it at the moment: the control server with no WebSocket client, the shell
   * with no window, the tray. It still receives whatever is emitted. While no listener
   * wants them, the recorder skips building exchange events (see hasAudience).
   */
  subscribe(listener: EventListener, wanted?: () => boolean): () => void {
    this.listeners.set(listener, wanted);
    return () => this.listeners.delete(listener);
  }

  /** Whether any listener wants exchange events built now. */
  get hasAudience(): boolean {
    for (const wanted of this.listeners.values()) if (wanted === undefined || wanted()) return true;
    return false;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
