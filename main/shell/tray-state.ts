import type { ApiHandlers } from '../../shared/api-contract';
import { normalizeRoutePath } from '../../shared/config';
import type { TrayState } from './tray-menu';

/**
 * The tray's state, read through the same API handlers the window uses.
 * No Electron here, so it is tested with fake handlers.
 */
export async function readTrayState(handlers: ApiHandlers, startAtLogin: boolean | undefined): Promise<TrayState> {
  const [routes, status, recording, info] = await Promise.all([
    handlers['routes.list']({}),
    handlers['routes.status']({}).catch(() => []),
    handlers['recording.get']({}).catch(() => undefined),
    handlers['instance.info']({}).catch(() => undefined),
  ]);
  const health = new Map(status.map((s) => [s.id, s]));
  const state: TrayState = {
    routes: routes.map((r) => ({
      id: r.id,
      host: r.route.host,
      path: normalizeRoutePath(r.route.path),
      enabled: r.enabled,
      // Without an HTTPS listener the route is only reachable over plain HTTP.
      https: r.route.https !== false && info?.httpsPort !== undefined,
      targets: (health.get(r.id)?.targets ?? []).map((t) => ({ url: t.url, up: t.health === 'up' ? true : t.health === 'down' ? false : null })),
    })),
    recordingPaused: recording ? !recording.recording : false,
    httpPort: info?.httpPort ?? 80,
    httpsPort: info?.httpsPort ?? 443,
  };
  if (startAtLogin !== undefined) state.startAtLogin = startAtLogin;
  return state;
}
