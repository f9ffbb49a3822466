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
  onUpstreamSocket(reused: boolean): void;
}

const uses = new WeakMap<object, number>();
let claimant: SocketClaimant | undefined;
let subscribed = false;

interface SendHeadersMessage {
  request: { path?: string };
  socket: object;
}

function onSendHeaders(message: unknown): void {
  const m = message as SendHeadersMessage;
  const c = claimant;
  claimant = undefined;
  if (!c || m.request?.path !== c.upstreamPath) return;
  const n = uses.get(m.socket) ?? 0;
  uses.set(m.socket, n + 1);
  c.onUpstreamSocket(n > 0);
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
