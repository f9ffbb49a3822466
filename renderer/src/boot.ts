import { pickClient } from './client/pick-client';
import type { UiClient } from './client/ui-client';
import { animationFrameScheduler, throttledScheduler } from './model/frame-scheduler';
import { startTrafficSession, type TrafficSession } from './model/traffic-session';

/**
 * While exchanges keep streaming in, the list takes a new batch at most this often
 * (a lone request after a quiet spell still shows on the next frame).
 */
const LIST_REFRESH_MS = 250;

/**
 * The page's first work, imported first by main.tsx and free of React, so it runs
 * before React's modules are evaluated: the client connects its event stream and
 * the traffic session asks for the snapshot as soon as that stream is up, while
 * React initialises and mounts.
 */
export type Boot = { client: UiClient; traffic: TrafficSession } | { error: Error };

function start(): Boot {
  try {
    const client = pickClient(window);
    return { client, traffic: startTrafficSession(client, throttledScheduler(animationFrameScheduler(), LIST_REFRESH_MS)) };
  } catch (err) {
    return { error: err as Error };
  }
}

export const boot: Boot = start();
