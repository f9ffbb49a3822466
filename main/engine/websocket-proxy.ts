import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type * as stream from 'node:stream';
import type { RawHeaders } from '../../shared/http-types';
import { rawResponseHead, sendRawPage } from './client-response';
import { renderErrorPage, type ErrorInfo } from './error-pages';
import { wantsJson, type RouteRuntime } from './forwarder';
import { forwardRequestHeaders, forwardResponseHeaders, forwardUpgradeResponseHeaders } from './forwarded-headers';
import { flatFromPairs, pairsFromFlat, type IncomingHead } from './incoming-request';
import { hostOverride, shouldVerifyTls, upstreamPath } from './route-table';
import type { Tap } from './safe-tap';
import type { Target } from './target';
import type { Timeouts } from './timeouts';
import { classifyUpstreamError, type ProxyFailure } from './upstream-errors';
import { WsFrameTap } from './ws-frame-tap';

export interface UpgradeContext {
  readonly runtime: RouteRuntime;
  readonly head: IncomingHead;
  readonly scheme: 'http' | 'https';
  readonly trusted: boolean;
  readonly hopId: string;
  readonly timeouts: Timeouts;
  readonly tap: Tap;
  /** Most payload bytes reported per WebSocket message. */
  readonly wsCaptureBytes: number;
  isOwnAddress(target: Target): boolean;
  /** Registers the live tunnel under its route; returns the function that unregisters it. */
  track(destroyable: { destroy(): void }): () => void;
  onDone(): void;
}

/** The Upgrade header's value ("websocket" when absent). */
export function upgradeProtocol(head: IncomingHead): string {
  return head.rawHeaders.find(([n]) => n.toLowerCase() === 'upgrade')?.[1] ?? 'websocket';
}

export function isWebSocketUpgrade(head: IncomingHead): boolean {
  return /(^|,)\s*websocket\s*(,|$)/i.test(upgradeProtocol(head));
}

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Opens the upstream request for an upgrade: plain, TLS or unix socket, never pooled. */
function openUpstream(target: Target, verifyTls: boolean, method: string, path: string, headers: RawHeaders): http.ClientRequest {
  const base = { method, path, headers: flatFromPairs(headers) as unknown as http.OutgoingHttpHeaders, agent: false as const, setHost: false };
  if (target.socketPath) return http.request({ ...base, socketPath: target.socketPath });
  if (target.protocol === 'https:') {
    return https.request({
      ...base,
      host: target.hostname,
      port: target.port,
      servername: target.servername,
      rejectUnauthorized: verifyTls,
    });
  }
  return http.request({ ...base, host: target.hostname, port: target.port });
}

/**
 * Proxies an HTTP/1.1 upgrade (WebSocket: Vite/Next HMR and the like): the
 * request head goes upstream with forwarded headers, a 101 is relayed and the
 * two sockets are piped both ways; any other answer is relayed as a normal
 * response. Refused connections fail over like plain requests. The tunnel is
 * tracked so disabling the route closes it.
 */
export class UpgradeExchange {
  private readonly tried = new Set<number>();
  private readonly failures: ProxyFailure[] = [];
  private upstreamRequest: http.ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private tunnel = false;

  constructor(
    private readonly socket: stream.Duplex,
    private readonly clientHead: Buffer,
    private readonly ctx: UpgradeContext,
  ) {}

  start(): void {
    this.socket.on('error', this.onClientGone);
    this.socket.on('close', this.onClientGone);
    this.next();
  }

  private readonly onClientGone = (): void => {
    if (this.done || this.tunnel) return;
    this.clearTimer();
    this.upstreamRequest?.destroy();
    this.finish({ code: 'CLIENT_ABORTED', message: 'the client closed the connection before the upgrade completed' });
  };

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private next(): void {
    const { runtime, head, tap, timeouts } = this.ctx;
    const index = runtime.balancer.pick(head.clientAddress, this.tried);
    if (index < 0) {
      this.failWithPage(this.finalFailure());
      return;
    }
    this.tried.add(index);
    const upstream = runtime.upstreams[index]!;
    const target = upstream.target;
    const route = runtime.route;
    if (this.ctx.isOwnAddress(target)) {
      this.failWithPage({ status: 508, code: 'LOOP_DETECTED', message: `route ${route.id} points at ${target.display}, which is Gatehouse itself` });
      return;
    }
    const upgradeValue = upgradeProtocol(head);
    const { headers, loop } = forwardRequestHeaders(head.rawHeaders, {
      clientAddress: head.clientAddress,
      trusted: this.ctx.trusted,
      scheme: this.ctx.scheme,
      host: head.host,
      httpVersion: head.httpVersion,
      hostOverride: hostOverride(route, target, head),
      hopId: this.ctx.hopId,
      // Only WebSocket upgrades are tunnelled; anything else (h2c from curl --http2) is sent as a
      // plain request and its response relayed, so the client simply stays on HTTP/1.1.
      ...(isWebSocketUpgrade(head) ? { upgrade: upgradeValue } : {}),
    });
    if (loop) {
      this.failWithPage({ status: 508, code: 'LOOP_DETECTED', message: `the request came back through Gatehouse: route ${route.id} → ${target.display} leads to Gatehouse again` });
      return;
    }
    const path = upstreamPath(route, target, head.url);
    tap.target(target.url);
    tap.forwarded(head.method, path, headers);
    const req = openUpstream(target, shouldVerifyTls(route, target), head.method, path, headers);
    this.upstreamRequest = req;
    upstream.health.active++;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      upstream.health.active--;
      this.clearTimer();
      return true;
    };
    this.timer = setTimeout(() => req.destroy(codedError('UND_ERR_CONNECT_TIMEOUT', 'connect timeout')), timeouts.upstreamConnect);
    req.on('socket', (s: net.Socket) => {
      const connected = () => {
        tap.upstreamConnected(false);
        this.clearTimer();
        this.timer = setTimeout(() => req.destroy(codedError('UND_ERR_HEADERS_TIMEOUT', 'headers timeout')), timeouts.upstreamHeaders);
      };
      s.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    req.on('upgrade', (res: http.IncomingMessage, upSocket: net.Socket, upHead: Buffer) => {
      if (!settle() || this.done) {
        upSocket.destroy();
        return;
      }
      upstream.health.markUp();
      this.relayTunnel(res, upSocket, upHead);
    });
    req.on('response', (res: http.IncomingMessage) => {
      if (!settle() || this.done) {
        res.destroy();
        return;
      }
      upstream.health.markUp();
      this.relayResponse(res);
    });
    req.on('error', (err: Error) => {
      if (!settle() || this.done) return;
      const failure = classifyUpstreamError(err, target, {
        connectTimeoutMs: timeouts.upstreamConnect,
        headersTimeoutMs: timeouts.upstreamHeaders,
      });
      if (failure.markDown) upstream.health.markDown(failure.message, Date.now());
      this.failures.push(failure);
      if (failure.connectPhase) this.next();
      else this.failWithPage(failure);
    });
    req.end();
  }

  private relayTunnel(res: http.IncomingMessage, upSocket: net.Socket, upHead: Buffer): void {
    const { tap } = this.ctx;
    const client = this.socket;
    const received = pairsFromFlat(res.rawHeaders);
    tap.upstreamResponse(res.statusCode ?? 101, received);
    const out = forwardUpgradeResponseHeaders(received);
    tap.clientResponse(res.statusCode ?? 101, out);
    if (client.destroyed) {
      upSocket.destroy();
      this.finish({ code: 'CLIENT_ABORTED', message: 'the client left before the upgrade completed' });
      return;
    }
    this.tunnel = true;
    client.off('error', this.onClientGone);
    client.off('close', this.onClientGone);
    const c = client as Partial<net.Socket>;
    c.setTimeout?.(0);
    c.setNoDelay?.(true);
    upSocket.setNoDelay(true);
    upSocket.setTimeout(0);

    if (tap.active) {
      const cap = this.ctx.wsCaptureBytes;
      const toUpstream = new WsFrameTap((op, p) => tap.wsMessage('client-to-upstream', op, p), cap);
      const toClient = new WsFrameTap((op, p) => tap.wsMessage('upstream-to-client', op, p), cap);
      if (this.clientHead.length) toUpstream.push(this.clientHead);
      if (upHead.length) toClient.push(upHead);
      client.on('data', (d: Buffer) => toUpstream.push(d));
      upSocket.on('data', (d: Buffer) => toClient.push(d));
    }

    client.write(rawResponseHead(res.statusCode ?? 101, res.statusMessage || 'Switching Protocols', out), 'latin1');
    if (upHead.length) client.write(upHead);
    if (this.clientHead.length) upSocket.write(this.clientHead);

    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      untrack();
      client.destroy();
      upSocket.destroy();
      this.finish();
    };
    const untrack = this.ctx.track({ destroy: close });
    client.on('error', close);
    upSocket.on('error', close);
    client.on('close', close);
    upSocket.on('close', close);
    // Half-close passes through; the sockets close for good once both sides are done.
    upSocket.pipe(client);
    client.pipe(upSocket);
  }

  private relayResponse(res: http.IncomingMessage): void {
    const client = this.socket;
    const received = pairsFromFlat(res.rawHeaders);
    const status = res.statusCode ?? 502;
    this.ctx.tap.upstreamResponse(status, received);
    const out: RawHeaders = [...forwardResponseHeaders(received), ['Connection', 'close']];
    this.ctx.tap.clientResponse(status, out);
    if (client.destroyed) {
      res.destroy();
      this.finish({ code: 'CLIENT_ABORTED', message: 'the client left before the response' });
      return;
    }
    client.write(rawResponseHead(status, res.statusMessage || '', out), 'latin1');
    if (this.ctx.tap.active) res.on('data', (d: Buffer) => this.ctx.tap.responseBody(d));
    res.pipe(client);
    res.on('error', () => client.destroy());
    res.on('end', () => this.finish());
  }

  private finalFailure(): ErrorInfo {
    const last = this.failures[this.failures.length - 1];
    if (!last) return { status: 502, code: 'NO_TARGETS', message: `route ${this.ctx.runtime.route.id} has no targets` };
    if (this.failures.length > 1 && this.failures.every((f) => f.code === 'UPSTREAM_REFUSED')) {
      return {
        status: 502,
        code: 'ALL_TARGETS_DOWN',
        message: `nothing is listening on ${this.ctx.runtime.upstreams.map((u) => u.target.display).join(', ')} — is your dev server running?`,
      };
    }
    return last;
  }

  private failWithPage(error: ErrorInfo): void {
    if (this.done) return;
    sendRawPage(this.socket, renderErrorPage(error, { json: wantsJson(this.ctx.head), close: true }), this.ctx.tap);
    this.finish(error);
  }

  private finish(error?: { code: string; message: string }): void {
    if (this.done) return;
    this.done = true;
    this.clearTimer();
    this.ctx.tap.finish(error);
    this.ctx.onDone();
  }
}
