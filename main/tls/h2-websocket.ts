import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import type { RawHeaders } from '../../shared/http-types';
import { sendPage } from '../engine/client-response';
import type { Engine } from '../engine/engine';
import { renderErrorPage, type ErrorInfo } from '../engine/error-pages';
import { forwardResponseHeaders } from '../engine/forwarded-headers';
import { flatFromPairs, pairsFromFlat } from '../engine/incoming-request';
import type { Logger } from '../engine/logger';
import { misdirectedRequest } from '../engine/misdirected';
import { shouldVerifyTls } from '../engine/route-table';
import { NOOP_TAP, type Tap } from '../engine/safe-tap';
import { WsFrameTap } from '../engine/ws-frame-tap';
import type { Target } from '../engine/target';
import type { Timeouts } from '../engine/timeouts';
import { classifyUpstreamError } from '../engine/upstream-errors';
import { tlsInfoOf, tlsSocketOf } from './tls-connection-info';

/**
 * WebSockets over HTTP/2 (RFC 8441 extended CONNECT, `:protocol: websocket`),
 * which browsers use when the server offers SETTINGS_ENABLE_CONNECT_PROTOCOL.
 * Dev servers speak HTTP/1.1, so the stream is proxied to the upstream as an
 * HTTP/1.1 Upgrade: 101 from the upstream becomes 200 on the stream, and the
 * stream and the upstream socket are then piped both ways. Any other upstream
 * answer is relayed as a normal response.
 */

export type H2WebSocketEngine = Pick<Engine, 'resolve' | 'upstreamHeaders' | 'trackUpgrade'> &
  Partial<Pick<Engine, 'beginExchange' | 'wsCaptureBytes'>>;

export interface H2WebSocketDeps {
  engine: H2WebSocketEngine;
  timeouts: () => Pick<Timeouts, 'upstreamConnect' | 'upstreamHeaders'>;
  logger: Logger;
}

/** How long a tunnel whose upstream closed waits for the client to end its side before being reset. */
const HALF_CLOSE_GRACE_MS = 2_000;

function fail(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, error: ErrorInfo, tap: Tap = NOOP_TAP): void {
  const json = /application\/json/i.test(String(req.headers.accept ?? ''));
  if (!sendPage(res, renderErrorPage(error, { json }), tap)) req.stream.close(http2.constants.NGHTTP2_CANCEL);
  tap.finish(error);
}

/** Raw pairs → an http2 header object (repeated names become arrays); hop-by-hop already removed. */
function h2Headers(status: number, pairs: RawHeaders, tunnel = false): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = { ':status': status };
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    // A tunnel has no Sec-WebSocket-Accept in HTTP/2 (RFC 8441 §5) and no length.
    if (tunnel && (key === 'sec-websocket-accept' || key === 'content-length')) continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }
  return out;
}

function openUpstream(target: Target, verifyTls: boolean, path: string, headers: RawHeaders): http.ClientRequest {
  const base = {
    method: 'GET',
    path,
    headers: flatFromPairs(headers) as unknown as http.OutgoingHttpHeaders,
    agent: false as const,
    setHost: false,
  };
  if (target.socketPath) return http.request({ ...base, socketPath: target.socketPath });
  if (target.protocol === 'https:') {
    return https.request({
      ...base,
      host: target.hostname,
      port: target.port,
      servername: net.isIP(target.hostname) ? undefined : target.hostname,
      rejectUnauthorized: verifyTls,
    });
  }
  return http.request({ ...base, host: target.hostname, port: target.port });
}

/** Handles one HTTP/2 CONNECT stream (the server's 'connect' event for an HTTP/2 request). */
export function proxyH2Connect(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, deps: H2WebSocketDeps): void {
  const stream = req.stream;
  stream.on('error', () => undefined);
  const protocol = req.headers[':protocol'];
  if (protocol === undefined) {
    fail(req, res, {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: 'Gatehouse is a reverse proxy, not a forward proxy: CONNECT is not supported',
    });
    return;
  }
  if (String(protocol).toLowerCase() !== 'websocket') {
    fail(req, res, { status: 501, code: 'NOT_IMPLEMENTED', message: `extended CONNECT for "${String(protocol)}" is not supported (only websocket)` });
    return;
  }

  const host = req.authority || String(req.headers.host ?? '');
  const path = String(req.headers[':path'] ?? '/');
  const clientAddress = req.socket?.remoteAddress ?? '';
  const tls = tlsInfoOf(tlsSocketOf(req));
  // A tunnel for a host this connection's certificate does not cover, or for a route without HTTPS: 421.
  const misdirected = misdirectedRequest(host, tls.sni, undefined);
  if (misdirected) {
    fail(req, res, misdirected);
    return;
  }
  const resolved = deps.engine.resolve(host, path, clientAddress);
  if (resolved && !resolved.route.https) {
    fail(req, res, misdirectedRequest(host, undefined, resolved.route)!);
    return;
  }
  if (!resolved) {
    fail(req, res, { status: 404, code: 'NO_ROUTE', message: `no enabled route with a reachable target for ${host}${path === '/' ? '' : path.split('?')[0]}` });
    return;
  }
  const { route, target, upstreamPath } = resolved;
  const received = pairsFromFlat(req.rawHeaders);
  const tap: Tap = (deps.engine.beginExchange?.bind(deps.engine) ?? (() => NOOP_TAP))(
    {
      startedAt: Date.now(),
      clientAddress,
      clientPort: req.socket?.remotePort ?? 0,
      httpVersion: '2',
      scheme: 'https',
      method: 'CONNECT',
      host,
      url: path,
      requestHeaders: received,
      routeId: route.id,
      websocket: true,
      tls,
    },
    route,
  );
  const forwarded = deps.engine.upstreamHeaders(received, {
    host,
    clientAddress,
    scheme: 'https',
    httpVersion: '2',
    route,
    target,
    upgrade: 'websocket',
  });
  if (!forwarded) {
    fail(req, res, { status: 508, code: 'LOOP_DETECTED', message: `the request came back through Gatehouse: route ${route.id} → ${target.display} leads to Gatehouse again` }, tap);
    return;
  }
  // HTTP/1.1 needs a handshake key that HTTP/2 does not have.
  const headers: RawHeaders = forwarded.filter(([n]) => n.toLowerCase() !== 'sec-websocket-key');
  headers.push(['Sec-WebSocket-Key', crypto.randomBytes(16).toString('base64')]);
  if (!headers.some(([n]) => n.toLowerCase() === 'sec-websocket-version')) headers.push(['Sec-WebSocket-Version', '13']);

  tap.target(target.url);
  tap.forwarded('GET', upstreamPath, headers);
  const timeouts = deps.timeouts();
  const upstream = openUpstream(target, shouldVerifyTls(route, target), upstreamPath, headers);
  let timer: NodeJS.Timeout | undefined = setTimeout(
    () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
    timeouts.upstreamConnect,
  );
  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  let settled = false;
  const onClientGone = () => {
    if (settled) return;
    settled = true;
    clearTimer();
    upstream.destroy();
    tap.finish({ code: 'CLIENT_ABORTED', message: 'the client closed the stream before the upstream answered' });
  };
  stream.once('close', onClientGone);

  upstream.on('socket', (socket: net.Socket) => {
    socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      clearTimer();
      tap.upstreamConnected(false);
      timer = setTimeout(
        () => upstream.destroy(Object.assign(new Error('headers timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' })),
        timeouts.upstreamHeaders,
      );
    });
  });

  upstream.on('upgrade', (upRes: http.IncomingMessage, upSocket: net.Socket, upHead: Buffer) => {
    if (settled) {
      upSocket.destroy();
      return;
    }
    settled = true;
    clearTimer();
    stream.off('close', onClientGone);
    tunnel(stream, upRes, upSocket, upHead, route.id, deps, tap);
  });

  upstream.on('response', (upRes: http.IncomingMessage) => {
    if (settled) {
      upRes.destroy();
      return;
    }
    settled = true;
    clearTimer();
    stream.off('close', onClientGone);
    // The upstream refused the upgrade (404, 403, 426…): relay its answer as it is.
    const status = upRes.statusCode ?? 502;
    const upHeaders = pairsFromFlat(upRes.rawHeaders);
    tap.upstreamResponse(status, upHeaders);
    try {
      stream.respond(h2Headers(status, forwardResponseHeaders(upHeaders)));
    } catch (err) {
      upRes.destroy();
      tap.finish({ code: 'UPSTREAM_BAD_RESPONSE', message: (err as Error).message });
      return;
    }
    tap.clientResponse(status, sentHeaderPairs(stream));
    if (tap.active) upRes.on('data', (d: Buffer) => tap.responseBody(d));
    upRes.pipe(stream);
    stream.once('close', () => {
      upRes.destroy();
      tap.finish();
    });
  });

  upstream.on('error', (err: Error) => {
    if (settled) return;
    settled = true;
    clearTimer();
    stream.off('close', onClientGone);
    const failure = classifyUpstreamError(err, target, {
      connectTimeoutMs: timeouts.upstreamConnect,
      headersTimeoutMs: timeouts.upstreamHeaders,
    });
    fail(req, res, failure, tap);
  });
  upstream.end();
}

function tunnel(
  stream: http2.ServerHttp2Stream,
  upRes: http.IncomingMessage,
  upSocket: net.Socket,
  upHead: Buffer,
  routeId: string,
  deps: H2WebSocketDeps,
  tap: Tap,
): void {
  upSocket.on('error', () => undefined);
  if (stream.destroyed || stream.closed) {
    upSocket.destroy();
    tap.finish({ code: 'CLIENT_ABORTED', message: 'the client closed the stream before the upstream answered' });
    return;
  }
  const upHeaders = pairsFromFlat(upRes.rawHeaders);
  tap.upstreamResponse(upRes.statusCode ?? 101, upHeaders);
  try {
    stream.respond(h2Headers(200, forwardResponseHeaders(upHeaders), true));
  } catch (err) {
    deps.logger.warn(`HTTP/2 WebSocket: could not answer the client: ${(err as Error).message}`);
    upSocket.destroy();
    tap.finish({ code: 'UPSTREAM_BAD_RESPONSE', message: (err as Error).message });
    return;
  }
  tap.clientResponse(200, sentHeaderPairs(stream));
  if (tap.active) {
    const cap = deps.engine.wsCaptureBytes ?? 64 * 1024;
    const toUpstream = new WsFrameTap((op, p) => tap.wsMessage('client-to-upstream', op, p), cap);
    const toClient = new WsFrameTap((op, p) => tap.wsMessage('upstream-to-client', op, p), cap);
    if (upHead.length > 0) toClient.push(upHead);
    stream.on('data', (d: Buffer) => toUpstream.push(d));
    upSocket.on('data', (d: Buffer) => toClient.push(d));
  }
  upSocket.setNoDelay(true);
  upSocket.setTimeout(0);
  if (upHead.length > 0) stream.write(upHead);
  upSocket.pipe(stream);
  stream.pipe(upSocket);

  let graceTimer: NodeJS.Timeout | undefined;
  const reset = () => {
    if (!stream.closed && !stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
  };
  upSocket.once('close', (hadError: boolean) => {
    if (hadError) return reset();
    // Clean close: our END_STREAM is on its way (pipe); give the client a moment to end its side.
    graceTimer = setTimeout(reset, HALF_CLOSE_GRACE_MS);
    graceTimer.unref();
  });
  stream.once('close', () => {
    if (graceTimer) clearTimeout(graceTimer);
    upSocket.destroy();
    tap.finish();
  });
  // Disabling or removing the route closes the tunnel; the entry unregisters itself on close.
  const tracked = {
    destroy: () => {
      upSocket.destroy();
      reset();
    },
    once: (event: 'close', listener: () => void) => stream.once(event, listener),
  };
  deps.engine.trackUpgrade(routeId, tracked);
}

/** The headers an HTTP/2 stream sent, lower case, pseudo-headers excluded (what the recorder shows). */
function sentHeaderPairs(stream: http2.ServerHttp2Stream): RawHeaders {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(stream.sentHeaders ?? {})) {
    if (name.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else out.push([name, String(value)]);
  }
  return out;
}
