/**
 * Recorded exchanges as they cross the API (HTTP, IPC, CLI): plain JSON data.
 * Bytes travel as base64 strings. Times are epoch milliseconds (may carry fractions).
 *
 * ExchangeSummary is one row of the traffic list; Exchange is the full record
 * shown in the detail pane. Pure types only: no node:*, no DOM.
 */
import type { CodedError, HttpVersion, RawHeaders, TlsInfo } from './http-types';

/** Where an exchange came from. */
export type ExchangeSource = 'proxy' | 'replay' | 'import';

/** pending: still in flight; complete: response ended; error: failed (see `error`). */
export type ExchangeState = 'pending' | 'complete' | 'error';

/** One row of the traffic list. */
export interface ExchangeSummary {
  /** Opaque, stable id ("e1234"). */
  id: string;
  /** Monotonic sequence number; orders exchanges by start. */
  seq: number;
  source: ExchangeSource;
  state: ExchangeState;
  /** Epoch ms when the request head was complete. */
  startedAt: number;
  /** Epoch ms when the exchange ended (response end, error, or WebSocket close). */
  endedAt?: number;
  clientAddress: string;
  clientPort: number;
  scheme: 'http' | 'https';
  httpVersion: HttpVersion;
  method: string;
  /** Host as the client sent it (port included when given). */
  host: string;
  /** Path and query as the client sent them. */
  url: string;
  routeId?: string;
  /** Upstream chosen (last one, after failover), e.g. "http://127.0.0.1:3000". */
  target?: string;
  /** Status sent to the client. */
  status?: number;
  /** Content-Type of the response sent to the client. */
  contentType?: string;
  /** Full body sizes in bytes (not just what was captured). */
  requestSize: number;
  responseSize: number;
  websocket: boolean;
  wsMessageCount?: number;
  /**
   * A WebSocket's traffic: the payload bytes of all its messages so far, both directions
   * (those no longer held included). What its Size shows; its response body is empty.
   */
  wsBytes?: number;
  errorCode?: string;
  /** Id of the exchange this one replays. */
  replayOf?: string;
}

/** The bytes a traffic list shows as an exchange's size: a WebSocket's payload, else the response body. */
export function shownSize(x: Pick<ExchangeSummary, 'websocket' | 'wsBytes' | 'responseSize'>): number {
  return x.websocket ? (x.wsBytes ?? x.responseSize) : x.responseSize;
}

/** A captured body: the first `captured` bytes (base64) of a body of `size` bytes. */
export interface BodyCapture {
  /** Full size in bytes as it crossed the proxy (content-encoded, as on the wire). */
  size: number;
  /** base64 of the captured prefix (at most the per-body cap). */
  captured: string;
  /** True when size exceeds what was captured. */
  truncated: boolean;
  /**
   * True when `captured` already has its Content-Encoding removed (e.g. imported
   * from a HAR, whose content is always decoded); `size` is still the wire size.
   */
  contentDecoded?: boolean;
}

export interface ExchangeTimings {
  /** Request head complete (same as startedAt). */
  received: number;
  /** Upstream connection ready. */
  upstreamConnected?: number;
  /** True when the upstream connection came from the keep-alive pool. */
  connectionReused?: boolean;
  /** Upstream response head received. */
  responseHeaders?: number;
  /** Response end (or WebSocket close). */
  responseEnd?: number;
}

/** The four header sets: what the proxy added, removed or changed is the difference. */
export interface ExchangeHeaders {
  /** As received from the client. */
  clientRequest: RawHeaders;
  /** As forwarded to the upstream (after hop-by-hop removal and X-Forwarded-*). */
  forwardedRequest?: RawHeaders;
  /** As received from the upstream. */
  upstreamResponse?: RawHeaders;
  /** As sent to the client. */
  clientResponse?: RawHeaders;
}

export type WsDirection = 'client-to-upstream' | 'upstream-to-client';

export interface WsMessage {
  direction: WsDirection;
  /** 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  opcode: number;
  /** Full payload size in bytes. */
  size: number;
  /** Epoch ms. */
  time: number;
  /** base64 of the first bytes (up to the message cap). */
  data: string;
  truncated: boolean;
}

/** The full record of one exchange. */
export interface Exchange extends ExchangeSummary {
  tls?: TlsInfo;
  /** Method and path as forwarded upstream (after stripPath). */
  forwardedMethod?: string;
  forwardedPath?: string;
  /** Status received from the upstream (absent when the proxy answered itself). */
  upstreamStatus?: number;
  headers: ExchangeHeaders;
  requestBody: BodyCapture;
  responseBody: BodyCapture;
  timings: ExchangeTimings;
  error?: CodedError;
  /** WebSocket messages, oldest first (bounded; see wsMessagesDropped). */
  wsMessages?: WsMessage[];
  /** Messages not kept because the per-exchange message cap was reached. */
  wsMessagesDropped?: number;
  /** Free-form notes: cache hits, rule decisions, import origin, redactions. */
  notes: string[];
}

/** How a body is shown in the UI (decoded away from the forward path). */
export type DecodedBodyKind = 'empty' | 'text' | 'json' | 'image' | 'hex';

export interface DecodedBody {
  kind: DecodedBodyKind;
  /** Content-Type of the body, as sent. */
  contentType?: string;
  /** Content-Encoding layers that were removed for display, e.g. ["gzip"]. */
  contentEncoding?: string[];
  /** Charset used for text. */
  charset?: string;
  /** text / json (pretty-printed) / hex dump. */
  text?: string;
  /** image: base64 of the decoded bytes, to show as a data: URL with mimeType. */
  base64?: string;
  mimeType?: string;
  /** Size after decoding (of the captured part). */
  decodedSize: number;
  /** The capture was truncated, so what is shown is a prefix. */
  truncated: boolean;
  /** Decoding failed (e.g. corrupt gzip); the body is shown as hex instead. */
  decodeError?: string;
}

export interface ExchangeDetail {
  exchange: Exchange;
  requestBody: DecodedBody;
  responseBody: DecodedBody;
}

/** Filter for exchanges.list (also usable on the renderer side: see exchange-filter.ts). */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'error' | 'pending';

export interface ExchangeFilter {
  /**
   * Case-insensitive substring of what a list row shows: the method ("WS" too for
   * WebSockets), host and path with or without the port ("app.test/api" finds
   * app.test:8443/api), status, target, or error code.
   */
  text?: string;
  /** One or several methods (case-insensitive). */
  method?: string | string[];
  statusClass?: StatusClass[];
  /** Host without port, case-insensitive; "*.app.test" matches subdomains. */
  host?: string;
  routeId?: string;
  source?: ExchangeSource[];
  websocket?: boolean;
}

export type ListOrder = 'oldest-first' | 'newest-first';

/** Headers present in one exchange and not the other, or with different values. */
export interface HeaderDiff {
  added: RawHeaders;
  removed: RawHeaders;
  /** Name (lower-case) with the values on each side, in order. */
  changed: Array<{ name: string; a: string[]; b: string[] }>;
}

export interface BodyDiff {
  equal: boolean;
  sizeA: number;
  sizeB: number;
  /** Byte offset of the first difference in the captured bytes (absent when equal). */
  firstDifference?: number;
  /** A short description of the first difference, e.g. "byte 12: 0x61 vs 0x62". */
  detail?: string;
  /** One side was truncated, so equality covers only the captured prefix and sizes. */
  partial: boolean;
}

export interface ExchangeDiff {
  a: string;
  b: string;
  method?: { a: string; b: string };
  url?: { a: string; b: string };
  status?: { a: number | undefined; b: number | undefined };
  /** Client request headers. */
  requestHeaders: HeaderDiff;
  /** Headers as forwarded upstream. */
  forwardedHeaders: HeaderDiff;
  /** Client response headers. */
  responseHeaders: HeaderDiff;
  requestBody: BodyDiff;
  responseBody: BodyDiff;
}
