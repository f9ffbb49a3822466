import type { ApiHandlers, EventMessage } from '../../shared/api-contract';

/**
 * What the shell needs from a running Gatehouse: the same API handlers the
 * control server serves, the event stream, and a clean stop. engine-link.ts
 * builds it from the instance; everything else in the shell uses only this.
 */
export interface ShellEngine {
  handlers: ApiHandlers;
  /** `wanted`: whether this listener needs the high-volume exchange events built right now (see EventHub). */
  subscribe(listener: (msg: EventMessage) => void, wanted?: () => boolean): () => void;
  stop(): Promise<void>;
}
