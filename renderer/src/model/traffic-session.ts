import type { UiClient } from '../client/ui-client';
import type { FrameScheduler } from './frame-scheduler';
import { DEFAULT_ROW_CAP, TrafficStore } from './traffic-store';
import { syncTraffic } from './traffic-sync';

/**
 * The traffic list's store, kept in step with the engine from the moment the
 * page's script runs: started before React mounts (main.tsx), so the one
 * exchanges.snapshot call goes out as soon as the event stream is connected
 * instead of after the first render and its effects.
 */
export interface TrafficSession {
  readonly store: TrafficStore;
  /** The last error loading the list, or null. */
  error(): Error | null;
  onError(fn: () => void): () => void;
  stop(): void;
}

export function startTrafficSession(client: UiClient, scheduler: FrameScheduler, cap = DEFAULT_ROW_CAP): TrafficSession {
  const store = new TrafficStore(scheduler, cap);
  let last: Error | null = null;
  const listeners = new Set<() => void>();
  const stopSync = syncTraffic(client, store, cap, (err) => {
    last = err;
    for (const fn of [...listeners]) fn();
  });
  return {
    store,
    error: () => last,
    onError(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop() {
      stopSync();
      store.dispose();
    },
  };
}
