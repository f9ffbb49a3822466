import type { CodedError, HttpVersion, RawHeaders, TlsInfo } from '../../shared/http-types';

/**
 * The seam between the forward path and the recorder. The forwarder calls these
 * hooks as an exchange progresses; an implementation must never block, throw,
 * or hold on to a chunk it was not allowed to copy (copy-on-tap, with a cap).
 */
export interface ExchangeStart {
  /** Epoch milliseconds when the request head was complete. */
  startedAt: number;
  clientAddress: string;
  clientPort: number;
  httpVersion: HttpVersion;
  scheme: 'http' | 'https';
  tls?: TlsInfo;
  method: string;
  /** Host as the client sent it (Host or :authority), port included if given. */
  host: string;
  /** Path and query as the client sent them. */
  url: string;
  /** Headers exactly as received from the client. */
  requestHeaders: RawHeaders;
  /** Id of the matched route, undefined when no route matched. */
  routeId?: string;
  /** True for a WebSocket upgrade / extended CONNECT. */
  websocket?: boolean;
}

export type WsDirection = 'client-to-upstream' | 'upstream-to-client';

/**
 * A header set as the forward path has it: raw pairs, or a serialised HTTP/1 head
 * exactly as written on the wire (a start line, then "Name: value" lines, CRLF
 * separated; see parseHeadBlock). The recorder keeps a serialised head as one
 * string and parses it only when someone reads the exchange: recording stays
 * off the critical path and holds one string instead of an array per header.
 */
export type TapHeaders = RawHeaders | string;

export interface ExchangeTap {
  /** Upstream chosen for this attempt (may be called again on failover). */
  target(url: string): void;
  /** Headers exactly as forwarded upstream (after hop-by-hop removal and X-Forwarded-*). */
  forwarded(method: string, path: string, headers: TapHeaders): void;
  /** Connection to the upstream ready; reused=true when taken from the keep-alive pool. */
  upstreamConnected(reused: boolean): void;
  /** Response head as received from the upstream. */
  upstreamResponse(status: number, headers: RawHeaders): void;
  /** Response head as sent to the client (the proxy's own error pages included). */
  clientResponse(status: number, headers: TapHeaders): void;
  requestBody(chunk: Uint8Array): void;
  responseBody(chunk: Uint8Array): void;
  wsMessage(direction: WsDirection, opcode: number, payload: Uint8Array): void;
  /** What a route feature did to this exchange ("rate limit: 429", "response headers: set X-Served-By"). Optional. */
  note?(text: string): void;
  /** Exactly once, when the exchange is over (response ended, failed, or socket closed). */
  finish(error?: CodedError): void;
}

export interface ExchangeObserver {
  /** Returns null when this exchange is not to be recorded (paused, route excluded). */
  begin(start: ExchangeStart): ExchangeTap | null;
}
