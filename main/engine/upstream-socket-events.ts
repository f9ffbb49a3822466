import * as diagnostics from 'node:diagnostics_channel';

/**
 * Tells a forwarded request whether undici wrote it on a fresh or a reused
 * (keep-alive) upstream connection. undici calls the handler's onConnect and
 * then, synchronously in the same function, publishes 'undici:client:sendHeaders'
 * with the socket; the handler claims that very next message. A WeakMap counts
 * requests per socket.
 */
export interface SocketClaimant {
  readonly upstreamPath: string;
  onUpstreamSocket(reused: boolean, wire: WireRequest): void;
}

/** What undici is writing: its serialised head (without the framing header it appends) and its request. */
export interface WireRequest {
  headers: string;
  request: { method?: string; body?: unknown; contentLength?: number | null };
}

const uses = new WeakMap<object, number>();
let claimant: SocketClaimant | undefined;
let subscribed = false;

interface SendHeadersMessage {
  request: { path?: string; method?: string; body?: unknown; contentLength?: number | null };
  headers: string;
  socket: object;
}

function onSendHeaders(message: unknown): void {
  const m = message as SendHeadersMessage;
  const c = claimant;
  claimant = undefined;
  if (!c || m.request?.path !== c.upstreamPath) return;
  const n = uses.get(m.socket) ?? 0;
  uses.set(m.socket, n + 1);
  c.onUpstreamSocket(n > 0, m);
}

/** Call from the handler's onConnect: the next sendHeaders message is this request's. */
export function claimNextUpstreamSocket(c: SocketClaimant): void {
  if (!subscribed) {
    subscribed = true;
    diagnostics.subscribe('undici:client:sendHeaders', onSendHeaders);
  }
  claimant = c;
  // If undici aborted before writing, nothing must claim a later, unrelated message.
  queueMicrotask(() => {
    if (claimant === c) claimant = undefined;
  });
}

/** Methods for which undici sends `content-length: 0` when there is no body (client-h1 expectsPayload). */
const EXPECTS_PAYLOAD = new Set(['PUT', 'POST', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH']);

/**
 * The request head exactly as undici writes it, as one serialised head: the sendHeaders
 * block (request line, lower-case host and connection first, then ours) plus the framing
 * header undici appends when it writes the body (content-length, or transfer-encoding:
 * chunked for a body of unknown length; a streamed body that turns out empty is announced
 * when it ends, which this cannot foresee). No parsing here: the recorder parses on read.
 */
export function wireRequestHead(wire: WireRequest): string {
  const { method = 'GET', body, contentLength = null } = wire.request;
  const expectsPayload = EXPECTS_PAYLOAD.has(method);
  let length: number | null = body == null ? 0 : streamLength(body);
  if (length === null) length = contentLength;
  if (length === 0 && !expectsPayload) length = null;
  if (body == null || length === 0) return length === 0 ? `${wire.headers}content-length: 0\r\n` : wire.headers;
  if (length === null) return `${wire.headers}transfer-encoding: chunked\r\n`;
  return `${wire.headers}content-length: ${length}\r\n`;
}

function streamLength(body: unknown): number | null {
  const state = (body as { _readableState?: { objectMode: boolean; ended: boolean; length: number } })._readableState;
  if (!state) return null;
  return state.objectMode === false && state.ended === true && Number.isFinite(state.length) ? state.length : null;
}
