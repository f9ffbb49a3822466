/**
 * Replay: resend a recorded request, as it was or edited, either through the
 * proxy's own listener (so the route applies and the engine records the replay,
 * linked to its original by the client port we connect from) or straight to an
 * upstream target (recorded here, with the same link).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { RawHeaders } from '../../shared/http-types';
import type { ReplayParams, ReplayResult } from '../../shared/api-contract';
import type { Exchange } from '../../shared/exchange-types';
import { requestSpecOf, pathOf, type RequestSpec } from '../../shared/request-spec';
import { headerValue } from '../../shared/raw-headers';
import type { Recorder } from '../recorder/recorder';
import type { ExchangeTap } from '../engine/exchange-observer';
import { normalizeHost } from '../engine/route-table';
import { ApiFailure, badRequest, notAvailable, notFound } from './api-error';

export interface ProxyEndpoints {
  /** Port of the proxy's plain HTTP listener. */
  httpPort?: number;
  /** Port of the proxy's HTTPS listener, when it runs. */
  httpsPort?: number;
}

export interface ReplayerOptions {
  recorder: Recorder;
  endpoints: () => ProxyEndpoints;
  /** Gives up on a replay after this long (default 30 s). */
  timeoutMs?: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

interface Parsed {
  scheme: 'http' | 'https';
  hostname: string;
  port: number;
  authority: string;
}

function parseOrigin(url: string): Parsed {
  const m = /^(https?):\/\/(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?/i.exec(url);
  if (!m) throw badRequest(`cannot send to "${url}": only http:// and https:// URLs can be replayed`);
  const scheme = m[1]!.toLowerCase() as 'http' | 'https';
  const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80;
  return { scheme, hostname: m[2]!.replace(/^\[|\]$/g, ''), port, authority: m[3] ? `${m[2]}:${m[3]}` : m[2]! };
}

function pairsOf(raw: string[]): RawHeaders {
  const out: RawHeaders = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Headers to send: the spec's, plus a Host when there is none and a Content-Length when there is a body. */
function wireHeaders(spec: RequestSpec, authority: string): RawHeaders {
  const headers: RawHeaders = spec.headers.map(([k, v]) => [k, v]);
  if (headerValue(headers, 'host') === undefined) headers.unshift(['Host', authority]);
  if (spec.body.length > 0 || BODY_METHODS.has(spec.method.toUpperCase())) headers.push(['Content-Length', String(spec.body.length)]);
  return headers;
}

function connect(host: string, port: number, secure: boolean, servername: string | undefined, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = secure
      ? tls.connect({ host, port, servername: servername && net.isIP(servername) === 0 ? servername : undefined, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`connecting to ${net.isIPv6(host) ? `[${host}]` : host}:${port} timed out`), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}

interface Sent {
  status: number;
  headers: RawHeaders;
}

/** Sends one request on an open socket; streams response chunks to onChunk; resolves at the end of the response. */
function send(socket: net.Socket, spec: RequestSpec, path: string, headers: RawHeaders, timeoutMs: number, onHead: (s: Sent) => void, onChunk: (c: Buffer) => void): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      // No agent: the request goes on exactly this socket (an agent would open its own connection).
      createConnection: () => socket,
      method: spec.method,
      path,
      headers: headers.flat(),
      setHost: false,
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no complete response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('response', (res) => {
      const head = { status: res.statusCode ?? 0, headers: pairsOf(res.rawHeaders) };
      onHead(head);
      res.on('data', onChunk);
      res.on('end', () => {
        clearTimeout(timer);
        resolve(head);
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(spec.body.length > 0 ? Buffer.from(spec.body) : undefined);
  });
}

function codeOf(err: unknown): string {
  const c = (err as { code?: unknown }).code;
  if (c === 'ECONNREFUSED') return 'upstream-refused';
  if (c === 'ECONNRESET' || c === 'EPIPE') return 'upstream-reset';
  if (c === 'ETIMEDOUT') return 'upstream-timeout';
  return typeof c === 'string' ? c.toLowerCase() : 'replay-failed';
}

export class Replayer {
  private readonly timeoutMs: number;

  constructor(private readonly options: ReplayerOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private original(id: string): Exchange {
    const x = this.options.recorder.get(id);
    if (!x) throw notFound(`no recorded exchange "${id}" (it may have been dropped from memory or cleared)`);
    if (x.websocket) throw badRequest(`exchange ${id} is a WebSocket connection; only plain HTTP requests can be replayed`);
    return x;
  }

  async replay(params: ReplayParams): Promise<ReplayResult> {
    if (typeof params.id !== 'string') throw badRequest('replay needs the id of a recorded exchange');
    const x = this.original(params.id);
    const via = params.via ?? { kind: 'route' };
    if (via.kind === 'target') {
      if (typeof via.target !== 'string') throw badRequest('replay via target needs a target URL, e.g. "http://127.0.0.1:3000"');
      return this.toTarget(x, params, via.target);
    }
    if (via.kind !== 'route') throw badRequest(`unknown replay destination "${String((via as { kind: unknown }).kind)}"; use "route" or "target"`);
    return this.throughRoute(x, params);
  }

  private spec(x: Exchange, params: ReplayParams, to: 'proxy' | 'upstream'): RequestSpec {
    try {
      return requestSpecOf(x, params.edit, to);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }

  /** Sends to the proxy's own listener; the engine records the replay. */
  private async throughRoute(x: Exchange, params: ReplayParams): Promise<ReplayResult> {
    const spec = this.spec(x, params, 'proxy');
    const origin = parseOrigin(spec.url);
    const endpoints = this.options.endpoints();
    const port = origin.scheme === 'https' ? endpoints.httpsPort : endpoints.httpPort;
    if (port === undefined) {
      throw notAvailable(`the proxy has no ${origin.scheme.toUpperCase()} listener running, so the request cannot go through its route; replay it straight to a target instead`);
    }
    const headers = wireHeaders(spec, origin.authority);
    // The proxy routes by Host, and an HTTPS connection serves only the name it was opened for
    // (421 for any other): the TLS server name is the Host the request carries, an edited one too.
    const servername = normalizeHost(headerValue(headers, 'host') ?? origin.authority);
    let socket: net.Socket | undefined;
    for (const host of ['127.0.0.1', '::1']) {
      try {
        socket = await connect(host, port, origin.scheme === 'https', servername, this.timeoutMs);
        break;
      } catch {
        // try the next loopback address
      }
    }
    if (!socket) throw new ApiFailure('proxy-unreachable', `could not connect to the proxy's own listener on port ${port}`, 502);
    let newId: string | undefined;
    const cancel = this.options.recorder.expectReplay(socket.localPort!, { replayOf: x.id, onBegin: (id) => (newId = id) });
    try {
      const head = await send(socket, spec, pathOf(spec.url), headers, this.timeoutMs, () => {}, () => {});
      if (newId === undefined) throw new ApiFailure('replay-not-recorded', 'the proxy answered but did not record the replay', 500);
      return { id: newId, status: head.status };
    } catch (err) {
      if (err instanceof ApiFailure) throw err;
      if (newId !== undefined) return { id: newId, error: { code: codeOf(err), message: (err as Error).message } };
      throw new ApiFailure(codeOf(err), `replay failed: ${(err as Error).message}`, 502);
    } finally {
      cancel();
      socket.destroy();
    }
  }

  /** Sends straight to an upstream and records the exchange here. */
  private async toTarget(x: Exchange, params: ReplayParams, target: string): Promise<ReplayResult> {
    const base = this.spec(x, params, x.headers.forwardedRequest && x.target ? 'upstream' : 'proxy');
    const origin = parseOrigin(target);
    const path = params.edit?.url && !/^[a-z]+:\/\//i.test(params.edit.url) ? params.edit.url : pathOf(base.url);
    const spec: RequestSpec = { ...base, url: `${origin.scheme}://${origin.authority}${path}` };
    const headers = wireHeaders(spec, origin.authority);
    const recorder = this.options.recorder;
    let tap: (ExchangeTap & { readonly id: string }) | undefined;
    let socket: net.Socket | undefined;
    try {
      socket = await connect(origin.hostname, origin.port, origin.scheme === 'https', origin.hostname, this.timeoutMs);
      tap = recorder.record(
        {
          startedAt: Date.now(),
          clientAddress: socket.localAddress ?? '127.0.0.1',
          clientPort: socket.localPort ?? 0,
          httpVersion: '1.1',
          scheme: origin.scheme,
          method: spec.method,
          host: headerValue(headers, 'host') ?? origin.authority,
          url: path,
          requestHeaders: headers,
          ...(x.routeId !== undefined ? { routeId: x.routeId } : {}),
        },
        'replay',
        x.id,
      );
      tap.target(`${origin.scheme}://${origin.authority}`);
      tap.forwarded(spec.method, path, headers);
      tap.upstreamConnected(false);
      if (spec.body.length > 0) tap.requestBody(spec.body);
      const t = tap;
      const head = await send(
        socket,
        spec,
        path,
        headers,
        this.timeoutMs,
        (h) => {
          t.upstreamResponse(h.status, h.headers);
          t.clientResponse(h.status, h.headers);
        },
        (chunk) => t.responseBody(chunk),
      );
      tap.finish();
      return { id: tap.id, status: head.status };
    } catch (err) {
      const error = { code: codeOf(err), message: `replay to ${target} failed: ${(err as Error).message}` };
      if (!tap) {
        // Could not even connect: record the attempt so it shows up, linked to its original.
        tap = recorder.record(
          { startedAt: Date.now(), clientAddress: '127.0.0.1', clientPort: 0, httpVersion: '1.1', scheme: origin.scheme, method: spec.method, host: origin.authority, url: path, requestHeaders: headers },
          'replay',
          x.id,
        );
        tap.target(`${origin.scheme}://${origin.authority}`);
      }
      tap.finish(error);
      return { id: tap.id, error };
    } finally {
      socket?.destroy();
    }
  }
}
