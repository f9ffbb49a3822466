/**
 * THE contract between the engine and every UI (Electron renderer over IPC,
 * browser over the HTTP + WebSocket control server, the CLI).
 *
 * - GatehouseApi: method name -> { params; result }. Every method takes ONE
 *   params object (use {} when there is nothing to pass) and resolves to result.
 * - GatehouseEvents: event name -> payload. Exchange events are batched: one
 *   event carries an array.
 * - ApiHandlers: the engine implements every method once; a missing handler is
 *   a compile error.
 * - ApiResult: what crosses the wire for every call.
 *
 * Transports:
 * - HTTP: POST /api/<method> with the JSON params as the body -> ApiResult JSON.
 *   Auth: `Authorization: Bearer <token>` or the session cookie set by opening
 *   the dashboard URL `/?token=<token>`.
 * - Events: WebSocket GET /api/events (same auth; `?token=` also accepted); every
 *   text frame is one EventMessage JSON.
 * - Electron: window.gatehouse implements ApiClient (see the shell/preload).
 *
 * Pure types and constants only: no node:*, no DOM.
 */
import type { CodedError, RawHeaders } from './http-types';
import type { ConfigIssue, GatehouseConfig, RouteConfig } from './config';
import type {
  Exchange,
  ExchangeDetail,
  ExchangeDiff,
  ExchangeFilter,
  ExchangeSummary,
  ListOrder,
} from './exchange-types';
import type { SummarySnapshot } from './exchange-columns';
import type { Har } from './har-types';

/** Params for methods that take nothing. Pass `{}`. */
export type NoParams = Record<string, never>;

// ---------------------------------------------------------------- routes

/** A route as configured plus its identity and effective switch. */
export interface RouteView {
  /** routeId(route): lower-cased host plus normalised path, e.g. "app.test/api". */
  id: string;
  route: RouteConfig;
  /** Effective enabled state (route.enabled ?? true). */
  enabled: boolean;
}

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface TargetStatus {
  url: string;
  health: TargetHealth;
  /** Requests currently in flight to this target. */
  active?: number;
  lastError?: CodedError;
  /** Epoch ms of the last health change or check. */
  checkedAt?: number;
  /** The active health check's latest result (routes with healthCheck only). */
  check?: TargetCheck;
}

export interface TargetCheck {
  /** undefined until the first check has finished. */
  ok?: boolean;
  lastCheckedAt?: number;
  lastStatus?: number;
  lastError?: string;
}

export interface RouteStatus {
  id: string;
  enabled: boolean;
  targets: TargetStatus[];
  /** Present when the route has targets and every one of them is down. */
  allDown?: true;
}

// ---------------------------------------------------------------- recording

export interface RecordingState {
  /** False while paused (or disabled in settings). */
  recording: boolean;
  /** Exchanges held in memory. */
  count: number;
  /** Captured body bytes held in memory. */
  totalBytes: number;
  maxExchanges: number;
  maxTotalBytes: number;
  bodyCap: number;
  /** Exchanges dropped (oldest first) because a bound was reached, since start or last clear. */
  dropped: number;
}

// ---------------------------------------------------------------- CA

export interface TrustStoreStatus {
  /** e.g. "system", "nss:~/.pki/nssdb", "firefox:profile". */
  name: string;
  trusted: boolean;
  detail?: string;
}

export interface CaStatus {
  /** False until a certificate authority is wired into this instance. */
  available: boolean;
  /** The CA certificate exists on disk. */
  exists: boolean;
  /** Trusted by at least the system store. */
  trusted: boolean;
  subject?: string;
  fingerprintSha256?: string;
  /** ISO date. */
  notAfter?: string;
  certPath?: string;
  /**
   * The names the CA may sign for, from its name constraints: each one and every name under
   * it ("test" covers "app.test"). Absent when the certificate has no name constraints.
   */
  permittedNames?: string[];
  stores?: TrustStoreStatus[];
}

// ---------------------------------------------------------------- settings / instance

/** Everything in the config file except the routes. */
export type Settings = Omit<GatehouseConfig, 'routes' | '$schema'>;

export interface InstanceInfo {
  version: string;
  mode: 'app' | 'headless';
  pid: number;
  configPath?: string;
  dataDir?: string;
  /** Ports actually bound (after fallbacks); absent when not listening. */
  httpPort?: number;
  httpsPort?: number;
  dnsPort?: number;
  controlUrl?: string;
}

// ---------------------------------------------------------------- replay

/** A body given as UTF-8 text or as base64 bytes. */
export type BodyInput = { text: string } | { base64: string };

/** Changes applied to a recorded request before resending / generating code. */
export interface RequestEdit {
  method?: string;
  /** Path and query ("/api?q=1") or an absolute URL (its path and query are used; with via "target", its origin too). */
  url?: string;
  /** Replaces the whole header list (Content-Length is recomputed). */
  headers?: RawHeaders;
  /** Replaces the body. */
  body?: BodyInput;
}

export type ReplayVia =
  /** Through the proxy's own listener, so the route applies and the replay is recorded. */
  | { kind: 'route' }
  /** Straight to an upstream, e.g. "http://127.0.0.1:3001" (recorded too). */
  | { kind: 'target'; target: string };

export interface ReplayParams {
  id: string;
  edit?: RequestEdit;
  /** Default { kind: 'route' }. */
  via?: ReplayVia;
}

export interface ReplayResult {
  /** Id of the new exchange (its replayOf is the original's id). */
  id: string;
  status?: number;
  error?: CodedError;
}

// ---------------------------------------------------------------- code generation

export interface CodeGenParams {
  id: string;
  edit?: RequestEdit;
  /**
   * 'proxy' (default): the request as the client sent it, to the proxy.
   * 'upstream': the request as forwarded, straight to the upstream target.
   */
  to?: 'proxy' | 'upstream';
}

export interface CodeGenResult {
  code: string;
  /** Things the generated code cannot reproduce, e.g. "body truncated at 1 MiB". */
  warnings: string[];
}

// ---------------------------------------------------------------- HAR

export interface HarExportParams {
  /** Exchanges to export; all when absent. */
  ids?: string[];
  /** Mask credentials (see shared/har.ts redactHar): auth and cookie values, API-key headers, secret-named query, form and JSON fields. */
  redact?: boolean;
}

export interface HarImportParams {
  /** The HAR document, as parsed JSON or as the file's text. */
  har: unknown;
}

export interface HarImportResult {
  imported: number;
  ids: string[];
  /** Valid entries that are not HTTP traffic (data:, blob: ...), left out. */
  skipped: Array<{ index: number; reason: string }>;
}

// ---------------------------------------------------------------- the method map

export interface GatehouseApi {
  'instance.info': { params: NoParams; result: InstanceInfo };

  'routes.list': { params: NoParams; result: RouteView[] };
  'routes.add': { params: { route: RouteConfig }; result: RouteView };
  /** Replaces the route with that id by `route` (its id may change if host/path change). */
  'routes.update': { params: { id: string; route: RouteConfig }; result: RouteView };
  'routes.remove': { params: { id: string }; result: { removed: string } };
  /** Sets enabled, or flips it when `enabled` is absent. */
  'routes.toggle': { params: { id: string; enabled?: boolean }; result: RouteView };
  'routes.status': { params: NoParams; result: RouteStatus[] };
  /** Empties the response cache (of one route when routeId is given); returns how many entries were dropped. */
  'cache.purge': { params: { routeId?: string }; result: { purged: number } };

  'exchanges.list': {
    params: {
      filter?: ExchangeFilter;
      /** nextCursor from the previous page. */
      cursor?: string;
      /** Default 200, at most 1000. */
      limit?: number;
      /** Default 'oldest-first'. */
      order?: ListOrder;
    };
    result: {
      items: ExchangeSummary[];
      /** Present when more items follow. */
      nextCursor?: string;
      /** Number of exchanges matching the filter. */
      total: number;
    };
  };
  /**
   * Every held exchange's summary (or the newest `limit`), oldest first, in
   * compact column-wise blocks (decode with decodeSummarySnapshot from
   * shared/exchange-columns). For loading a whole traffic list at once:
   * exchanges.list pages cost one call and ~400 bytes of JSON per exchange.
   */
  'exchanges.snapshot': { params: { limit?: number }; result: SummarySnapshot };
  /** Full record with bodies decoded for display (decode: false skips decoding). */
  'exchanges.get': { params: { id: string; decode?: boolean }; result: ExchangeDetail };
  'exchanges.diff': { params: { a: string; b: string }; result: ExchangeDiff };

  'recording.get': { params: NoParams; result: RecordingState };
  'recording.pause': { params: NoParams; result: RecordingState };
  'recording.resume': { params: NoParams; result: RecordingState };
  'recording.clear': { params: NoParams; result: RecordingState };

  'ca.status': { params: NoParams; result: CaStatus };
  'ca.trust': { params: NoParams; result: CaStatus };
  'ca.untrust': { params: NoParams; result: CaStatus };

  'settings.get': { params: NoParams; result: Settings };
  /** Merges the given top-level settings into the config file; returns the new settings. */
  'settings.set': { params: { settings: Partial<Settings> }; result: Settings };

  replay: { params: ReplayParams; result: ReplayResult };

  'har.export': { params: HarExportParams; result: { har: Har } };
  'har.import': { params: HarImportParams; result: HarImportResult };

  'curl.generate': { params: CodeGenParams; result: CodeGenResult };
  'fetch.generate': { params: CodeGenParams; result: CodeGenResult };
}

export type ApiMethod = keyof GatehouseApi;
export type ApiParams<M extends ApiMethod> = GatehouseApi[M]['params'];
export type ApiReturn<M extends ApiMethod> = GatehouseApi[M]['result'];

/**
 * A result the engine already holds as JSON text (exchanges.snapshot splices cached
 * blocks): the HTTP transport sends the text as it is, the IPC transport parses it.
 * Clients never see this wrapper, only the value the text encodes.
 */
export interface EncodedResult<T> {
  readonly encodedJson: string;
  /** Type only: what the text decodes to. */
  readonly decodesTo?: T;
}

/** Methods whose handler may answer with an EncodedResult. */
type EncodableMethod = 'exchanges.snapshot';

/** What a handler may return: the result, or for an encodable method its JSON text. */
export type HandlerReturn<M extends ApiMethod> = M extends EncodableMethod ? ApiReturn<M> | EncodedResult<ApiReturn<M>> : ApiReturn<M>;

/** The engine implements this once; a missing or mistyped handler is a compile error. */
export type ApiHandlers = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<HandlerReturn<M>> };

/** Every call's answer on the wire. */
export type ApiResult<T> = { ok: true; result: T } | { ok: false; error: ApiError };

export interface ApiError extends CodedError {
  /** HTTP status that fits the error (the HTTP transport also uses it as the response status). */
  status?: number;
  /**
   * A refused config edit (CONFIG_INVALID): each problem with its field (a JSON pointer) and,
   * for some, a `detail` to word it by; `message` has them all worded for the config file.
   */
  issues?: ConfigIssue[];
}

/** Error codes the API itself produces (handlers may also pass through engine codes). */
export const API_ERROR = {
  badRequest: 'bad-request',
  unknownMethod: 'unknown-method',
  notFound: 'not-found',
  notAvailable: 'not-available',
  conflict: 'conflict',
  tooLarge: 'too-large',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  internal: 'internal',
} as const;

// ---------------------------------------------------------------- events

export interface GatehouseEvents {
  /** New exchanges (batched). */
  'exchange.started': ExchangeSummary[];
  /** Exchanges that progressed (response head, WebSocket messages), batched; latest state per id. */
  'exchange.updated': ExchangeSummary[];
  /** Exchanges that ended, batched. */
  'exchange.finished': ExchangeSummary[];
  /** Exchanges dropped from memory (ring buffer bound, or clear with all: true). */
  'exchange.removed': { ids: string[]; all?: boolean };
  'routes.changed': RouteView[];
  'recording.state': RecordingState;
  'ca.state': CaStatus;
  /** The config file on disk is invalid; the last good config stays in effect. */
  'config.error': { path?: string; error: CodedError };
}

export type ApiEvent = keyof GatehouseEvents;

/** One WebSocket text frame / one IPC event message. */
export type EventMessage = { [E in ApiEvent]: { event: E; payload: GatehouseEvents[E] } }[ApiEvent];

/** The one client interface the renderer (and CLI) programs against; the transport is hidden. */
export interface ApiClient {
  /** Resolves with the result; rejects with an Error carrying `code` (and `status`). */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiReturn<M>>;
  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends ApiEvent>(event: E, listener: (payload: GatehouseEvents[E]) => void): () => void;
}

// Runtime lists (for transports that validate names). The Record type makes them exhaustive.
const METHODS: { [M in ApiMethod]: true } = {
  'instance.info': true,
  'routes.list': true,
  'routes.add': true,
  'routes.update': true,
  'routes.remove': true,
  'routes.toggle': true,
  'routes.status': true,
  'cache.purge': true,
  'exchanges.list': true,
  'exchanges.snapshot': true,
  'exchanges.get': true,
  'exchanges.diff': true,
  'recording.get': true,
  'recording.pause': true,
  'recording.resume': true,
  'recording.clear': true,
  'ca.status': true,
  'ca.trust': true,
  'ca.untrust': true,
  'settings.get': true,
  'settings.set': true,
  replay: true,
  'har.export': true,
  'har.import': true,
  'curl.generate': true,
  'fetch.generate': true,
};
export const API_METHODS = Object.keys(METHODS) as readonly ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}

const EVENTS: { [E in ApiEvent]: true } = {
  'exchange.started': true,
  'exchange.updated': true,
  'exchange.finished': true,
  'exchange.removed': true,
  'routes.changed': true,
  'recording.state': true,
  'ca.state': true,
  'config.error': true,
};
export const API_EVENTS = Object.keys(EVENTS) as readonly ApiEvent[];

/** HTTP paths of the control server. */
export const CONTROL_PATHS = {
  /** POST CONTROL_PATHS.api + method */
  api: '/api/',
  events: '/api/events',
} as const;

/** Re-exported for convenience of UI code. */
export type { Exchange, ExchangeSummary };
