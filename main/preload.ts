/**
 * The preload: exposes the typed API as window.gatehouse and nothing else.
 * Sandboxed preloads are CommonJS and may require only 'electron', so the
 * channel names are literals here, checked against shared/ at compile time.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiEvent, EventMessage } from '../shared/api-contract';
import type { GatehouseBridge, IPC_CHANNELS } from '../shared/ipc-bridge';

const CALL: (typeof IPC_CHANNELS)['call'] = 'gatehouse:call';
const EVENT: (typeof IPC_CHANNELS)['event'] = 'gatehouse:event';

const listeners = new Map<ApiEvent, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT, (_e, msg: EventMessage) => {
  for (const fn of [...(listeners.get(msg.event) ?? [])]) fn(msg.payload);
});

const bridge: GatehouseBridge = {
  call: (method, params) => ipcRenderer.invoke(CALL, method, params),
  subscribe(event, listener) {
    const fn = listener as (payload: unknown) => void;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  },
};

contextBridge.exposeInMainWorld('gatehouse', bridge);
