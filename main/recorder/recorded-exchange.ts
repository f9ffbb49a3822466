/**
 * One exchange as the recorder holds it in memory: mutable while in flight,
 * bodies as capped taps, WebSocket messages as byte prefixes. Turned into the
 * wire types (ExchangeSummary / Exchange, bytes as base64) only when asked.
 */
import type { CodedError, HttpVersion, RawHeaders, TlsInfo } from '../../shared/http-types';
import type {
  Exchange,
  ExchangeSource,
  ExchangeState,
  ExchangeSummary,
  ExchangeTimings,
  WsDirection,
  WsMessage,
} from '../../shared/exchange-types';
import { bytesToBase64 } from '../../shared/base64';
import { fitsHeadLine, headBlockValue, parseHeadBlock } from '../../shared/raw-headers';
import { BodyTap } from './body-tap';

/** Rough fixed cost of one record beyond its bytes (objects, strings, map entries). */
export const RECORD_OVERHEAD_BYTES = 512;
const WS_MESSAGE_OVERHEAD_BYTES = 64;

export interface RecordedWsMessage {
  direction: WsDirection;
  opcode: number;
  size: number;
  time: number;
  data: Uint8Array;
}

/**
 * A header set as a record holds it: one serialised head string (a start line,
 * possibly empty, then "Name: value" lines), or, for the rare set that a head
 * cannot carry exactly, the pairs flattened into one array. A record outlives
 * many young-generation collections, and every object it holds is copied by
 * each: one string per header set instead of two per header keeps that cheap.
 * Both turn back into RawHeaders only when someone reads the exchange.
 */
export type StoredHeaders = string | readonly string[];

/**
 * A string V8 built with `a += b` (undici's and Node's serialised heads are) is a tree
 * of pieces, one object per `+=`; held as is, a head costs some 35 objects. Reading a
 * character makes V8 flatten it in place into one buffer, and the pieces die young.
 * (The comparison keeps the read from being optimised away.)
 */
function flattened(s: string): string {
  return s.charCodeAt(0) === -1 ? s.slice(0) : s;
}

/** Stores a header set the engine passed: a head string as one flat string, pairs serialised into one. */
export function storeHeaders(headers: RawHeaders | string): StoredHeaders {
  if (typeof headers === 'string') return flattened(headers);
  let head = '';
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i]!;
    if (!fitsHeadLine(pair[0], pair[1])) return flatPairs(headers);
    head += `\r\n${pair[0]}: ${pair[1]}`;
  }
  return flattened(head);
}

function flatPairs(headers: RawHeaders): readonly string[] {
  const flat: string[] = new Array(headers.length * 2);
  for (let i = 0, j = 0; i < headers.length; i++, j += 2) {
    const pair = headers[i]!;
    flat[j] = pair[0];
    flat[j + 1] = pair[1];
  }
  return flat;
}

/** A fresh RawHeaders copy of a stored set. */
export function readHeaders(stored: StoredHeaders): RawHeaders {
  if (typeof stored === 'string') return parseHeadBlock(stored);
  const out: RawHeaders = new Array(stored.length >> 1);
  for (let i = 0, j = 0; i < stored.length; i += 2, j++) out[j] = [stored[i]!, stored[i + 1]!];
  return out;
}

/** The first value of a header in a stored set (case-insensitive). */
function storedValue(stored: StoredHeaders, name: string): string | undefined {
  if (typeof stored === 'string') return headBlockValue(stored, name);
  const want = name.toLowerCase();
  for (let i = 0; i < stored.length; i += 2) {
    const k = stored[i]!;
    if (k.length === want.length && k.toLowerCase() === want) return stored[i + 1];
  }
  return undefined;
}

/** Estimated bytes of a header set (one string, or names and values plus a slot each). */
export function headersBytes(headers: StoredHeaders | undefined): number {
  if (headers === undefined) return 0;
  if (typeof headers === 'string') return headers.length + 16;
  let n = 16;
  for (let i = 0; i < headers.length; i++) n += headers[i]!.length + 8;
  return n;
}

/** Slots of RecordedExchange.times. */
const T_STARTED = 0;
const T_ENDED = 1;
const T_RECEIVED = 2;
const T_UPSTREAM_CONNECTED = 3;
const T_RESPONSE_HEADERS = 4;
const T_RESPONSE_END = 5;

function timeOrUndefined(t: number): number | undefined {
  return Number.isNaN(t) ? undefined : t;
}

/**
 * What the store holds: a live RecordedExchange, or, once finished, a FrozenExchange
 * (frozen-exchange.ts) that reads the same.
 */
export interface HeldExchange {
  readonly seq: number;
  readonly id: string;
  readonly state: ExchangeState;
  /** Estimated bytes held (the store's byte bound). */
  bytes: number;
  /** Set when the store dropped it. */
  evicted: boolean;
  /** The event batcher's bookkeeping bits (see event-batcher.ts). */
  eventFlags: number;
  summary(): ExchangeSummary;
  toExchange(): Exchange;
  bodyBytes(which: 'request' | 'response'): Uint8Array;
}

export class RecordedExchange implements HeldExchange {
  state: ExchangeState = 'pending';
  tls?: TlsInfo;
  target?: string;
  status?: number;
  upstreamStatus?: number;
  forwardedMethod?: string;
  forwardedPath?: string;
  forwardedRequest?: StoredHeaders;
  upstreamResponse?: StoredHeaders;
  private clientResponseHead?: StoredHeaders;
  /** The client response's Content-Type, looked up once per head (null: none). */
  private contentTypeCache: string | null | undefined;
  routeId?: string;
  replayOf?: string;
  error?: CodedError;
  /**
   * Every time of the record in one Float64Array (NaN: not yet): startedAt, endedAt and the
   * four timings. Held in object fields, each would be a boxed number of its own, and a
   * held record is copied by every young-generation collection until it is promoted.
   */
  private readonly times: Float64Array;
  private reused: boolean | undefined;
  wsMessages?: RecordedWsMessage[];
  wsMessagesDropped = 0;
  wsMessageTotal = 0;
  /** Payload bytes of every message added, both directions, dropped ones included. */
  wsBytesTotal = 0;
  /** What route features did; allocated on the first note (most exchanges have none). */
  notes: string[] | undefined;
  responseContentDecoded = false;
  /** The event batcher's bookkeeping bits (see event-batcher.ts). */
  eventFlags = 0;
  /** Estimated bytes this record holds (kept current by whoever grows it). */
  bytes: number;
  /** Set when the store dropped it; taps still running stop accounting. */
  evicted = false;

  constructor(
    readonly seq: number,
    readonly source: ExchangeSource,
    startedAt: number,
    readonly clientAddress: string,
    readonly clientPort: number,
    readonly scheme: 'http' | 'https',
    readonly httpVersion: HttpVersion,
    readonly method: string,
    readonly host: string,
    readonly url: string,
    readonly clientRequest: StoredHeaders,
    readonly websocket: boolean,
    readonly requestBody: BodyTap,
    readonly responseBody: BodyTap,
  ) {
    this.times = new Float64Array([startedAt, NaN, startedAt, NaN, NaN, NaN]);
    this.bytes = RECORD_OVERHEAD_BYTES + headersBytes(clientRequest) + url.length + host.length;
    if (websocket) this.wsMessages = [];
  }

  get clientResponse(): StoredHeaders | undefined {
    return this.clientResponseHead;
  }

  set clientResponse(head: StoredHeaders | undefined) {
    this.clientResponseHead = head;
    this.contentTypeCache = undefined;
  }

  /** The six times (startedAt, endedAt, received, upstreamConnected, responseHeaders, responseEnd; NaN: not yet). */
  get timesArray(): Float64Array {
    return this.times;
  }

  /** Whether the upstream connection came from the pool (undefined: no upstream connection). */
  get connectionReused(): boolean | undefined {
    return this.reused;
  }

  get startedAt(): number {
    return this.times[T_STARTED]!;
  }

  get endedAt(): number | undefined {
    return timeOrUndefined(this.times[T_ENDED]!);
  }

  set endedAt(t: number | undefined) {
    this.times[T_ENDED] = t ?? NaN;
  }

  get timings(): ExchangeTimings {
    const t = this.times;
    const out: ExchangeTimings = { received: t[T_RECEIVED]! };
    const connected = timeOrUndefined(t[T_UPSTREAM_CONNECTED]!);
    if (connected !== undefined) out.upstreamConnected = connected;
    if (this.reused !== undefined) out.connectionReused = this.reused;
    const headers = timeOrUndefined(t[T_RESPONSE_HEADERS]!);
    if (headers !== undefined) out.responseHeaders = headers;
    const end = timeOrUndefined(t[T_RESPONSE_END]!);
    if (end !== undefined) out.responseEnd = end;
    return out;
  }

  set timings(x: ExchangeTimings) {
    const t = this.times;
    t[T_RECEIVED] = x.received;
    t[T_UPSTREAM_CONNECTED] = x.upstreamConnected ?? NaN;
    t[T_RESPONSE_HEADERS] = x.responseHeaders ?? NaN;
    t[T_RESPONSE_END] = x.responseEnd ?? NaN;
    this.reused = x.connectionReused;
  }

  upstreamConnectedAt(t: number, reused: boolean): void {
    this.times[T_UPSTREAM_CONNECTED] = t;
    this.reused = reused;
  }

  responseHeadersAt(t: number): void {
    this.times[T_RESPONSE_HEADERS] = t;
  }

  /** The exchange is over: its end time and the response-end timing. */
  endedAtTime(t: number): void {
    this.times[T_ENDED] = t;
    this.times[T_RESPONSE_END] = t;
  }

  /** "e<seq>": derived, not stored (one string fewer per record). */
  get id(): string {
    return `e${this.seq}`;
  }

  addNote(text: string): void {
    (this.notes ??= []).push(text);
  }

  /** Adds a WebSocket message, keeping at most `max` (oldest dropped). Returns the byte delta. */
  addWsMessage(m: RecordedWsMessage, max: number): number {
    const list = this.wsMessages ?? (this.wsMessages = []);
    list.push(m);
    this.wsMessageTotal++;
    this.wsBytesTotal += m.size;
    let delta = m.data.length + WS_MESSAGE_OVERHEAD_BYTES;
    while (list.length > max) {
      const dropped = list.shift()!;
      this.wsMessagesDropped++;
      delta -= dropped.data.length + WS_MESSAGE_OVERHEAD_BYTES;
    }
    return delta;
  }

  /** The client response's Content-Type (looked up once per head). */
  contentType(): string | undefined {
    let ct = this.contentTypeCache;
    if (ct === undefined) {
      const head = this.clientResponseHead;
      ct = this.contentTypeCache = (head !== undefined ? storedValue(head, 'content-type') : undefined) ?? null;
    }
    return ct ?? undefined;
  }

  /** The captured prefix of one body. */
  bodyBytes(which: 'request' | 'response'): Uint8Array {
    return (which === 'request' ? this.requestBody : this.responseBody).bytes();
  }

  summary(): ExchangeSummary {
    const s: ExchangeSummary = {
      id: this.id,
      seq: this.seq,
      source: this.source,
      state: this.state,
      startedAt: this.startedAt,
      clientAddress: this.clientAddress,
      clientPort: this.clientPort,
      scheme: this.scheme,
      httpVersion: this.httpVersion,
      method: this.method,
      host: this.host,
      url: this.url,
      requestSize: this.requestBody.size,
      responseSize: this.responseBody.size,
      websocket: this.websocket,
    };
    if (this.endedAt !== undefined) s.endedAt = this.endedAt;
    if (this.routeId !== undefined) s.routeId = this.routeId;
    if (this.target !== undefined) s.target = this.target;
    if (this.status !== undefined) s.status = this.status;
    const ct = this.contentType();
    if (ct !== undefined) s.contentType = ct;
    if (this.websocket) {
      s.wsMessageCount = this.wsMessageTotal;
      s.wsBytes = this.wsBytesTotal;
    }
    if (this.error) s.errorCode = this.error.code;
    if (this.replayOf !== undefined) s.replayOf = this.replayOf;
    return s;
  }

  toExchange(): Exchange {
    const x: Exchange = {
      ...this.summary(),
      headers: { clientRequest: readHeaders(this.clientRequest) },
      requestBody: { size: this.requestBody.size, captured: bytesToBase64(this.requestBody.bytes()), truncated: this.requestBody.truncated },
      responseBody: { size: this.responseBody.size, captured: bytesToBase64(this.responseBody.bytes()), truncated: this.responseBody.truncated },
      timings: this.timings,
      notes: this.notes ? [...this.notes] : [],
    };
    if (this.responseContentDecoded) x.responseBody.contentDecoded = true;
    if (this.forwardedRequest !== undefined) x.headers.forwardedRequest = readHeaders(this.forwardedRequest);
    if (this.upstreamResponse !== undefined) x.headers.upstreamResponse = readHeaders(this.upstreamResponse);
    if (this.clientResponse !== undefined) x.headers.clientResponse = readHeaders(this.clientResponse);
    if (this.tls) x.tls = { ...this.tls };
    if (this.forwardedMethod !== undefined) x.forwardedMethod = this.forwardedMethod;
    if (this.forwardedPath !== undefined) x.forwardedPath = this.forwardedPath;
    if (this.upstreamStatus !== undefined) x.upstreamStatus = this.upstreamStatus;
    if (this.error) x.error = { code: this.error.code, message: this.error.message };
    if (this.wsMessages) {
      x.wsMessages = this.wsMessages.map(
        (m): WsMessage => ({
          direction: m.direction,
          opcode: m.opcode,
          size: m.size,
          time: m.time,
          data: bytesToBase64(m.data),
          truncated: m.data.length < m.size,
        }),
      );
      if (this.wsMessagesDropped > 0) x.wsMessagesDropped = this.wsMessagesDropped;
    }
    return x;
  }
}
