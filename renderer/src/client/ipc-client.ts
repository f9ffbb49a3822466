import type { ApiEvent, GatehouseEvents } from '../../../shared/api-contract';
import type { GatehouseBridge } from '../../../shared/ipc-bridge';
import { unwrapResult, type UiClient } from './ui-client';

/** The client inside Electron: window.gatehouse from the preload. */
export function createIpcClient(bridge: GatehouseBridge): UiClient {
  return {
    async call(method, params) {
      return unwrapResult(await bridge.call(method, params));
    },
    on<E extends ApiEvent>(event: E, listener: (payload: GatehouseEvents[E]) => void) {
      return bridge.subscribe(event, listener);
    },
    onConnection(listener) {
      listener(true);
      return () => {};
    },
  };
}
