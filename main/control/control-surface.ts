/**
 * The control surface of one running instance: the recorder's event hub, the
 * API handlers (implemented once) and the loopback HTTP + WebSocket server.
 * The Electron shell reuses `handlers` and `events` over IPC.
 */
import type { ApiHandlers } from '../../shared/api-contract';
import { createApiHandlers, type ControlDeps } from './api-handlers';
import { ControlServer } from './control-server';
import { EventHub } from './event-hub';

/** The handlers' dependencies (emit is the surface's own event hub), plus the server's. */
export interface ControlSurfaceOptions
  extends Pick<ControlDeps, 'recorder' | 'config' | 'configAnnouncesRoutes' | 'currentConfig' | 'routeStatus' | 'purgeCache' | 'endpoints' | 'info' | 'ca'> {
  events?: EventHub;
  /** Control server port (default: any free port). */
  port?: number;
  staticDir?: string;
}

export interface ControlSurface {
  events: EventHub;
  handlers: ApiHandlers;
  server: ControlServer;
  stop(): Promise<void>;
}

export async function startControlSurface(options: ControlSurfaceOptions): Promise<ControlSurface> {
  const events = options.events ?? new EventHub();
  options.recorder.setEmitter(events.emit, () => events.hasAudience);
  const handlers = createApiHandlers({
    recorder: options.recorder,
    config: options.config,
    currentConfig: options.currentConfig,
    endpoints: options.endpoints,
    info: options.info,
    emit: events.emit,
    ...(options.routeStatus ? { routeStatus: options.routeStatus } : {}),
    ...(options.purgeCache ? { purgeCache: options.purgeCache } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.configAnnouncesRoutes ? { configAnnouncesRoutes: true } : {}),
  });
  const server = await ControlServer.start({
    handlers,
    events,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.staticDir !== undefined ? { staticDir: options.staticDir } : {}),
  });
  return {
    events,
    handlers,
    server,
    async stop() {
      await server.stop();
      options.recorder.close();
    },
  };
}
