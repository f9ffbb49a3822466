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
import { headerValue } from '../../shared/raw-headers';
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

export function headersBytes(headers: RawHeaders | undefined): number {
  if (!headers) return 0;
  let n = 0;
  for (const [k, v] of headers) n += k.length + v.length + 16;
  return n;
}

export class RecordedExchange {
  state: ExchangeState = 'pending';
  endedAt?: number;
  tls?: TlsInfo;
  target?: string;
  status?: number;
  upstreamStatus?: number;
  forwardedMethod?: string;
  forwardedPath?: string;
  forwardedRequest?: RawHeaders;
  upstreamResponse?: RawHeaders;
  clientResponse?: RawHeaders;
  routeId?: string;
  replayOf?: string;
  error?: CodedError;
  timings: ExchangeTimings;
  wsMessages?: RecordedWsMessage[];
  wsMessagesDropped = 0;
  wsMessageTotal = 0;
  notes: string[] = [];
  responseContentDecoded = false;
  /** Estimated bytes this record holds (kept current by whoever grows it). */
  bytes: number;
  /** Set when the store dropped it; taps still running stop accounting. */
  evicted = false;

  constructor(
    readonly id: string,
    readonly seq: number,
    readonly source: ExchangeSource,
    readonly startedAt: number,
    readonly clientAddress: string,
    readonly clientPort: number,
    readonly scheme: 'http' | 'https',
    readonly httpVersion: HttpVersion,
    readonly method: string,
    readonly host: string,
    readonly url: string,
    readonly clientRequest: RawHeaders,
    readonly websocket: boolean,
    readonly requestBody: BodyTap,
    readonly responseBody: BodyTap,
  ) {
    this.timings = { received: startedAt };
    this.bytes = RECORD_OVERHEAD_BYTES + headersBytes(clientRequest) + url.length + host.length;
    if (websocket) this.wsMessages = [];
  }

  /** Adds a WebSocket message, keeping at most `max` (oldest dropped). Returns the byte delta. */
  addWsMessage(m: RecordedWsMessage, max: number): number {
    const list = this.wsMessages ?? (this.wsMessages = []);
    list.push(m);
    this.wsMessageTotal++;
    let delta = m.data.length + WS_MESSAGE_OVERHEAD_BYTES;
    while (list.length > max) {
      const dropped = list.shift()!;
      this.wsMessagesDropped++;
      delta -= dropped.data.length + WS_MESSAGE_OVERHEAD_BYTES;
    }
    return delta;
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
    const ct = this.clientResponse ? headerValue(this.clientResponse, 'content-type') : undefined;
    if (ct !== undefined) s.contentType = ct;
    if (this.websocket) s.wsMessageCount = this.wsMessageTotal;
    if (this.error) s.errorCode = this.error.code;
    if (this.replayOf !== undefined) s.replayOf = this.replayOf;
    return s;
  }

  toExchange(): Exchange {
    const x: Exchange = {
      ...this.summary(),
      headers: { clientRequest: this.clientRequest.map(([k, v]) => [k, v]) },
      requestBody: { size: this.requestBody.size, captured: bytesToBase64(this.requestBody.bytes()), truncated: this.requestBody.truncated },
      responseBody: { size: this.responseBody.size, captured: bytesToBase64(this.responseBody.bytes()), truncated: this.responseBody.truncated },
      timings: { ...this.timings },
      notes: [...this.notes],
    };
    if (this.responseContentDecoded) x.responseBody.contentDecoded = true;
    if (this.forwardedRequest) x.headers.forwardedRequest = this.forwardedRequest.map(([k, v]) => [k, v]);
    if (this.upstreamResponse) x.headers.upstreamResponse = this.upstreamResponse.map(([k, v]) => [k, v]);
    if (this.clientResponse) x.headers.clientResponse = this.clientResponse.map(([k, v]) => [k, v]);
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
