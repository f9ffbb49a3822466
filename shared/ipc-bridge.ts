/**
 * What the Electron preload exposes as `window.gatehouse`, and the IPC channel
 * names between preload and shell. Pure types and constants.
 *
 * The bridge returns the wire ApiResult (never throws across IPC, which would
 * lose the error code); the renderer's IPC client unwraps it like the HTTP one.
 */
import type { ApiEvent, ApiMethod, ApiParams, ApiResult, ApiReturn, GatehouseEvents } from './api-contract';

export interface GatehouseBridge {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<ApiReturn<M>>>;
  /** Subscribes to one event; returns the unsubscribe function. */
  subscribe<E extends ApiEvent>(event: E, listener: (payload: GatehouseEvents[E]) => void): () => void;
}

export const IPC_CHANNELS = {
  /** invoke(channel, method, params) -> ApiResult */
  call: 'gatehouse:call',
  /** main -> renderer: (channel, EventMessage) */
  event: 'gatehouse:event',
} as const;
