import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type * as http2 from 'node:http2';
import * as net from 'node:net';
import type * as stream from 'node:stream';
import {
  DEFAULT_HTTP_PORT,
  DEFAULT_LISTEN,
  DEFAULT_RECORDING,
  FALLBACK_HTTP_PORT,
  type GatehouseConfig,
} from '../../shared/config';
import type { RawHeaders, TlsInfo } from '../../shared/http-types';
import { AddressMatcher, normalizeClientAddress } from './address-matcher';
import { Balancer } from './balancer';
import { sendPage, sendRawPage, writeHead, type AnyResponse } from './client-response';
import { renderErrorPage, renderRedirect, type ErrorInfo, type RouteSummary } from './error-pages';
import type { ExchangeObserver, ExchangeStart } from './exchange-observer';
import { forwardRequestHeaders } from './forwarded-headers';
import { HttpExchange, wantsJson, type CacheContext, type RouteRuntime } from './forwarder';
import { readIncoming, type AnyRequest, type IncomingHead } from './incoming-request';
import { listenWithFallback } from './listen';
import { misdirectedRequest } from './misdirected';
import { consoleLogger, type Logger } from './logger';
import { normalizeHost, RouteTable, shouldVerifyTls, upstreamPath, type CompiledRoute } from './route-table';
import { compileHealthCheck, HealthChecker, type ActiveCheckState } from './features/health-checker';
import { RateLimiter } from './features/rate-limiter';
import { editResponseHeaders } from './features/route-features';
import { serveStatic } from './features/static-files';
import { bypassesCache, cachedHeaders, headerObject, ResponseCache, type CacheEntry } from './features/response-cache';
import { NOOP_TAP, openTap, type Tap } from './safe-tap';
import type { Target } from './target';
import { resolveTimeouts, type Timeouts } from './timeouts';
import { UpgradeTracker } from './upgrade-tracker';
import { UpstreamRegistry } from './upstream-pools';
import { isWebSocketUpgrade, upgradeProtocol, UpgradeExchange } from './websocket-proxy';

/** A Host the 404 page may suggest `gatehouse route add` for: letters, digits and "-" in dot-separated labels. */
const SUGGESTABLE_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ConnectionContext {
  scheme: 'http' | 'https';
  tls?: TlsInfo;
}

export interface EngineOptions {
  /** Already validated by main/config. */
  config: GatehouseConfig;
  /** Overrides config.httpPort; default 80, falling back to 8080; 0 = ephemeral. */
  httpPort?: number;
  /** Overrides config.listen; default ["127.0.0.1", "::1"]. */
  listen?: string[];
  /**
   * Port used when the HTTP port is privileged or taken. Default: FALLBACK_HTTP_PORT
   * (8080) when no port was chosen (neither httpPort nor config.httpPort), else none —
   * a chosen port that cannot be bound is an error.
   */
  fallbackHttpPort?: number;
  observer?: ExchangeObserver;
  logger?: Logger;
  /** Directory that relative `file:` targets are resolved against (the config file's folder); default: the current directory. */
  baseDir?: string;
}

export interface ResolvedTarget {
  route: CompiledRoute;
  target: Target;
  upstreamPath: string;
}

export interface RouteStatus {
  routeId: string;
  enabled: boolean;
  /**
   * up: not marked down (the balancer may use it); answered: it has answered a request at least
   * once; failing: its last request or health check failed (stays so after `up` wears off).
   */
  targets: Array<{ url: string; up: boolean; answered: boolean; failing: boolean; lastError?: string; check?: ActiveCheckState }>;
  /** Present (true) when the route has targets and every one of them is down (passively or by its health check). */
  allDown?: true;
  /** The route's health check path, when it has one. */
  healthCheck?: string;
  /** The directory a file: route serves. */
  staticRoot?: string;
}

/** Everything derived from one config: swapped atomically by applyConfig. */
interface Snapshot {
  readonly table: RouteTable;
  readonly runtimes: ReadonlyMap<CompiledRoute, RouteRuntime>;
  readonly trusted: AddressMatcher;
  readonly timeouts: Timeouts;
  readonly summaries: readonly RouteSummary[];
  readonly upstreamKeys: ReadonlySet<string>;
  readonly wsCaptureBytes: number;
  readonly checkers: readonly HealthChecker[];
}

type ClientError = NodeJS.ErrnoException & { reason?: string };

/**
 * The proxy engine: plain Node, no Electron. Owns the HTTP listeners, the route
 * table snapshot, the upstream pools and the live WebSocket tunnels; the HTTPS
 * listener (main/tls) feeds its requests into handleRequest/handleUpgrade.
 */
export class Engine {
  /** Random id of this instance, carried in X-Gatehouse-Hop to detect loops. */
  readonly instanceId = randomBytes(6).toString('hex');
  private snapshot: Snapshot;
  private observer: ExchangeObserver | undefined;
  private httpsPort: number | undefined;
  private boundHttpPort = 0;
  private servers: http.Server[] = [];
  private readonly registry = new UpstreamRegistry();
  private readonly upgrades = new UpgradeTracker();
  private readonly logger: Logger;
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  private stopping: Promise<void> | undefined;
  private ownPorts = new Set<number>();
  private listenHosts = new Set<string>();
  private loopbackListen = false;
  private wildcardListen = false;
  /** Every client connection of the HTTP listeners (upgraded ones included), to destroy on stop. */
  private readonly sockets = new Set<net.Socket>();
  /** HTTP/1.x connections answered with a malformed-request error: nothing more is read from them. */
  private readonly closing = new WeakSet<object>();

  private readonly baseDir: string | undefined;
  /** The shared response cache of every route with cache: true (emptied when the config changes). */
  private readonly cache = new ResponseCache();

  private constructor(config: GatehouseConfig, observer: ExchangeObserver | undefined, logger: Logger, baseDir?: string) {
    this.logger = logger;
    this.observer = observer;
    this.baseDir = baseDir;
    this.snapshot = this.buildSnapshot(config);
  }

  static async start(opts: EngineOptions): Promise<Engine> {
    const engine = new Engine(opts.config, opts.observer, opts.logger ?? consoleLogger, opts.baseDir);
    const hosts = opts.listen ?? opts.config.listen ?? [...DEFAULT_LISTEN];
    const chosen = opts.httpPort ?? opts.config.httpPort;
    const port = chosen ?? DEFAULT_HTTP_PORT;
    const fallbackPort = opts.fallbackHttpPort ?? (chosen === undefined ? FALLBACK_HTTP_PORT : undefined);
    try {
      const result = await listenWithFallback({
        createServer: () => engine.createHttpServer(),
        hosts,
        port,
        ...(fallbackPort !== undefined ? { fallbackPort } : {}),
        label: 'HTTP',
        flag: '--http-port',
        logger: engine.logger,
      });
      engine.servers = result.servers as http.Server[];
      engine.boundHttpPort = result.port;
      engine.setListenAddresses(hosts);
      for (const c of engine.snapshot.checkers) c.start();
      engine.logger.info(`HTTP listening on ${result.addresses.join(', ')}`);
    } catch (err) {
      await engine.registry.destroyAll();
      throw err;
    }
    return engine;
  }

  /** The HTTP port actually bound. */
  get httpPort(): number {
    return this.boundHttpPort;
  }

  private setListenAddresses(hosts: readonly string[]): void {
    this.listenHosts = new Set(hosts.map((h) => h.toLowerCase()));
    this.wildcardListen = this.listenHosts.has('0.0.0.0') || this.listenHosts.has('::');
    this.loopbackListen = hosts.some((h) => h === '::1' || h.startsWith('127.') || h === 'localhost');
    this.ownPorts = new Set([this.boundHttpPort, ...(this.httpsPort !== undefined ? [this.httpsPort] : [])]);
  }

  private buildSnapshot(config: GatehouseConfig): Snapshot {
    // Everything that can throw on bad input runs before any pool is created.
    const table = RouteTable.compile(config.routes, this.baseDir);
    const trusted = AddressMatcher.compile(config.trustedProxies);
    const timeouts = resolveTimeouts(config.timeouts);
    const settings = { connectTimeoutMs: timeouts.upstreamConnect };
    const runtimes = new Map<CompiledRoute, RouteRuntime>();
    const upstreamKeys = new Set<string>();
    const checkers: HealthChecker[] = [];
    for (const route of table.routes) {
      const upstreams = route.targets.map((t) => {
        const u = this.registry.acquire(t, shouldVerifyTls(route, t), settings);
        upstreamKeys.add(u.key);
        return u;
      });
      const balancer = new Balancer(
        route.balance,
        upstreams.map((u, i) => ({ health: u.health, weight: route.targets[i]!.weight })),
      );
      const limiter = route.config.rateLimit ? new RateLimiter(route.config.rateLimit) : undefined;
      const check = route.enabled && upstreams.length > 0 ? compileHealthCheck(route.config.healthCheck) : undefined;
      const checker = check ? new HealthChecker(route.id, check, upstreams, this.logger) : undefined;
      if (checker) checkers.push(checker);
      runtimes.set(route, { route, upstreams, balancer, limiter, checker });
    }
    const summaries = table.routes.map((r) => ({ id: r.id, targets: r.targets.map((t) => t.url), enabled: r.enabled }));
    return {
      table,
      runtimes,
      trusted,
      timeouts,
      summaries,
      upstreamKeys,
      wsCaptureBytes: config.recording?.bodyCap ?? DEFAULT_RECORDING.bodyCap,
      checkers,
    };
  }

  /**
   * Swaps in a new config atomically. In-flight requests finish on the routes
   * they started with; pools of unchanged targets are kept; WebSocket tunnels of
   * routes that are now disabled or gone are closed. Throws (and changes nothing)
   * when the config cannot be compiled.
   */
  applyConfig(config: GatehouseConfig): void {
    const next = this.buildSnapshot(config);
    const previous = this.snapshot;
    this.snapshot = next;
    for (const c of previous.checkers) c.stop();
    this.cache.purge();
    if (!this.stopping) for (const c of next.checkers) c.start();
    this.registry.retain(next.upstreamKeys);
    const closed = this.upgrades.closeUnless((id) => next.table.get(id)?.enabled === true);
    if (closed > 0) this.logger.info(`closed ${closed} WebSocket connection(s) of disabled or removed routes`);
    for (const server of this.servers) this.applyServerTimeouts(server, next.timeouts);
  }

  /**
   * Opens the recorder's guarded tap for an exchange the engine does not forward itself
   * (HTTP/2 extended-CONNECT WebSockets in main/tls). A no-op tap when nothing records or
   * the route has `record: false`; call finish() exactly once.
   */
  beginExchange(start: ExchangeStart, route?: { record?: boolean }): Tap {
    if (!this.observer || route?.record === false) return NOOP_TAP;
    return openTap(this.observer, start, this.logger);
  }

  /** How many payload bytes of each WebSocket message the recorder keeps (recording.bodyCap). */
  get wsCaptureBytes(): number {
    return this.snapshot.wsCaptureBytes;
  }

  setObserver(observer: ExchangeObserver | undefined): void {
    this.observer = observer;
  }

  /** When set, plain-HTTP requests to routes served over HTTPS are redirected (308) to this port. */
  setHttpsPort(port: number | undefined): void {
    this.httpsPort = port;
    this.ownPorts = new Set([this.boundHttpPort, ...(port !== undefined ? [port] : [])]);
  }

  // ---- listeners -------------------------------------------------------------

  private applyServerTimeouts(server: http.Server, t: Timeouts): void {
    server.headersTimeout = t.requestHeaders;
    server.requestTimeout = 0;
    server.keepAliveTimeout = t.keepAlive;
  }

  private createHttpServer(): http.Server {
    const t = this.snapshot.timeouts;
    const server = http.createServer({
      requestTimeout: 0,
      headersTimeout: t.requestHeaders,
      keepAliveTimeout: t.keepAlive,
      // How often Node checks the headers timeout; its default (30 s) would make short timeouts meaningless.
      // Fixed for the server's life, so at most 1 s: a requestHeaders shortened later while it runs
      // (a config edit) still cuts slow clients off about on time.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor((t.requestHeaders || 30_000) / 4))),
      // Checked by readIncoming instead, so the 400 also stops pipelined requests behind it.
      requireHostHeader: false,
      insecureHTTPParser: false,
      joinDuplicateHeaders: false,
    });
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.handleRequest(req, res, { scheme: 'http' }));
    server.on('upgrade', (req: http.IncomingMessage, socket: stream.Duplex, head: Buffer) =>
      this.handleUpgrade(req, socket, head, { scheme: 'http' }),
    );
    server.on('clientError', (err: ClientError, socket: stream.Duplex) => this.handleClientError(err, socket));
    server.on('connect', (_req: http.IncomingMessage, socket: stream.Duplex) => {
      socket.on('error', () => {});
      sendRawPage(
        socket,
        renderErrorPage(
          { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Gatehouse is a reverse proxy, not a forward proxy: CONNECT is not supported' },
          { json: false, close: true },
        ),
      );
    });
    return server;
  }

  /** Malformed requests (llhttp rejected them): 400, or 431 for oversized headers, and the connection closes. */
  private handleClientError(err: ClientError, socket: stream.Duplex): void {
    socket.on('error', () => {});
    const busy = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || busy?.headersSent) {
      socket.destroy();
      return;
    }
    let error: ErrorInfo;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      error = { status: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' };
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      error = { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request head did not arrive in time' };
    } else {
      error = { status: 400, code: 'BAD_REQUEST', message: `malformed request: ${err.reason ?? err.message}` };
    }
    sendRawPage(socket, renderErrorPage(error, { json: false, close: true }));
  }

  // ---- requests --------------------------------------------------------------

  private exchangeStart(head: IncomingHead, ctx: ConnectionContext, startedAt: number, route: CompiledRoute | undefined, websocket: boolean): ExchangeStart {
    const start: ExchangeStart = {
      startedAt,
      clientAddress: head.clientAddress,
      clientPort: head.clientPort,
      httpVersion: head.httpVersion,
      scheme: ctx.scheme,
      method: head.method,
      host: head.host,
      url: head.url,
      requestHeaders: head.rawHeaders,
    };
    if (ctx.tls) start.tls = ctx.tls;
    if (route) start.routeId = route.id;
    if (websocket) start.websocket = true;
    return start;
  }

  private openTap(head: IncomingHead, ctx: ConnectionContext, startedAt: number, route: CompiledRoute | undefined, websocket: boolean): Tap {
    if (!this.observer || route?.record === false) return NOOP_TAP;
    return openTap(this.observer, this.exchangeStart(head, ctx, startedAt, route, websocket), this.logger);
  }

  private readonly exchangeDone = (): void => {
    this.inflight--;
    if (this.inflight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  /** A 404 that lists the routes, or says the matching route is disabled. */
  private noRouteError(snap: Snapshot, head: IncomingHead): ErrorInfo {
    const disabled = snap.table.matchIncludingDisabled(head.host, head.url);
    if (disabled) {
      return {
        status: 404,
        code: 'ROUTE_DISABLED',
        message: `route ${disabled.id} is disabled — enable it in the Gatehouse window or with \`gatehouse route enable ${disabled.id}\``,
      };
    }
    const host = normalizeHost(head.host);
    if (host === '') {
      return { status: 404, code: 'NO_ROUTE', message: 'the request has no Host header, so no route can match it — send one naming a configured host (e.g. `Host: app.test`)' };
    }
    const where = `${host}${head.url === '/' ? '' : head.url.split('?')[0]}`;
    if (!SUGGESTABLE_HOST.test(host)) {
      return { status: 404, code: 'NO_ROUTE', message: `no route for ${where} — "${host}" is not a host name a route can have` };
    }
    return { status: 404, code: 'NO_ROUTE', message: `no route for ${where} — add one with \`gatehouse route add ${host} http://127.0.0.1:3000\`` };
  }

  private redirectLocation(head: IncomingHead): string {
    const host = normalizeHost(head.host);
    const hostPart = net.isIPv6(host) ? `[${host}]` : host;
    return `https://${hostPart}${this.httpsPort === 443 ? '' : `:${this.httpsPort}`}${head.url}`;
  }

  handleRequest(
    req: AnyRequest,
    res: AnyResponse,
    ctx: ConnectionContext,
  ): void {
    const startedAt = Date.now();
    const snap = this.snapshot;
    let tap: Tap = NOOP_TAP;
    // A request pipelined behind a rejected one is never forwarded; the connection is closing.
    if (this.closing.has(req.socket)) return;
    this.inflight++;
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      this.exchangeDone();
    };
    try {
      const incoming = readIncoming(req);
      const head = incoming.head;
      const route = incoming.ok ? snap.table.match(head.host, head.url) : undefined;
      tap = this.openTap(head, ctx, startedAt, route, false);
      const local = (error: ErrorInfo, routes?: readonly RouteSummary[]) => {
        const close = !incoming.ok && head.httpVersion !== '2';
        if (close) this.closing.add(req.socket);
        const linkOrigin = { scheme: ctx.scheme, host: head.host };
        sendPage(res, renderErrorPage(error, { json: wantsJson(head), routes, close, linkOrigin }), tap);
        tap.finish(error);
        done();
      };
      if (!incoming.ok) return local(incoming.error);
      if (ctx.tls !== undefined) {
        const misdirected = misdirectedRequest(head.host, ctx.tls.sni, route);
        if (misdirected) return local(misdirected);
      }
      if (!route) return local(this.noRouteError(snap, head), snap.summaries);
      if (ctx.scheme === 'http' && this.httpsPort !== undefined && route.redirectToHttps) {
        sendPage(res, renderRedirect(this.redirectLocation(head)), tap);
        tap.finish();
        done();
        return;
      }
      const runtime = snap.runtimes.get(route)!;
      if (runtime.limiter) {
        const decision = runtime.limiter.take(head.clientAddress, Date.now());
        if (!decision.allowed) {
          const error = {
            status: 429,
            code: 'RATE_LIMITED',
            message: `route ${route.id} allows ${runtime.limiter.rate} request(s) a second (burst ${runtime.limiter.burst})${runtime.limiter.perRoute ? '' : ' per client'}; retry in ${decision.retryAfter} s`,
          };
          const page = renderErrorPage(error, { json: wantsJson(head) });
          sendPage(res, { ...page, headers: [...page.headers, ['Retry-After', String(decision.retryAfter)]] }, tap);
          tap.note(`rate limit: 429, retry after ${decision.retryAfter} s`);
          tap.finish(error);
          done();
          return;
        }
      }
      const latencyMs = route.features?.network?.latencyMs ?? 0;
      if (latencyMs > 0) {
        tap.note(`latency: +${latencyMs} ms`);
        const timer = setTimeout(() => {
          res.off('close', gone);
          this.dispatch(req, res, ctx, snap, route, head, tap, done);
        }, latencyMs);
        const gone = () => {
          clearTimeout(timer);
          tap.finish({ code: 'CLIENT_ABORTED', message: 'the client closed the connection during the added latency' });
          done();
        };
        res.once('close', gone);
        return;
      }
      this.dispatch(req, res, ctx, snap, route, head, tap, done);
    } catch (err) {
      this.logger.error(`internal error while handling ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      const error = { status: 500, code: 'INTERNAL_ERROR', message: `Gatehouse failed on this request: ${(err as Error).message}` };
      if (!sendPage(res, renderErrorPage(error, { json: false }), tap)) res.destroy();
      tap.finish(error);
      done();
    }
  }

  /** Serves a matched, allowed request: static files or the forwarder. */
  private dispatch(
    req: AnyRequest,
    res: AnyResponse,
    ctx: ConnectionContext,
    snap: Snapshot,
    route: CompiledRoute,
    head: IncomingHead,
    tap: Tap,
    done: () => void,
  ): void {
    try {
      const runtime = snap.runtimes.get(route)!;
      let cache: CacheContext | undefined;
      if (route.config.cache === true && route.staticRoot === undefined && (head.method === 'GET' || head.method === 'HEAD')) {
        const headers = headerObject(head.rawHeaders);
        if (bypassesCache(headers)) {
          tap.note('cache: BYPASS (conditional or range request)');
        } else {
          const key = ResponseCache.key(route.id, head.host, head.url);
          const cacheReq = { method: head.method, url: head.url, headers };
          const serve = (entry: CacheEntry, indicator: string) => this.sendCached(res, entry, indicator, head, ctx, route, tap);
          const found = this.cache.lookup(key, cacheReq);
          if (found?.fresh) {
            serve(found.entry, 'HIT');
            tap.note('cache: HIT');
            res.end();
            tap.finish();
            done();
            return;
          }
          cache = { cache: this.cache, key, req: cacheReq, stale: found?.entry, serve };
        }
      }
      if (route.staticRoot !== undefined) {
        this.serveStatic(route, head, ctx, res, tap).then(done, (err: Error) => {
          this.logger.error(`static route ${route.id} failed on ${head.url}: ${err.stack ?? err}`);
          res.destroy();
          tap.finish({ code: 'INTERNAL_ERROR', message: err.message });
          done();
        });
        return;
      }
      new HttpExchange(req, res, {
        cache,
        runtime,
        head,
        scheme: ctx.scheme,
        trusted: snap.trusted.has(head.clientAddress),
        hopId: this.instanceId,
        timeouts: snap.timeouts,
        tap,
        isOwnAddress: this.isOwnAddress,
        onDone: done,
      }).start();
    } catch (err) {
      this.logger.error(`internal error while handling ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      const error = { status: 500, code: 'INTERNAL_ERROR', message: `Gatehouse failed on this request: ${(err as Error).message}` };
      if (!sendPage(res, renderErrorPage(error, { json: false }), tap)) res.destroy();
      tap.finish(error);
      done();
    }
  }

  /** Writes a cached response's head and body (not end()); header rules and the security preset still apply. */
  private sendCached(res: AnyResponse, entry: CacheEntry, indicator: string, head: IncomingHead, ctx: ConnectionContext, route: CompiledRoute, tap: Tap): void {
    let headers = cachedHeaders(entry, indicator);
    const features = route.features;
    if (features?.editsResponse) {
      headers = editResponseHeaders(features, headers, { remoteAddr: head.clientAddress, host: head.host, scheme: ctx.scheme, route: route.id }, tap);
    }
    writeHead(res, entry.status, undefined, headers);
    tap.clientResponse(entry.status, headers);
    if (head.method !== 'HEAD' && entry.body.length > 0) {
      tap.responseBody(entry.body);
      (res as { write(chunk: Buffer): boolean }).write(entry.body);
    }
  }

  /** Empties the response cache (of one route when given); returns how many entries were dropped. */
  purgeCache(routeId?: string): number {
    return this.cache.purge(routeId);
  }

  /** A `file:` route: the file under its root, with the route's response header edits. */
  private serveStatic(route: CompiledRoute, head: IncomingHead, ctx: ConnectionContext, res: AnyResponse, tap: Tap): Promise<void> {
    const headers = new Map<string, string>();
    for (const [name, value] of head.rawHeaders) {
      const lower = name.toLowerCase();
      if (!headers.has(lower)) headers.set(lower, value);
    }
    const features = route.features;
    const values = { remoteAddr: head.clientAddress, host: head.host, scheme: ctx.scheme, route: route.id };
    tap.target(`file:${route.staticRoot}`);
    // Drain a body nobody reads (a POST to a static route), so the connection stays usable.
    if (head.hasBody) (res.req as NodeJS.ReadableStream | undefined)?.resume();
    return serveStatic(
      { method: head.method, path: upstreamPath(route, { basePath: '' }, head.url), clientUrl: head.url, headers, json: wantsJson(head) },
      res,
      tap,
      {
        root: route.staticRoot!,
        spa: route.spa,
        editHeaders: features?.editsResponse ? (h) => editResponseHeaders(features, h, values, tap) : undefined,
      },
    );
  }

  handleUpgrade(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, ctx: ConnectionContext): void {
    const startedAt = Date.now();
    const snap = this.snapshot;
    let tap: Tap = NOOP_TAP;
    socket.on('error', () => {});
    try {
      const incoming = readIncoming(req);
      const h = incoming.head;
      const route = incoming.ok ? snap.table.match(h.host, h.url) : undefined;
      const websocket = isWebSocketUpgrade(h);
      tap = this.openTap(h, ctx, startedAt, route, websocket);
      const local = (error: ErrorInfo) => {
        sendRawPage(socket, renderErrorPage(error, { json: wantsJson(h), close: true }), tap);
        tap.finish(error);
      };
      if (!incoming.ok) return local(incoming.error);
      if (ctx.tls !== undefined) {
        const misdirected = misdirectedRequest(h.host, ctx.tls.sni, route);
        if (misdirected) return local(misdirected);
      }
      if (!route) return local(this.noRouteError(snap, h));
      if (!websocket && h.hasBody) {
        return local({ status: 400, code: 'BAD_REQUEST', message: `Upgrade: ${upgradeProtocol(h)} with a request body is not supported; send the request without Upgrade` });
      }
      new UpgradeExchange(socket, head, {
        runtime: snap.runtimes.get(route)!,
        head: h,
        scheme: ctx.scheme,
        trusted: snap.trusted.has(h.clientAddress),
        hopId: this.instanceId,
        timeouts: snap.timeouts,
        tap,
        wsCaptureBytes: snap.wsCaptureBytes,
        isOwnAddress: this.isOwnAddress,
        track: (d) => this.upgrades.track(route.id, d),
        onDone: () => {},
      }).start();
    } catch (err) {
      this.logger.error(`internal error while handling an upgrade of ${req.url}: ${(err as Error).stack ?? err}`);
      tap.finish({ code: 'INTERNAL_ERROR', message: (err as Error).message });
      socket.destroy();
    }
  }

  /** True when a target is this proxy's own listener (a route pointing at Gatehouse itself). */
  private readonly isOwnAddress = (target: Target): boolean => {
    if (target.socketPath || !this.ownPorts.has(target.port)) return false;
    const host = target.hostname.toLowerCase();
    return this.listenHosts.has(host) || this.wildcardListen || (target.loopback && this.loopbackListen);
  };

  /**
   * Route and target for a request, without forwarding it: for the HTTP/2
   * extended-CONNECT WebSocket path in main/tls. Picks a target with the route's
   * balancer (so call it once per connection attempt).
   */
  resolve(host: string, path: string, clientAddress: string): ResolvedTarget | undefined {
    const snap = this.snapshot;
    const route = snap.table.match(host, path);
    if (!route) return undefined;
    const runtime = snap.runtimes.get(route)!;
    const index = runtime.balancer.pick(normalizeClientAddress(clientAddress));
    if (index < 0) return undefined;
    const target = runtime.upstreams[index]!.target;
    return { route, target, upstreamPath: upstreamPath(route, target, path) };
  }

  /**
   * The headers to send upstream for a request the caller forwards itself (the
   * HTTP/2 WebSocket path): hop-by-hop removed, X-Forwarded-*, Forwarded, Via and
   * the loop marker set, Host per the route. `upgrade` keeps Connection/Upgrade.
   * Returns undefined when the request looped back through this proxy.
   */
  upstreamHeaders(
    rawHeaders: RawHeaders,
    opts: { host: string; clientAddress: string; scheme: 'http' | 'https'; httpVersion: '1.0' | '1.1' | '2'; route: CompiledRoute; target: Target; upgrade?: string },
  ): RawHeaders | undefined {
    const clientAddress = normalizeClientAddress(opts.clientAddress);
    const { headers, loop } = forwardRequestHeaders(rawHeaders, {
      clientAddress,
      trusted: this.snapshot.trusted.has(clientAddress),
      scheme: opts.scheme,
      host: opts.host,
      httpVersion: opts.httpVersion,
      hostOverride: opts.route.preserveHost ? undefined : opts.target.hostHeader,
      hopId: this.instanceId,
      ...(opts.upgrade !== undefined ? { upgrade: opts.upgrade } : {}),
    });
    return loop ? undefined : headers;
  }

  /** Registers an upgraded connection so that disabling or removing its route closes it. */
  trackUpgrade(routeId: string, socket: { destroy(): void }): void {
    this.upgrades.track(routeId, socket);
  }

  routeStatus(): RouteStatus[] {
    const now = Date.now();
    const snap = this.snapshot;
    return snap.table.routes.map((route) => {
      const runtime = snap.runtimes.get(route)!;
      const targets = runtime.upstreams.map((u, i) => {
        const t: RouteStatus['targets'][number] = { url: u.target.url, up: u.health.isUp(now), answered: u.health.answered, failing: u.health.failing };
        if (u.health.lastError !== undefined) t.lastError = u.health.lastError;
        if (runtime.checker) t.check = { ...runtime.checker.states[i]! };
        return t;
      });
      const status: RouteStatus = {
        routeId: route.id,
        enabled: route.enabled,
        targets,
      };
      if (targets.length > 0 && targets.every((t) => !t.up)) status.allDown = true;
      if (route.config.healthCheck) status.healthCheck = route.config.healthCheck.path;
      if (route.staticRoot !== undefined) status.staticRoot = route.staticRoot;
      return status;
    });
  }

  /** The current config's timeouts in ms (for listeners outside the engine, e.g. HTTPS). */
  get timeouts(): Timeouts {
    return this.snapshot.timeouts;
  }

  /** Requests currently being forwarded (HTTP and HTTPS; WebSocket tunnels not counted). */
  get inflightRequests(): number {
    return this.inflight;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish for up to
   * `graceMs`, then destroys whatever is left and closes every pool.
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= this.doStop(graceMs);
    return this.stopping;
  }

  private async doStop(graceMs: number): Promise<void> {
    for (const c of this.snapshot.checkers) c.stop();
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.servers) s.closeIdleConnections();
    this.upgrades.closeAll();
    if (this.inflight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const s of this.servers) s.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await this.registry.destroyAll();
    await Promise.all(closed);
  }
}
