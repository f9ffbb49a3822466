/**
 * The API, implemented once (every transport calls these): createApiHandlers
 * returns one handler per method of GatehouseApi — a missing one does not compile.
 *
 * Parts are passed in as small interfaces so that pieces that are not there yet
 * (the CA) answer with a clear "not-available" error instead of fake data.
 */
import type {
  ApiHandlers,
  CaStatus,
  InstanceInfo,
  RouteStatus,
  RouteView,
  Settings,
  TargetCheck,
} from '../../shared/api-contract';
import type { GatehouseConfig, RecordingConfig, RouteConfig } from '../../shared/config';
import { routeId } from '../../shared/config';
import type { Exchange } from '../../shared/exchange-types';
import { diffExchanges } from '../../shared/exchange-diff';
import type { SummarySnapshot } from '../../shared/exchange-columns';
import { encodedResult } from './encoded-result';
import { toHar, type HarExportItem } from '../../shared/har';
import { harToExchanges, parseHarText, HarImportError } from '../../shared/har-import';
import { requestSpecOf } from '../../shared/request-spec';
import { toCurl } from '../../shared/curl';
import { toFetch } from '../../shared/fetch-code';
import type { CodeGenParams, CodeGenResult } from '../../shared/api-contract';
import { base64ToBytes } from '../../shared/base64';
import type { Recorder } from '../recorder/recorder';
import { decodeBody, removeContentEncoding } from '../recorder/body-decoder';
import { ApiFailure, badRequest, notAvailable, notFound } from './api-error';
import type { EmitEvent } from '../recorder/event-batcher';
import { Replayer, type ProxyEndpoints } from './replayer';

/** Reads and edits the config file (main/config's ConfigStore fits this). */
export interface ConfigPort {
  /** The config file as it is now (validated); throws when the file is invalid. */
  read(): Promise<{ config: GatehouseConfig }>;
  addRoute(route: RouteConfig): Promise<RouteConfig>;
  updateRoute(ref: string, route: RouteConfig): Promise<RouteConfig>;
  removeRoute(ref: string): Promise<RouteConfig>;
  setRouteEnabled(ref: string, enabled?: boolean): Promise<RouteConfig>;
  updateSettings(settings: Partial<Settings>): Promise<Settings>;
}

/** The certificate authority, once the TLS part is wired in. */
export interface CaPort {
  status(): Promise<CaStatus>;
  trust(): Promise<CaStatus>;
  untrust(): Promise<CaStatus>;
}

/** What the engine reports about its routes (Engine.routeStatus()). */
export interface EngineRouteStatus {
  routeId: string;
  enabled: boolean;
  targets: Array<{ url: string; up: boolean; answered?: boolean; failing?: boolean; lastError?: string; check?: { ok: boolean | undefined; lastCheckedAt?: number; lastStatus?: number; lastError?: string } }>;
  allDown?: true;
}

export interface ControlDeps {
  recorder: Recorder;
  config: ConfigPort;
  /** The config in effect (the last good one), used when the file on disk is broken. */
  currentConfig: () => GatehouseConfig;
  routeStatus?: () => EngineRouteStatus[];
  /** Engine.purgeCache; absent → cache.purge answers "not-available". */
  purgeCache?: (routeId?: string) => number;
  endpoints: () => ProxyEndpoints;
  info: () => InstanceInfo;
  /** Plugged in by the TLS part; until then CA methods answer "not-available". */
  ca?: () => CaPort | undefined;
  /** Events from handlers (routes.changed after an edit). */
  emit?: EmitEvent;
  /**
   * The config port's owner applies every edit and announces the routes itself
   * (routes.changed; the instance does): the handlers then send no second copy,
   * which, read from the file a moment later, could be older than a hand edit
   * made meanwhile and take that edit's routes off the dashboard.
   */
  configAnnouncesRoutes?: boolean;
  /** Replay timeout (tests). */
  replayTimeoutMs?: number;
}

function routeViewOf(route: RouteConfig): RouteView {
  return { id: routeId(route), route, enabled: route.enabled !== false };
}

function requireString(params: Record<string, unknown>, key: string, method: string): string {
  const v = params[key];
  if (typeof v !== 'string' || v === '') throw badRequest(`${method} needs "${key}" (a string)`);
  return v;
}

function requireObject<T>(params: Record<string, unknown>, key: string, method: string): T {
  const v = params[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`${method} needs "${key}" (an object)`);
  return v as T;
}

/** Response bytes with Content-Encoding removed, for HAR export; undefined when they cannot be decoded. */
function decodedResponse(x: Exchange, bytes: Uint8Array): Uint8Array | undefined {
  if (x.responseBody.contentDecoded) return bytes;
  try {
    return removeContentEncoding(bytes, x.headers.clientResponse ?? [], x.responseBody.truncated).bytes;
  } catch {
    return undefined;
  }
}

export function createApiHandlers(deps: ControlDeps): ApiHandlers {
  const { recorder } = deps;
  const replayer = new Replayer({
    recorder,
    endpoints: deps.endpoints,
    ...(deps.replayTimeoutMs !== undefined ? { timeoutMs: deps.replayTimeoutMs } : {}),
  });

  const exchange = (id: unknown): Exchange => {
    if (typeof id !== 'string') throw badRequest('an exchange id (a string) is needed');
    const x = recorder.get(id);
    if (!x) throw notFound(`no recorded exchange "${id}" (it may have been dropped from memory or cleared)`);
    return x;
  };

  const fileConfig = async (): Promise<GatehouseConfig> => {
    try {
      return (await deps.config.read()).config;
    } catch {
      return deps.currentConfig();
    }
  };

  const routesChanged = async (): Promise<void> => {
    if (!deps.emit || deps.configAnnouncesRoutes) return;
    const config = await fileConfig();
    deps.emit('routes.changed', config.routes.map(routeViewOf));
  };

  const ca = (): CaPort => {
    const port = deps.ca?.();
    if (!port) throw notAvailable('the certificate authority is not available in this instance (HTTPS is not set up)');
    return port;
  };

  const codegen = (params: CodeGenParams, render: typeof toCurl | typeof toFetch): CodeGenResult => {
    const x = exchange(params.id);
    const to = params.to ?? 'proxy';
    if (to !== 'proxy' && to !== 'upstream') throw badRequest(`"to" must be "proxy" or "upstream", not "${String(to)}"`);
    try {
      return render(requestSpecOf(x, params.edit, to));
    } catch (err) {
      if (err instanceof ApiFailure) throw err;
      throw badRequest((err as Error).message);
    }
  };

  return {
    'instance.info': async () => deps.info(),

    'routes.list': async () => (await fileConfig()).routes.map(routeViewOf),
    'routes.add': async (params) => {
      const route = await deps.config.addRoute(requireObject<RouteConfig>(params, 'route', 'routes.add'));
      await routesChanged();
      return routeViewOf(route);
    },
    'routes.update': async (params) => {
      const id = requireString(params, 'id', 'routes.update');
      const route = await deps.config.updateRoute(id, requireObject<RouteConfig>(params, 'route', 'routes.update'));
      await routesChanged();
      return routeViewOf(route);
    },
    'routes.remove': async (params) => {
      const route = await deps.config.removeRoute(requireString(params, 'id', 'routes.remove'));
      await routesChanged();
      return { removed: routeId(route) };
    },
    'routes.toggle': async (params) => {
      const id = requireString(params, 'id', 'routes.toggle');
      if (params.enabled !== undefined && typeof params.enabled !== 'boolean') throw badRequest('routes.toggle: "enabled" must be true or false');
      const route = await deps.config.setRouteEnabled(id, params.enabled);
      await routesChanged();
      return routeViewOf(route);
    },
    'routes.status': async () => {
      const status = deps.routeStatus?.() ?? [];
      return status.map(
        (s): RouteStatus => ({
          id: s.routeId,
          enabled: s.enabled,
          targets: s.targets.map((t) => {
            // "up" needs evidence: an answer to a request, or a passing health check. A target never
            // tried (or tried only by requests that are still open) is "unknown", not "up". One whose
            // last request failed stays "down" until something succeeds, though the balancer tries it
            // again after a while (a stopped dev server must not turn green on its own).
            const health = !t.up || t.failing ? 'down' : t.answered || t.check?.ok === true ? 'up' : 'unknown';
            const out: RouteStatus['targets'][number] = { url: t.url, health };
            if (t.lastError !== undefined) out.lastError = { code: 'upstream-error', message: t.lastError };
            if (t.check) {
              const c: TargetCheck = {};
              if (t.check.ok !== undefined) c.ok = t.check.ok;
              if (t.check.lastCheckedAt !== undefined) c.lastCheckedAt = t.check.lastCheckedAt;
              if (t.check.lastStatus !== undefined) c.lastStatus = t.check.lastStatus;
              if (t.check.lastError !== undefined) c.lastError = t.check.lastError;
              out.check = c;
            }
            return out;
          }),
          ...(s.allDown ? { allDown: true as const } : {}),
        }),
      );
    },
    'cache.purge': async (params) => {
      if (!deps.purgeCache) throw notAvailable('the response cache cannot be purged in this instance (no engine attached)');
      const routeId = (params ?? {}).routeId;
      if (routeId !== undefined && (typeof routeId !== 'string' || routeId === '')) throw badRequest('cache.purge: "routeId" must be a route id (a string)');
      return { purged: deps.purgeCache(routeId) };
    },

    'exchanges.list': async (params) => {
      const { limit, order, cursor } = params ?? {};
      // Checked here: a limit of "x" would otherwise page nothing and look like an empty recording.
      if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
        throw badRequest(`exchanges.list: "limit" must be a whole number of exchanges from 1 (at most 1000 are returned), not ${JSON.stringify(limit)}`);
      }
      if (order !== undefined && order !== 'oldest-first' && order !== 'newest-first') {
        throw badRequest(`exchanges.list: "order" must be "oldest-first" or "newest-first", not ${JSON.stringify(order)}`);
      }
      if (cursor !== undefined && typeof cursor !== 'string') throw badRequest('exchanges.list: "cursor" must be the nextCursor string of the previous page');
      try {
        return recorder.list(params);
      } catch (err) {
        throw badRequest((err as Error).message);
      }
    },
    'exchanges.snapshot': async (params) => {
      const limit = (params ?? {}).limit;
      if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
        throw badRequest('exchanges.snapshot: "limit" must be a whole number of exchanges (0 or more)');
      }
      return encodedResult<SummarySnapshot>(await recorder.snapshotJson(limit));
    },
    'exchanges.get': async (params) => {
      const x = exchange(params.id);
      const decode = params.decode !== false;
      const req = base64ToBytes(x.requestBody.captured);
      const res = base64ToBytes(x.responseBody.captured);
      const empty = { kind: 'empty' as const, decodedSize: 0, truncated: false };
      return {
        exchange: x,
        requestBody: decode ? decodeBody({ bytes: req, headers: x.headers.clientRequest, truncated: x.requestBody.truncated }) : empty,
        responseBody: decode
          ? decodeBody({ bytes: res, headers: x.headers.clientResponse ?? [], truncated: x.responseBody.truncated, contentDecoded: x.responseBody.contentDecoded === true })
          : empty,
      };
    },
    'exchanges.diff': async (params) => diffExchanges(exchange(params.a), exchange(params.b)),

    'recording.get': async () => recorder.state(),
    'recording.pause': async () => recorder.pause(),
    'recording.resume': async () => recorder.resume(),
    'recording.clear': async () => recorder.clear(),

    'ca.status': async () => ca().status(),
    'ca.trust': async () => {
      const status = await ca().trust();
      deps.emit?.('ca.state', status);
      return status;
    },
    'ca.untrust': async () => {
      const status = await ca().untrust();
      deps.emit?.('ca.state', status);
      return status;
    },

    'settings.get': async () => {
      const { routes: _r, $schema: _s, ...settings } = await fileConfig();
      return settings;
    },
    'settings.set': async (params) => {
      const settings = requireObject<Partial<Settings>>(params, 'settings', 'settings.set');
      if ('routes' in settings) throw badRequest('settings.set does not change routes; use routes.add/update/remove');
      return deps.config.updateSettings(settings);
    },

    replay: async (params) => replayer.replay(params),

    'har.export': async (params) => {
      if (params.ids !== undefined && (!Array.isArray(params.ids) || params.ids.some((i) => typeof i !== 'string'))) {
        throw badRequest('har.export: "ids" must be a list of exchange ids');
      }
      const list = params.ids ? params.ids.map((id) => exchange(id)) : recorder.all();
      const items = list.map((x): HarExportItem => {
        const bytes = base64ToBytes(x.responseBody.captured);
        const decoded = decodedResponse(x, bytes);
        return decoded ? { exchange: x, decodedResponseBody: decoded } : { exchange: x };
      });
      return { har: toHar(items, { redact: params.redact === true, creatorVersion: deps.info().version }) };
    },
    'har.import': async (params) => {
      if (params.har === undefined) throw badRequest('har.import needs "har": the HAR document (JSON) or its text');
      const recording: Required<RecordingConfig> = { ...recorder.state(), enabled: true };
      try {
        const doc = typeof params.har === 'string' ? parseHarText(params.har) : params.har;
        const { exchanges, skipped } = harToExchanges(doc, { bodyCap: recording.bodyCap, maxEntries: recording.maxExchanges });
        const ids = recorder.importExchanges(exchanges);
        return { imported: ids.length, ids, skipped };
      } catch (err) {
        if (err instanceof HarImportError) throw new ApiFailure(err.code, err.message, err.status);
        throw err;
      }
    },

    'curl.generate': async (params) => codegen(params, toCurl),
    'fetch.generate': async (params) => codegen(params, toFetch),
  };
}
