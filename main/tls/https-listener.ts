import * as http2 from 'node:http2';
import type * as http from 'node:http';
import type * as net from 'node:net';
import type * as stream from 'node:stream';
import type * as tls from 'node:tls';
import { DEFAULT_HTTPS_PORT, DEFAULT_LISTEN, DEFAULT_TIMEOUTS_MS, FALLBACK_HTTPS_PORT } from '../../shared/config';
import { sendRawPage } from '../engine/client-response';
import type { ConnectionContext, Engine } from '../engine/engine';
import { renderErrorPage } from '../engine/error-pages';
import { isHttp2Request } from '../engine/incoming-request';
import { handleStreamsDirectly, type H2Request } from '../engine/h2-stream';
import { listenWithFallback } from '../engine/listen';
import type { Logger } from '../engine/logger';
import type { Timeouts } from '../engine/timeouts';
import { proxyH2Connect } from './h2-websocket';
import type { LeafCertificates } from './leaf-certificates';
import { createSniCallback } from './sni-callback';
import { tlsInfoOf, tlsSocketOf } from './tls-connection-info';

/**
 * The HTTPS listener: TLS 1.2+ with certificates minted per SNI name, ALPN h2
 * and http/1.1 on one port (node:http2 with allowHTTP1), feeding the engine.
 * HTTP/1.1 upgrades go to the engine's WebSocket proxy; HTTP/2 extended
 * CONNECT (RFC 8441) to h2-websocket.ts.
 */

export type HttpsEngine = Pick<
  Engine,
  'handleRequest' | 'handleUpgrade' | 'resolve' | 'upstreamHeaders' | 'trackUpgrade' | 'setHttpsPort' | 'inflightRequests' | 'httpPort'
>;

export interface HttpsListenerOptions {
  engine: HttpsEngine;
  leaves: LeafCertificates;
  /** Whether a route serves this host over HTTPS; names without one get no certificate. */
  hasRoute: (host: string) => boolean;
  /** Default 443, falling back to 8443 when privileged or taken; 0 = any free port. A port given here does not fall back. */
  port?: number;
  /** Overrides the fallback (default: 8443 when no port is given, else none). */
  fallbackPort?: number;
  /** Default ["127.0.0.1", "::1"]. */
  listen?: readonly string[];
  /** Current timeouts (config.timeouts resolved); read per connection. */
  timeouts?: () => Timeouts;
  logger: Logger;
}

/**
 * TLS 1.2 suites: ECDHE with AEAD only (the leaf key is ECDSA). TLS 1.3 uses
 * OpenSSL's defaults, which are all modern.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
].join(':');

const TLS13_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'].join(':');

type Http1Timeouts = { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number };

export class HttpsListener {
  private servers: http2.Http2SecureServer[] = [];
  private readonly sockets = new Set<tls.TLSSocket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly timeouts: () => Timeouts;
  private readonly hinted = new Set<string>();
  private boundPort = 0;
  private addressList: string[] = [];
  private stopping: Promise<void> | undefined;

  private constructor(private readonly opts: HttpsListenerOptions) {
    this.timeouts = opts.timeouts ?? (() => DEFAULT_TIMEOUTS_MS);
  }

  static async start(opts: HttpsListenerOptions): Promise<HttpsListener> {
    const listener = new HttpsListener(opts);
    const fallbackPort = opts.fallbackPort ?? (opts.port === undefined ? FALLBACK_HTTPS_PORT : undefined);
    const result = await listenWithFallback({
      createServer: () => listener.createServer(),
      hosts: opts.listen ?? DEFAULT_LISTEN,
      port: opts.port ?? DEFAULT_HTTPS_PORT,
      ...(fallbackPort !== undefined ? { fallbackPort } : {}),
      // The engine's HTTP listener is already bound: clashing with it is a config mistake, not another program.
      ownPorts: new Map([[opts.engine.httpPort, 'HTTP']]),
      label: 'HTTPS',
      flag: '--https-port',
      logger: opts.logger,
    });
    listener.servers = result.servers as http2.Http2SecureServer[];
    listener.boundPort = result.port;
    listener.addressList = result.addresses;
    opts.engine.setHttpsPort(result.port);
    opts.logger.info(`HTTPS listening on ${result.addresses.join(', ')} (h2, http/1.1)`);
    return listener;
  }

  get port(): number {
    return this.boundPort;
  }

  get addresses(): readonly string[] {
    return this.addressList;
  }

  private contextOf(req: http.IncomingMessage | http2.Http2ServerRequest | H2Request): ConnectionContext {
    return { scheme: 'https', tls: tlsInfoOf(tlsSocketOf(req)) };
  }

  private createServer(): http2.Http2SecureServer {
    const { engine, logger } = this.opts;
    const t = this.timeouts();
    const server = http2.createSecureServer({
      allowHTTP1: true,
      // Nagle off, as node:https and node:http do by default (node:http2 does not): a response
      // written in parts (head, then body; HTTP/2 frames over several ticks) must not wait
      // for the client's delayed ACK.
      noDelay: true,
      SNICallback: createSniCallback({ leaves: this.opts.leaves, hasRoute: this.opts.hasRoute, logger }),
      minVersion: 'TLSv1.2',
      ciphers: `${TLS13_CIPHERS}:${TLS12_CIPHERS}`,
      honorCipherOrder: true,
      ALPNProtocols: ['h2', 'http/1.1'],
      settings: { enableConnectProtocol: true },
    });
    // HTTP/1.1 over this server uses Node's HTTP/1 connection handling, which reads these.
    Object.assign(server as unknown as Http1Timeouts, {
      headersTimeout: t.requestHeaders,
      requestTimeout: 0,
      keepAliveTimeout: t.keepAlive,
    });

    server.on('secureConnection', (socket: tls.TLSSocket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('session', (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.on('error', () => undefined);
      session.once('close', () => this.sessions.delete(session));
    });
    server.on('request', (req: http2.Http2ServerRequest | http.IncomingMessage, res: http2.Http2ServerResponse | http.ServerResponse) =>
      engine.handleRequest(req, res, this.contextOf(req)),
    );
    // HTTP/2 streams other than CONNECT and Expect skip node:http2's compat layer (h2-stream.ts).
    handleStreamsDirectly(server, (req, res) => engine.handleRequest(req, res, this.contextOf(req)));
    server.on('upgrade', (req: http.IncomingMessage, socket: stream.Duplex, head: Buffer) =>
      engine.handleUpgrade(req, socket, head, this.contextOf(req)),
    );
    server.on('connect', (req: http2.Http2ServerRequest | http.IncomingMessage, resOrSocket: http2.Http2ServerResponse | stream.Duplex) => {
      if (isHttp2Request(req)) {
        proxyH2Connect(req, resOrSocket as http2.Http2ServerResponse, { engine, timeouts: this.timeouts, logger });
        return;
      }
      const socket = resOrSocket as stream.Duplex;
      socket.on('error', () => undefined);
      sendRawPage(
        socket,
        renderErrorPage(
          { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Gatehouse is a reverse proxy, not a forward proxy: CONNECT is not supported' },
          { json: false, close: true },
        ),
      );
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      this.explainHandshakeFailure(err, socket);
      socket.destroy();
    });
    server.on('sessionError', () => undefined);
    server.on('clientError', (_err: Error, socket: net.Socket) => socket.destroy());
    return server;
  }

  /** Says once, in words, why clients reject the certificate — the usual first-run problem. */
  private explainHandshakeFailure(err: NodeJS.ErrnoException, socket: tls.TLSSocket): void {
    const text = `${err.code ?? ''} ${err.message}`;
    let hint: string | undefined;
    if (/unknown.ca|bad.certificate|certificate.unknown/i.test(text)) {
      hint =
        'a client rejected the Gatehouse certificate (its CA is not trusted there): run `gatehouse trust`, ' +
        'or for Node-based tools set NODE_EXTRA_CA_CERTS (see `gatehouse ca path`)';
    } else if (/no.suitable.signature.algorithm/i.test(text)) {
      // No certificate was chosen (there is no default one), so OpenSSL found nothing to sign with.
      // With a server name, the SNI callback refused it and has said why; without one, say it here.
      const name = (socket as tls.TLSSocket & { servername?: string | false | null }).servername;
      if (typeof name === 'string' && name !== '') return;
      hint =
        'a client connected without a server name (SNI), so no certificate could be chosen: ' +
        'connect by a route\'s host name (https://app.test:PORT, or curl --resolve), not by IP address';
    } else if (/no.shared.cipher|unsupported.protocol|wrong.version|version.too.low/i.test(text)) {
      hint = `a client could not agree on TLS parameters (Gatehouse requires TLS 1.2+ with modern ciphers): ${err.message}`;
    }
    if (hint && !this.hinted.has(hint)) {
      this.hinted.add(hint);
      this.opts.logger.warn(`HTTPS: ${hint}`);
    }
  }

  /**
   * Stops accepting connections and redirects, lets in-flight requests finish
   * for up to `graceMs` (HTTP/2 sessions get a GOAWAY), then closes the rest.
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= this.doStop(graceMs);
    return this.stopping;
  }

  private async doStop(graceMs: number): Promise<void> {
    this.opts.engine.setHttpsPort(undefined);
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const session of this.sessions) session.close();
    const deadline = Date.now() + graceMs;
    while (this.sockets.size > 0 && this.opts.engine.inflightRequests > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closed);
  }
}
