/**
 * The traffic recorder: the engine's ExchangeObserver.
 *
 * Header sets are stored compactly (StoredHeaders: a serialised head as its one
 * string, pairs flattened into one array) and turned back into RawHeaders on the
 * way out (toExchange): parsing waits until someone looks. Taps copy at most a
 * capped prefix of each body and never block the forward path; exchanges live
 * in a ring buffer bounded by count and bytes; changes go out as batched events.
 */
import type { CodedError, RawHeaders } from '../../shared/http-types';
import type { RecordingConfig, RouteConfig } from '../../shared/config';
import { DEFAULT_RECORDING, routeId as routeIdOf } from '../../shared/config';
import type { RecordingState } from '../../shared/api-contract';
import type { Exchange, ExchangeFilter, ExchangeSource, ListOrder, WsDirection } from '../../shared/exchange-types';
import { base64ToBytes } from '../../shared/base64';
import type { ImportedExchange } from '../../shared/har-import';
import type { ExchangeObserver, ExchangeStart, ExchangeTap, TapHeaders } from '../engine/exchange-observer';
import { BodyTap } from './body-tap';
import { headersBytes, RecordedExchange, storeHeaders, type HeldExchange } from './recorded-exchange';
import { freezeExchange } from './frozen-exchange';
import type { SummaryRows } from '../../shared/exchange-columns';
import { RecordArena } from './record-arena';
import { SnapshotBlocks, summaryRowsOf } from './snapshot-blocks';
import { ExchangeStore, type ListPage } from './exchange-store';
import { EventBatcher, type EmitEvent } from './event-batcher';

export interface RecorderOptions {
  recording?: RecordingConfig;
  /** Routes whose `record: false` excludes them. */
  routes?: readonly RouteConfig[];
  /** Bytes kept per WebSocket message (default 16 KiB). */
  wsMessageCap?: number;
  /** Messages kept per WebSocket exchange, newest kept (default 1000). */
  maxWsMessages?: number;
  /** Event batching interval (default 75 ms). */
  batchMs?: number;
  /** Quiet time (no new exchange) after which the snapshot cache is warmed (default 50 ms). */
  snapshotIdleMs?: number;
  emit?: EmitEvent;
  /** Epoch milliseconds; default Date.now with sub-millisecond precision. */
  now?: () => number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Blocks encoded per turn of the event loop while warming the snapshot cache: one
 * (1024 rows, a few ms), so a request that arrives meanwhile waits no longer than that.
 */
const WARM_BLOCKS_PER_TURN = 1;

/** Index of the first of the newest `limit` of `count` items (all of them without a limit). */
function firstOfNewest(count: number, limit: number | undefined): number {
  return limit !== undefined && limit < count ? count - Math.max(0, limit) : 0;
}

function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface ReplayExpectation {
  replayOf: string;
  /** Called with the new exchange's id as soon as the engine begins recording it. */
  onBegin?: (id: string) => void;
}

export class Recorder implements ExchangeObserver {
  private readonly store: ExchangeStore;
  private readonly batcher: EventBatcher;
  private emitFn: EmitEvent | undefined;
  private audience: (() => boolean) | undefined;
  private limits: Required<RecordingConfig>;
  private readonly wsMessageCap: number;
  private readonly maxWsMessages: number;
  private readonly now: () => number;
  private paused = false;
  private excludedRoutes = new Set<string>();
  private seq = 0;
  private readonly replayPorts = new Map<number, ReplayExpectation>();
  /** Where finished exchanges are frozen to (see frozen-exchange.ts). */
  private readonly arena = new RecordArena();
  /** exchanges.snapshot's encoder, with the text of finished blocks kept (snapshot-blocks.ts). */
  private readonly blocks = new SnapshotBlocks();
  private readonly snapshotIdleMs: number;
  /** The pending idle check or warming slice, while one is scheduled. */
  private cancelIdle: (() => void) | undefined;
  /** this.seq when the idle check was scheduled: unchanged when it fires means no traffic since. */
  private seqAtIdleCheck = 0;
  /** The store's items while warming, copied once, and the store version they are a copy of. */
  private warmItems: HeldExchange[] | undefined;
  private warmVersion = -1;

  constructor(options: RecorderOptions = {}) {
    this.limits = { ...DEFAULT_RECORDING, ...options.recording };
    this.wsMessageCap = options.wsMessageCap ?? 16 * 1024;
    this.maxWsMessages = options.maxWsMessages ?? 1000;
    this.now = options.now ?? preciseNow;
    this.snapshotIdleMs = options.snapshotIdleMs ?? 50;
    this.emitFn = options.emit;
    this.store = new ExchangeStore({ maxExchanges: this.limits.maxExchanges, maxTotalBytes: this.limits.maxTotalBytes }, (r) =>
      this.batcher.remove(r),
    );
    // Exchange events are only built while someone listens; the UI lists what it missed when it connects.
    this.batcher = new EventBatcher(
      () => (this.audience === undefined || this.audience() ? this.emitFn : undefined),
      options.batchMs ?? 75,
      (r) => this.freeze(r),
    );
    if (options.routes) this.setRoutes(options.routes);
  }

  /**
   * Where events go (the control layer's event hub). `audience` says whether anyone
   * listens right now; while nobody does, exchange events are dropped unbuilt.
   */
  setEmitter(emit: EmitEvent | undefined, audience?: () => boolean): void {
    this.emitFn = emit;
    this.audience = audience;
  }

  // ------------------------------------------------------------ configuration and state

  /** Applies new recording settings (bounds are enforced at once) and route exclusions. */
  configure(recording: RecordingConfig | undefined, routes?: readonly RouteConfig[]): void {
    this.limits = { ...DEFAULT_RECORDING, ...recording };
    this.store.setLimits({ maxExchanges: this.limits.maxExchanges, maxTotalBytes: this.limits.maxTotalBytes });
    if (routes) this.setRoutes(routes);
    this.emitState();
  }

  setRoutes(routes: readonly RouteConfig[]): void {
    this.excludedRoutes = new Set(routes.filter((r) => r.record === false).map((r) => routeIdOf(r)));
  }

  get recording(): boolean {
    return this.limits.enabled && !this.paused;
  }

  state(): RecordingState {
    return {
      recording: this.recording,
      count: this.store.count,
      totalBytes: this.store.totalBytes,
      maxExchanges: this.limits.maxExchanges,
      maxTotalBytes: this.limits.maxTotalBytes,
      bodyCap: this.limits.bodyCap,
      dropped: this.store.dropped,
    };
  }

  pause(): RecordingState {
    this.paused = true;
    this.emitState();
    return this.state();
  }

  resume(): RecordingState {
    this.paused = false;
    this.emitState();
    return this.state();
  }

  clear(): RecordingState {
    this.store.clear();
    this.blocks.prune(undefined);
    this.batcher.clearAll();
    this.emitState();
    return this.state();
  }

  private emitState(): void {
    this.emitFn?.('recording.state', this.state());
  }

  /** Flushes pending events and stops the batch timer. */
  close(): void {
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    this.warmItems = undefined;
    this.batcher.close();
  }

  flushEvents(): void {
    this.batcher.flush();
  }

  // ------------------------------------------------------------ reading

  get(id: string): Exchange | undefined {
    return this.store.get(id)?.toExchange();
  }

  /**
   * A finished exchange moves off the V8 heap into the arena: right away while nobody
   * listens, else at the event flush that announced it (events read the live record).
   */
  private freeze(r: HeldExchange): void {
    if (!(r instanceof RecordedExchange) || r.evicted) return;
    const frozen = freezeExchange(r, this.arena);
    if (frozen !== undefined) this.store.replace(r, frozen);
  }

  has(id: string): boolean {
    return this.store.get(id) !== undefined;
  }

  /** Captured bytes of one body, without a base64 round trip. */
  bodyBytes(id: string, which: 'request' | 'response'): Uint8Array | undefined {
    const r = this.store.get(id);
    return r?.bodyBytes(which);
  }

  list(params: { filter?: ExchangeFilter; cursor?: string; limit?: number; order?: ListOrder } = {}): ListPage {
    return this.store.list(params);
  }

  /** Every held exchange, oldest first. */
  all(): Exchange[] {
    return this.store.all().map((r) => r.toExchange());
  }

  /**
   * The summaries of every held exchange, or of the newest `limit`, oldest first, read
   * one at a time: frozen exchanges refill one shared object, so 100k rows build no
   * object each.
   */
  summaryRows(limit?: number): SummaryRows {
    const all = this.store.all();
    return summaryRowsOf(all, firstOfNewest(all.length, limit), all.length);
  }

  /**
   * exchanges.snapshot: the JSON text of the SummarySnapshot of every held exchange, or
   * of the newest `limit`, as held when called. Finished blocks come from the cache;
   * the rest is encoded in slices that yield to the event loop.
   */
  snapshotJson(limit?: number): Promise<string> {
    const all = this.store.all();
    return this.blocks.snapshot(all, firstOfNewest(all.length, limit), this.seq);
  }

  /** Blocks the snapshot encoder has encoded, and how many it keeps (tests, diagnostics). */
  snapshotStats(): { blocksEncoded: number; blocksCached: number } {
    return { blocksEncoded: this.blocks.blocksEncoded, blocksCached: this.blocks.blocksCached };
  }

  /** Something was recorded: once traffic has been quiet for snapshotIdleMs, warm the snapshot cache. */
  private noteActivity(): void {
    if (this.cancelIdle === undefined) this.scheduleIdleCheck();
  }

  private scheduleIdleCheck(): void {
    this.seqAtIdleCheck = this.seq;
    const t = setTimeout(() => {
      this.cancelIdle = undefined;
      this.warmWhileIdle();
    }, this.snapshotIdleMs);
    t.unref();
    this.cancelIdle = () => clearTimeout(t);
  }

  /** One slice of warming, then the next on a later turn of the loop, while no traffic comes. */
  private warmWhileIdle(): void {
    if (this.seq !== this.seqAtIdleCheck) {
      this.warmItems = undefined;
      return this.scheduleIdleCheck();
    }
    // One copy of the ring for the whole warming, not one per block (100k items copied ~100 times).
    if (this.warmItems === undefined || this.warmVersion !== this.store.version) {
      this.warmItems = this.store.all();
      this.warmVersion = this.store.version;
    }
    if (this.blocks.warm(this.warmItems, this.seq, WARM_BLOCKS_PER_TURN)) {
      this.warmItems = undefined;
      return;
    }
    // Not unref'd: an unref'd immediate does not stop the loop from blocking in its poll
    // phase, so each slice would wait for the next timer or I/O. Warming ends on its own.
    const i = setImmediate(() => {
      this.cancelIdle = undefined;
      this.warmWhileIdle();
    });
    this.cancelIdle = () => clearImmediate(i);
  }

  // ------------------------------------------------------------ recording

  /**
   * The next exchange the engine begins from this loopback client port is a
   * replay of `replayOf` (the replayer connects from that port). It is recorded
   * even while paused or when its route is excluded: the user asked for it.
   */
  expectReplay(clientPort: number, expectation: ReplayExpectation): () => void {
    this.replayPorts.set(clientPort, expectation);
    return () => {
      if (this.replayPorts.get(clientPort) === expectation) this.replayPorts.delete(clientPort);
    };
  }

  begin(start: ExchangeStart): ExchangeTap | null {
    try {
      let replay: ReplayExpectation | undefined;
      if (this.replayPorts.size > 0 && LOOPBACK.has(start.clientAddress)) {
        replay = this.replayPorts.get(start.clientPort);
        if (replay) this.replayPorts.delete(start.clientPort);
      }
      if (!replay) {
        if (!this.recording) return null;
        if (start.routeId !== undefined && this.excludedRoutes.has(start.routeId)) return null;
      }
      const tap = this.record(start, replay ? 'replay' : 'proxy', replay?.replayOf);
      if (replay?.onBegin) replay.onBegin(tap.id);
      return tap;
    } catch {
      return null;
    }
  }

  /** Starts a record directly (replays sent straight to an upstream); always records. */
  record(start: ExchangeStart, source: ExchangeSource, replayOf?: string): ExchangeTap & { readonly id: string } {
    const seq = ++this.seq;
    const r = new RecordedExchange(
      seq,
      source,
      start.startedAt,
      start.clientAddress,
      start.clientPort,
      start.scheme,
      start.httpVersion,
      start.method,
      start.host,
      start.url,
      storeHeaders(start.requestHeaders),
      start.websocket === true,
      new BodyTap(this.limits.bodyCap),
      new BodyTap(this.limits.bodyCap),
    );
    if (start.tls) r.tls = { ...start.tls };
    if (start.routeId !== undefined) r.routeId = start.routeId;
    if (replayOf !== undefined) r.replayOf = replayOf;
    this.store.add(r);
    this.batcher.start(r);
    this.noteActivity();
    return this.tapFor(r);
  }

  private grow(r: RecordedExchange, delta: number): void {
    if (delta !== 0) this.store.grow(r, delta);
  }

  private tapFor(r: RecordedExchange): RecordingTap {
    return new RecordingTap(r, this.tapContext);
  }

  private readonly tapContext: TapContext = {
    now: () => this.now(),
    grow: (r, delta) => this.grow(r, delta),
    update: (r) => this.batcher.update(r),
    finish: (r) => {
      if (!this.batcher.finish(r)) this.freeze(r);
    },
    wsMessageCap: () => this.wsMessageCap,
    maxWsMessages: () => this.maxWsMessages,
  };

  // ------------------------------------------------------------ import

  /**
   * Adds already-validated imported exchanges as one step; returns their new ids.
   * Bodies beyond the body cap are truncated.
   */
  importExchanges(list: readonly ImportedExchange[]): string[] {
    if (list.length > this.limits.maxExchanges) {
      throw Object.assign(
        new Error(`cannot import ${list.length} exchanges: recording keeps at most ${this.limits.maxExchanges} (raise recording.maxExchanges)`),
        { code: 'too-large', status: 413 },
      );
    }
    const records = list.map((x) => this.fromImported(x));
    this.store.addAll(records);
    // A finished import changes no more: frozen now while nobody listens, else at the flush
    // that announces it (as a proxied exchange is when it finishes).
    for (const r of records) if (!r.evicted && !this.batcher.start(r) && r.state !== 'pending') this.freeze(r);
    this.noteActivity();
    this.emitState();
    return records.filter((r) => !r.evicted).map((r) => r.id);
  }

  private fromImported(x: ImportedExchange): RecordedExchange {
    const seq = ++this.seq;
    const cap = this.limits.bodyCap;
    const req = base64ToBytes(x.requestBody.captured);
    const res = base64ToBytes(x.responseBody.captured);
    const r = new RecordedExchange(
      seq,
      x.source,
      x.startedAt,
      x.clientAddress,
      x.clientPort,
      x.scheme,
      x.httpVersion,
      x.method,
      x.host,
      x.url,
      storeHeaders(x.headers.clientRequest),
      x.websocket,
      BodyTap.of(req, x.requestBody.size, cap, x.requestBody.truncated),
      BodyTap.of(res, x.responseBody.size, cap, x.responseBody.truncated, x.responseBody.contentDecoded === true),
    );
    r.state = x.state;
    if (x.endedAt !== undefined) r.endedAt = x.endedAt;
    if (x.tls) r.tls = { ...x.tls };
    if (x.target !== undefined) r.target = x.target;
    if (x.status !== undefined) r.status = x.status;
    if (x.upstreamStatus !== undefined) r.upstreamStatus = x.upstreamStatus;
    if (x.forwardedMethod !== undefined) r.forwardedMethod = x.forwardedMethod;
    if (x.forwardedPath !== undefined) r.forwardedPath = x.forwardedPath;
    if (x.headers.forwardedRequest) r.forwardedRequest = storeHeaders(x.headers.forwardedRequest);
    if (x.headers.upstreamResponse) r.upstreamResponse = storeHeaders(x.headers.upstreamResponse);
    if (x.headers.clientResponse) r.clientResponse = storeHeaders(x.headers.clientResponse);
    if (x.routeId !== undefined) r.routeId = x.routeId;
    if (x.replayOf !== undefined) r.replayOf = x.replayOf;
    if (x.error) r.error = { ...x.error };
    r.timings = x.timings;
    if (x.notes.length > 0) r.notes = [...x.notes];
    r.responseContentDecoded = x.responseBody.contentDecoded === true;
    r.bytes +=
      r.requestBody.captured +
      r.responseBody.captured +
      headersBytes(r.forwardedRequest) +
      headersBytes(r.upstreamResponse) +
      headersBytes(r.clientResponse);
    for (const m of x.wsMessages ?? []) {
      const data = base64ToBytes(m.data);
      r.bytes += r.addWsMessage({ direction: m.direction, opcode: m.opcode, size: m.size, time: m.time, data }, this.maxWsMessages);
    }
    return r;
  }
}

interface TapContext {
  now(): number;
  grow(r: RecordedExchange, delta: number): void;
  update(r: RecordedExchange): void;
  finish(r: RecordedExchange): void;
  wsMessageCap(): number;
  maxWsMessages(): number;
}

/** The per-exchange tap the engine calls; one small object, methods on the prototype. */
class RecordingTap implements ExchangeTap {
  private done = false;

  constructor(
    private readonly r: RecordedExchange,
    private readonly ctx: TapContext,
  ) {}

  get id(): string {
    return this.r.id;
  }

  target(url: string): void {
    if (this.done) return;
    this.r.target = url;
    this.ctx.update(this.r);
  }

  forwarded(method: string, path: string, headers: TapHeaders): void {
    if (this.done) return;
    const r = this.r;
    const before = headersBytes(r.forwardedRequest) + (r.forwardedPath?.length ?? 0);
    r.forwardedMethod = method;
    r.forwardedPath = path;
    r.forwardedRequest = storeHeaders(headers);
    this.ctx.grow(r, headersBytes(r.forwardedRequest) + path.length - before);
  }

  upstreamConnected(reused: boolean): void {
    if (this.done) return;
    this.r.upstreamConnectedAt(this.ctx.now(), reused);
  }

  upstreamResponse(status: number, headers: RawHeaders): void {
    if (this.done) return;
    const r = this.r;
    const before = headersBytes(r.upstreamResponse);
    r.responseHeadersAt(this.ctx.now());
    r.upstreamStatus = status;
    r.upstreamResponse = storeHeaders(headers);
    this.ctx.grow(r, headersBytes(r.upstreamResponse) - before);
  }

  clientResponse(status: number, headers: TapHeaders): void {
    if (this.done) return;
    const r = this.r;
    const before = headersBytes(r.clientResponse);
    r.status = status;
    r.clientResponse = storeHeaders(headers);
    this.ctx.grow(r, headersBytes(r.clientResponse) - before);
    this.ctx.update(r);
  }

  requestBody(chunk: Uint8Array): void {
    if (this.done) return;
    this.ctx.grow(this.r, this.r.requestBody.add(chunk));
    this.ctx.update(this.r);
  }

  responseBody(chunk: Uint8Array): void {
    if (this.done) return;
    this.ctx.grow(this.r, this.r.responseBody.add(chunk));
    this.ctx.update(this.r);
  }

  wsMessage(direction: WsDirection, opcode: number, payload: Uint8Array): void {
    if (this.done) return;
    const n = Math.min(payload.length, this.ctx.wsMessageCap());
    const data = new Uint8Array(n);
    data.set(n === payload.length ? payload : payload.subarray(0, n));
    const delta = this.r.addWsMessage({ direction, opcode, size: payload.length, time: this.ctx.now(), data }, this.ctx.maxWsMessages());
    this.ctx.grow(this.r, delta);
    this.ctx.update(this.r);
  }

  note(text: string): void {
    if (this.done) return;
    this.r.addNote(text);
    this.ctx.grow(this.r, text.length);
    this.ctx.update(this.r);
  }

  finish(error?: CodedError): void {
    if (this.done) return;
    this.done = true;
    const r = this.r;
    const t = this.ctx.now();
    r.endedAtTime(t);
    if (error) {
      r.state = 'error';
      r.error = { code: error.code, message: error.message };
    } else r.state = 'complete';
    this.ctx.finish(r);
  }
}
