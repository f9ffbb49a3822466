import type { Http2ServerResponse } from 'node:http2';
import type { Dispatcher } from 'undici';
import type { RawHeaders } from '../../shared/http-types';
import type { Balancer } from './balancer';
import type { HealthChecker } from './features/health-checker';
import type { RateLimiter } from './features/rate-limiter';
import { headersOnWire, isHttp2Response, resetWhenComplete, sendPage, writeHead, type AnyResponse } from './client-response';
import { EngineError } from './engine-error';
import { prefersJson, renderErrorPage, type ErrorInfo } from './error-pages';
import { applyHeaderOps, type PlaceholderValues } from './features/header-rules';
import { chooseEncoding, compressedHeaders, compressible, ResponseCompressor, withVaryAcceptEncoding } from './features/compression';
import { editResponseHeaders } from './features/route-features';
import { BandwidthPacer } from './features/throttle';
import { CachePolicy, headerObject, type CacheEntry, type CacheRequest, type ResponseCache } from './features/response-cache';
import { forwardRequestHeaders, forwardResponseHeaders } from './forwarded-headers';
import { flatFromPairs, type AnyRequest, type IncomingHead } from './incoming-request';
import { H2Response } from './h2-stream';
import { BodySource } from './request-body';
import { hostOverride, upstreamPath, type CompiledRoute } from './route-table';
import type { Tap } from './safe-tap';
import type { Target } from './target';
import type { Timeouts } from './timeouts';
import { classifyUpstreamError, type ProxyFailure } from './upstream-errors';
import type { Upstream } from './upstream-pools';
import { claimNextUpstreamSocket, wireRequestHead, type WireRequest } from './upstream-socket-events';

/** A route with its upstreams and balancer, as one snapshot of the config holds it. */
export interface RouteRuntime {
  readonly route: CompiledRoute;
  readonly upstreams: readonly Upstream[];
  readonly balancer: Balancer;
  /** The route's token buckets; undefined when the route has no rateLimit. */
  readonly limiter?: RateLimiter | undefined;
  /** Active health checks of the route's targets; undefined without healthCheck. */
  readonly checker?: HealthChecker | undefined;
}

/** A cacheable request on a caching route: where to store the response, and a stale entry to revalidate. */
export interface CacheContext {
  readonly cache: ResponseCache;
  readonly key: string;
  readonly req: CacheRequest;
  readonly stale?: CacheEntry | undefined;
  /** Writes a cached response (the engine's, shared with fresh hits). */
  serve(entry: CacheEntry, indicator: string): void;
}

export interface ForwardContext {
  readonly cache?: CacheContext | undefined;
  readonly runtime: RouteRuntime;
  readonly head: IncomingHead;
  readonly scheme: 'http' | 'https';
  readonly trusted: boolean;
  readonly hopId: string;
  readonly timeouts: Timeouts;
  readonly tap: Tap;
  /** True when the target is this proxy's own listener (a direct loop). */
  isOwnAddress(target: Target): boolean;
  /** Called exactly once when the exchange is over. */
  onDone(): void;
}

/** Methods that may be sent again after a failure (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

function pairsFromBuffers(raw: Buffer[] | string[] | null): RawHeaders {
  if (!raw) return [];
  const out: RawHeaders = new Array(raw.length >> 1);
  for (let i = 0, j = 0; i < raw.length; i += 2, j++) out[j] = [raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')];
  return out;
}

/** HTTP/2 trailers as an object (repeated names become arrays). */
function trailerObject(pairs: RawHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function clientAborted(): EngineError {
  return new EngineError('CLIENT_ABORTED', 'the client closed the connection before the response was complete', 499);
}

/** Joins a route's targets for a message: "127.0.0.1:3001, 127.0.0.1:3002". */
function targetList(upstreams: readonly Upstream[]): string {
  return upstreams.map((u) => u.target.display).join(', ');
}

/**
 * One attempt against one upstream: an undici dispatch handler. Stale callbacks
 * (an attempt that was superseded) are ignored by the exchange.
 */
class Attempt implements Dispatcher.DispatchHandler {
  abortUpstream: ((err?: Error) => void) | undefined;
  reused = false;
  settled = false;
  /** The engine's header set, held until undici reports the wire head (recording only). */
  pendingForward: { method: string; path: string; headers: RawHeaders } | undefined;

  constructor(
    private readonly exchange: HttpExchange,
    readonly index: number,
    readonly upstream: Upstream,
    readonly upstreamPath: string,
    readonly body: BodySource | null,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.exchange.clientGone) {
      abort(clientAborted());
      return;
    }
    claimNextUpstreamSocket(this);
  }

  onUpstreamSocket(reused: boolean, wire: WireRequest): void {
    this.reused = reused;
    const { tap, head } = this.exchange.ctx;
    if (tap.active) {
      // The wire-exact set replaces the engine's own, which is reported only if nothing was written.
      this.pendingForward = undefined;
      tap.forwarded(head.method, this.upstreamPath, wireRequestHead(wire));
    }
    tap.upstreamConnected(reused);
  }

  /** Reports the engine's header set when the attempt failed before undici wrote a head. */
  flushPendingForward(): void {
    const p = this.pendingForward;
    if (!p) return;
    this.pendingForward = undefined;
    this.exchange.ctx.tap.forwarded(p.method, p.path, p.headers);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    return this.exchange.onHeaders(this, statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    return this.exchange.onData(chunk);
  }

  onComplete(trailers: string[] | null): void {
    this.exchange.onComplete(this, trailers as unknown as Buffer[] | null);
  }

  onError(err: Error): void {
    this.flushPendingForward();
    this.exchange.onError(this, err);
  }
}

/**
 * Forwards one HTTP request (HTTP/1.x or HTTP/2 compat) to the route's upstreams:
 * picks a target, streams the body through undici, streams the response back
 * with backpressure, fails over on refused connections, and turns failures into
 * error pages (or a destroyed response once it has started).
 */
export class HttpExchange {
  clientGone = false;
  private readonly tried = new Set<number>();
  private readonly failures: ProxyFailure[] = [];
  private current: Attempt | undefined;
  /** The upstream's response head was accepted (whether or not it reached the client yet). */
  private responseStarted = false;
  /**
   * An HTTP/1 response head held until the first byte goes to the client. Node holds an
   * HTTP/1 head until the first write anyway; holding it here instead means an upstream
   * that dies before that write still gets its 502 rather than an empty reply.
   */
  private heldStatus = 0;
  private heldStatusText = '';
  private heldHeaders: RawHeaders | undefined;
  /** The response is a 204 or 304: it never has a body, whatever its Content-Length says (RFC 9110 §8.6). */
  private bodiless = false;
  private done = false;
  private resume: (() => void) | undefined;
  private drainHooked = false;
  private retriedSameTarget = false;
  /** Set when this response is compressed on its way to the client. */
  private compressor: ResponseCompressor | undefined;
  /** Set when the route limits bandwidth. */
  private pacer: BandwidthPacer | undefined;
  private paceTimer: NodeJS.Timeout | undefined;
  /** The part of a chunk the bandwidth budget holds back, and a completion waiting behind it. */
  private pendingBody: Buffer | undefined;
  private pendingComplete: (() => void) | undefined;
  /** A response being copied into the cache, and whether the response came from the cache. */
  private fill: { policy: CachePolicy; status: number; chunks: Buffer[]; size: number } | undefined;
  private servedCached = false;

  constructor(
    private readonly req: AnyRequest,
    private readonly res: AnyResponse,
    readonly ctx: ForwardContext,
  ) {}

  start(): void {
    this.res.on('close', this.onClientClose);
    this.next();
  }

  private readonly onClientClose = (): void => {
    // finish() runs right after every response this exchange completes, so reaching here
    // means the client went away (HTTP/2 compat even emits 'finish' before 'close' on a reset).
    if (this.done) return;
    this.clientGone = true;
    const attempt = this.current;
    // An attempt on a socket is aborted now; one still waiting for a connection aborts in onConnect.
    if (attempt && !attempt.settled) attempt.abortUpstream?.(clientAborted());
    else this.finish(clientAborted());
  };

  private readonly onDrain = (): void => {
    if (!this.paceTimer) this.resume?.();
  };

  private readonly onPaced = (): void => {
    this.paceTimer = undefined;
    if (this.done) return;
    const rest = this.pendingBody;
    if (rest) {
      this.pendingBody = undefined;
      if (!this.pacedWrite(rest)) return;
    }
    const complete = this.pendingComplete;
    if (complete) {
      this.pendingComplete = undefined;
      complete();
      return;
    }
    const res = this.res as { writableNeedDrain?: boolean };
    if (!res.writableNeedDrain) this.resume?.();
  };

  /**
   * Writes a body chunk at the route's bandwidth: a slice of about a tenth of a
   * second's budget now, the rest after a timer. False while anything is held back.
   */
  private pacedWrite(chunk: Buffer): boolean {
    const slice = Math.max(1024, Math.floor(this.pacer!.bytesPerSecond / 10));
    const now = chunk.length > slice ? chunk.subarray(0, slice) : chunk;
    const written = this.writeOut(now);
    if (now.length < chunk.length) this.pendingBody = chunk.subarray(now.length);
    const delay = this.pacer!.delayAfter(now.length, Date.now());
    if (delay <= 0 && !this.pendingBody) return written;
    this.paceTimer = setTimeout(this.onPaced, delay);
    return false;
  }

  /** One chunk to the client: through the compressor when there is one. */
  private writeOut(chunk: Buffer): boolean {
    if (this.compressor) return this.compressor.write(chunk);
    this.ctx.tap.responseBody(chunk);
    const written = (this.res as { write(chunk: Buffer): boolean }).write(chunk);
    if (!written && !this.drainHooked) {
      this.drainHooked = true;
      this.res.on('drain', this.onDrain);
    }
    return written;
  }

  private next(sameIndex?: number): void {
    const { runtime, head, tap } = this.ctx;
    const index = sameIndex ?? runtime.balancer.pick(head.clientAddress, this.tried);
    if (index < 0) {
      this.failWithPage(this.finalFailure());
      return;
    }
    this.tried.add(index);
    const upstream = runtime.upstreams[index]!;
    const target = upstream.target;
    const route = runtime.route;
    if (this.ctx.isOwnAddress(target)) {
      this.failWithPage({
        status: 508,
        code: 'LOOP_DETECTED',
        message: `route ${route.id} points at ${target.display}, which is Gatehouse itself — point it at your dev server instead`,
      });
      return;
    }
    const forwarded = forwardRequestHeaders(head.rawHeaders, {
      clientAddress: head.clientAddress,
      trusted: this.ctx.trusted,
      scheme: this.ctx.scheme,
      host: head.host,
      httpVersion: head.httpVersion,
      hostOverride: hostOverride(route, target, head),
      hopId: this.ctx.hopId,
    });
    if (forwarded.loop) {
      this.failWithPage({
        status: 508,
        code: 'LOOP_DETECTED',
        message: `the request came back through Gatehouse: route ${route.id} → ${target.display} leads to Gatehouse again`,
      });
      return;
    }
    let headers = forwarded.headers;
    const features = route.features;
    const first = this.tried.size === 1;
    if (features?.requestHeaders) {
      headers = applyHeaderOps(headers, features.requestHeaders, this.placeholders());
      if (first && tap.active) tap.note(`request headers: ${features.requestHeaders.summary}`);
    }
    const stale = this.ctx.cache?.stale;
    if (stale) {
      const conditional = stale.policy.revalidationHeaders(this.ctx.cache!.req);
      for (const name of ['if-none-match', 'if-modified-since'] as const) {
        const v = conditional[name];
        if (typeof v === 'string') headers = [...headers, [name, v]];
      }
    }
    const path = upstreamPath(route, target, head.url);
    if (first && route.rewrite && tap.active) tap.note(`path rewrite (${route.rewrite.summary}): ${path}`);
    tap.target(target.url);
    if (!tap.active) tap.forwarded(head.method, path, headers);
    const body = head.hasBody
      ? tap.active
        ? new BodySource(this.req, (c) => tap.requestBody(c), this.ctx.timeouts.clientBody, (t) => tap.note(droppedTrailersNote(t)))
        : new BodySource(this.req, undefined, this.ctx.timeouts.clientBody)
      : null;
    const attempt = new Attempt(this, index, upstream, path, body);
    if (tap.active) attempt.pendingForward = { method: head.method, path, headers };
    this.current = attempt;
    upstream.health.active++;
    const timeouts = this.ctx.timeouts;
    const options: Dispatcher.DispatchOptions & { servername?: string } = {
      path,
      method: head.method as Dispatcher.HttpMethod,
      headers: flatFromPairs(headers),
      body,
      headersTimeout: timeouts.upstreamHeaders,
      bodyTimeout: timeouts.upstreamBody,
    };
    if (target.servername) options.servername = target.servername;
    upstream.pool.dispatch(options, attempt);
  }

  /** Ends an attempt's bookkeeping once. */
  private settle(attempt: Attempt): void {
    if (attempt.settled) return;
    attempt.settled = true;
    attempt.upstream.health.active--;
  }

  onHeaders(attempt: Attempt, status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (attempt !== this.current || this.done) return false;
    const received = pairsFromBuffers(rawHeaders);
    if (status < 200) {
      // 103 Early Hints pass through where Node supports them; other 1xx are dropped.
      if (status === 103 && 'writeEarlyHints' in this.res) {
        const links = received.filter(([n]) => n.toLowerCase() === 'link').map(([, v]) => v);
        if (links.length) (this.res as { writeEarlyHints(h: Record<string, string | string[]>): void }).writeEarlyHints({ link: links });
      }
      return true;
    }
    const { tap } = this.ctx;
    attempt.upstream.health.markUp();
    tap.upstreamResponse(status, received);
    this.bodiless = status === 204 || status === 304;
    const c = this.ctx.cache;
    if (c) {
      const upstream = { status, headers: headerObject(received) };
      if (c.stale && status === 304) {
        const { policy, modified } = c.stale.policy.revalidatedPolicy(c.req, upstream);
        if (!modified) {
          c.stale.policy = policy;
          c.serve(c.stale, 'REVALIDATED');
          if (tap.active) tap.note('cache: REVALIDATED (304 from the upstream, cached body sent)');
          this.responseStarted = true;
          this.servedCached = true;
          this.resume = resume;
          return true;
        }
      }
      if (this.ctx.head.method === 'GET') {
        const policy = new CachePolicy(c.req, upstream, { shared: true });
        if (policy.storable()) this.fill = { policy, status, chunks: [], size: 0 };
      }
    }
    let out = forwardResponseHeaders(received);
    // A 204 must not carry Content-Length (HTTP/2 clients reset a stream whose length is never met); a 304's is kept.
    if (status === 204) out = out.filter(([n]) => n.length !== 14 || n.toLowerCase() !== 'content-length');
    if (c) out = [...out, ['X-Cache', 'MISS']];
    const features = this.ctx.runtime.route.features;
    if (features?.editsResponse) out = editResponseHeaders(features, out, this.placeholders(), this.ctx.tap);
    if (features?.compression && compressible(this.ctx.head.method, status, out, features.compression.minSize)) {
      out = withVaryAcceptEncoding(out);
      const encoding = chooseEncoding(this.acceptEncoding(), features.compression.encodings);
      if (encoding) {
        out = compressedHeaders(out, encoding);
        this.compressor = new ResponseCompressor(
          encoding,
          this.res as unknown as { write(c: Buffer): boolean; once(e: 'drain', f: () => void): unknown },
          (c) => tap.responseBody(c),
          this.onDrain,
          (err) => attempt.abortUpstream?.(err),
        );
        if (tap.active) tap.note(`compressed: ${encoding}`);
      }
    }
    const h2 = isHttp2Response(this.res);
    // HTTP/2 sends its head at once (respond()); an HTTP/1 head waits for the first byte to the client,
    // except when body bytes may be slow to come (a compressor emits nothing before its first flush;
    // an event stream may wait long for its first event): then it goes now.
    this.heldStatus = status;
    this.heldStatusText = h2 ? '' : statusText;
    this.heldHeaders = out;
    if (h2 || this.compressor || isEventStream(out)) {
      const err = this.commitHead();
      if (err) {
        attempt.abortUpstream?.(err);
        return false;
      }
      if (!h2) this.res.flushHeaders();
    }
    this.responseStarted = true;
    const bandwidth = features?.network?.bytesPerSecond;
    if (bandwidth) {
      this.pacer = new BandwidthPacer(bandwidth, Date.now());
      if (tap.active) tap.note(`bandwidth: ${bandwidth} bytes/s`);
    }
    this.resume = resume;
    return true;
  }

  /**
   * Writes the held response head (see heldHeaders) and reports it; after this the client
   * has (or is about to get) the upstream's status. An error when Node refuses the head.
   */
  private commitHead(): EngineError | undefined {
    const headers = this.heldHeaders!;
    this.heldHeaders = undefined;
    const status = this.heldStatus;
    try {
      writeHead(this.res, status, this.heldStatusText || undefined, headers);
    } catch (err) {
      // Node refused a header the upstream sent (e.g. a forbidden HTTP/2 header).
      return new EngineError('UPSTREAM_BAD_RESPONSE', `the upstream's response head could not be relayed: ${(err as Error).message}`, 502);
    }
    const tap = this.ctx.tap;
    tap.clientResponse(status, tap.active ? headersOnWire(this.res, headers) : headers);
    return undefined;
  }

  /** True once a response head was handed to Node for the client: from then on only an abort can signal failure. */
  private get headCommitted(): boolean {
    return this.responseStarted && this.heldHeaders === undefined;
  }

  /** Values for {remote_addr}, {host}, {scheme}, {route} in header rules. */
  private placeholders(): PlaceholderValues & { scheme: 'http' | 'https' } {
    const { head, scheme, runtime } = this.ctx;
    return { remoteAddr: head.clientAddress, host: head.host, scheme, route: runtime.route.id };
  }

  /** The client's Accept-Encoding (only looked up on routes that compress). */
  private acceptEncoding(): string | undefined {
    for (const [n, v] of this.ctx.head.rawHeaders) if (n.toLowerCase() === 'accept-encoding') return v;
    return undefined;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    if (this.servedCached) return true;
    if (this.heldHeaders) {
      const err = this.commitHead();
      if (err) {
        this.current?.abortUpstream?.(err);
        return false;
      }
    }
    if (this.fill) {
      this.fill.chunks.push(Buffer.from(chunk));
      this.fill.size += chunk.length;
      if (this.fill.size > this.ctx.cache!.cache.maxEntryBytes) this.fill = undefined;
    }
    if (this.pacer) return this.pacedWrite(chunk);
    if (this.compressor) return this.compressor.write(chunk);
    this.ctx.tap.responseBody(chunk);
    const written = (this.res as { write(chunk: Buffer): boolean }).write(chunk);
    if (written) return true;
    if (!this.drainHooked) {
      this.drainHooked = true;
      this.res.on('drain', this.onDrain);
    }
    return false;
  }

  onComplete(attempt: Attempt, trailers: Buffer[] | null): void {
    this.settle(attempt);
    if (attempt !== this.current || this.done) return;
    const c = this.ctx.cache;
    if (c && this.fill) {
      const stored = c.cache.store(c.key, {
        routeId: this.ctx.runtime.route.id,
        policy: this.fill.policy,
        status: this.fill.status,
        body: Buffer.concat(this.fill.chunks),
        requestHeaders: c.req.headers as Record<string, string>,
      });
      if (this.ctx.tap.active) this.ctx.tap.note(stored ? 'cache: MISS (stored)' : 'cache: MISS (too large to store)');
    } else if (c && this.ctx.tap.active && !this.servedCached) this.ctx.tap.note('cache: MISS (not storable)');
    if (this.servedCached) {
      this.res.end();
      this.finish();
      return;
    }
    const complete = () => {
      if (this.compressor) this.compressor.end(() => this.endResponse(trailers));
      else this.endResponse(trailers);
    };
    // A body the bandwidth cap is still holding back goes out first.
    if (this.paceTimer) this.pendingComplete = complete;
    else complete();
  }

  private endResponse(trailers: Buffer[] | null): void {
    if (this.done) return;
    if (this.heldHeaders) {
      const err = this.commitHead();
      if (err) {
        this.failWithPage(err);
        return;
      }
    }
    if (trailers && trailers.length > 0) {
      const pairs = pairsFromBuffers(trailers);
      try {
        if (isHttp2Response(this.res)) this.res.addTrailers(trailerObject(pairs));
        else this.res.addTrailers(pairs);
      } catch {
        // Trailers the client side cannot carry are dropped rather than failing the response.
      }
    }
    this.res.end();
    this.finish();
  }

  onError(attempt: Attempt, err: Error): void {
    this.settle(attempt);
    if (attempt !== this.current || this.done) return;
    if (this.clientGone) {
      this.finish(clientAborted());
      return;
    }
    if (err instanceof EngineError && err.code === 'CLIENT_ABORTED') {
      this.destroyResponse();
      this.finish(err);
      return;
    }
    if (this.bodiless && (err as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      // undici holds a 204/304 to its Content-Length (the size the body would have had) and fails it;
      // the response has no body by definition, so it is complete. Only the upstream connection is lost.
      this.onComplete(attempt, null);
      return;
    }
    if (err instanceof EngineError && err.code === 'CLIENT_BODY_TIMEOUT') {
      // The upstream attempt is already aborted (undici destroyed it with the body).
      if (this.headCommitted) {
        this.destroyResponse();
        this.finish(err);
      } else this.failWithPage({ status: 408, code: err.code, message: err.message }, true);
      return;
    }
    const failure = classifyUpstreamError(err, attempt.upstream.target, {
      headersTimeoutMs: this.ctx.timeouts.upstreamHeaders,
      bodyTimeoutMs: this.ctx.timeouts.upstreamBody,
      connectTimeoutMs: this.ctx.timeouts.upstreamConnect,
    });
    if (err instanceof EngineError) Object.assign(failure, { code: err.code, status: err.status, message: err.message });
    if (failure.markDown) attempt.upstream.health.markDown(failure.message, Date.now());
    if (this.headCommitted) {
      // Part of the response is on its way: abort, so the client sees it incomplete.
      this.destroyResponse();
      this.finish(failure);
      return;
    }
    if (this.responseStarted) {
      // The upstream's head came but nothing reached the client yet: it can still have a 502.
      this.failWithPage(failure);
      return;
    }
    this.failures.push(failure);
    const bodyUntouched = !attempt.body || !attempt.body.touched;
    if (bodyUntouched && failure.connectPhase) {
      this.next();
      return;
    }
    const idempotent = IDEMPOTENT_METHODS.has(this.ctx.head.method);
    if (bodyUntouched && idempotent && attempt.reused && failure.code === 'UPSTREAM_RESET' && !this.retriedSameTarget) {
      // A keep-alive connection the upstream had just closed: send again, once, on a fresh one.
      this.retriedSameTarget = true;
      this.next(attempt.index);
      return;
    }
    this.failWithPage(failure);
  }

  /** The failure to report when no target is left to try. */
  private finalFailure(): ErrorInfo {
    const last = this.failures[this.failures.length - 1];
    const upstreams = this.ctx.runtime.upstreams;
    if (!last) {
      return { status: 502, code: 'NO_TARGETS', message: `route ${this.ctx.runtime.route.id} has no targets — add one to the config` };
    }
    if (this.failures.length > 1 && this.failures.every((f) => f.connectPhase)) {
      const refused = this.failures.every((f) => f.code === 'UPSTREAM_REFUSED');
      return {
        status: 502,
        code: 'ALL_TARGETS_DOWN',
        message: refused
          ? `nothing is listening on ${targetList(upstreams)} — is your dev server running?`
          : `none of the targets of ${this.ctx.runtime.route.id} could be reached: ${this.failures.map((f) => f.message).join('; ')}`,
      };
    }
    return last;
  }

  private failWithPage(error: ErrorInfo, close = false): void {
    if (this.done) return;
    let page = renderErrorPage(error, { json: wantsJson(this.ctx.head) });
    const h2 = isHttp2Response(this.res);
    // The rest of an unread request body cannot be skipped safely: close the HTTP/1 connection.
    if (close && !h2) page = { ...page, headers: [...page.headers, ['Connection', 'close']] };
    if (!sendPage(this.res, page, this.ctx.tap)) this.destroyResponse();
    else if (close && h2) resetWhenComplete(this.res as Http2ServerResponse);
    this.finish(error);
  }

  private destroyResponse(): void {
    this.compressor?.destroy();
    const res = this.res;
    if (res.destroyed) return;
    if (res instanceof H2Response) {
      res.abort();
    } else if (isHttp2Response(res)) {
      // RST_STREAM: the client sees an incomplete response, never a truncated "complete" one.
      res.stream.close(2 /* NGHTTP2_INTERNAL_ERROR */);
    } else {
      res.destroy();
    }
  }

  private finish(error?: ErrorInfo | EngineError): void {
    if (this.done) return;
    this.done = true;
    this.compressor?.destroy();
    if (this.paceTimer) clearTimeout(this.paceTimer);
    this.res.off('close', this.onClientClose);
    if (this.drainHooked) this.res.off('drain', this.onDrain);
    this.ctx.tap.finish(error ? { code: error.code, message: error.message } : undefined);
    this.ctx.onDone();
  }
}

/** What the recorder is told about request trailers the proxy could not forward (names only: values may be secrets). */
function droppedTrailersNote(rawTrailers: readonly string[]): string {
  const names: string[] = [];
  for (let i = 0; i < rawTrailers.length; i += 2) names.push(rawTrailers[i]!);
  return `request trailers not forwarded (undici cannot send request trailers): ${names.join(', ')}`;
}

function isEventStream(headers: RawHeaders): boolean {
  for (const [n, v] of headers) {
    if (n.length === 12 && n.toLowerCase() === 'content-type') return v.trimStart().toLowerCase().startsWith('text/event-stream');
  }
  return false;
}

export function wantsJson(head: IncomingHead): boolean {
  return head.accept !== undefined && prefersJson(head.accept);
}
