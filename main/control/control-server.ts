/**
 * The HTTP + WebSocket control server, on loopback only:
 *   POST /api/<method>   JSON params -> ApiResult JSON
 *   GET  /api/events     WebSocket; one EventMessage JSON per text frame
 *   GET  /?token=...     sets the session cookie and moves on to / (token out of the URL)
 *   GET  /...            the built renderer (dist/renderer)
 * Every request needs the right Host, no foreign Origin, and the token. No CORS
 * headers are ever sent. The token is never logged.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_ERROR, CONTROL_PATHS, type ApiHandlers, type ApiResult } from '../../shared/api-contract';
import { dispatchApiCall } from './api-dispatch';
import { apiResultJson } from './encoded-result';
import { authorize, cookieName, newControlToken, type AuthVerdict } from './control-auth';
import type { EventHub } from './event-hub';
import { serveStatic } from './static-files';
import { escapeHtml } from '../engine/error-pages';

export interface ControlServerOptions {
  handlers: ApiHandlers;
  events: EventHub;
  /** Default: a random free port. */
  port?: number;
  /** Default: a fresh random token. */
  token?: string;
  /** Built renderer folder; default <repo>/dist/renderer. */
  staticDir?: string;
  /** Largest request body accepted (default 256 MiB: a 200 MB HAR import plus JSON overhead). */
  maxBodyBytes?: number;
  /** A WebSocket client that falls this far behind is disconnected (default 32 MiB). */
  maxEventBacklogBytes?: number;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function defaultStaticDir(): string {
  // main/control -> <repo>/dist/renderer; from dist/main/control it is <repo>/dist/renderer too.
  const up = __dirname.includes(`${path.sep}dist${path.sep}`) ? ['..', '..', '..'] : ['..', '..'];
  return path.resolve(__dirname, ...up, 'dist', 'renderer');
}

/** Moves on to the link's address, keeping the #fragment (which the server never sees). */
const HANDOFF_SCRIPT = "location.replace(document.getElementById('next').getAttribute('href') + location.hash);";
const HANDOFF_SCRIPT_HASH = `sha256-${createHash('sha256').update(HANDOFF_SCRIPT).digest('base64')}`;

/** The page that sets the session cookie and moves on to `next` (a path of this origin). */
function handoffPage(next: string): string {
  const href = escapeHtml(next);
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse</title>` +
    `<noscript><meta http-equiv="refresh" content="0;url=${href}"></noscript></head>` +
    `<body><p><a id="next" href="${href}">Open the Gatehouse dashboard</a></p><script>${HANDOFF_SCRIPT}</script></body></html>\n`
  );
}

function sendJson(res: http.ServerResponse, status: number, body: ApiResult<unknown>): void {
  const text = apiResultJson(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function deny(res: http.ServerResponse, verdict: Exclude<AuthVerdict, { ok: true }>): void {
  const body: ApiResult<never> = { ok: false, error: { code: verdict.code, message: verdict.message, status: verdict.status } };
  sendJson(res, verdict.status, body);
}

/**
 * A browser opening the dashboard without its token (a bookmark, the address bar after the
 * token was traded for a cookie, a new browser): a page that says what to do, not raw JSON.
 * Static text, no script, nothing of the request echoed.
 */
function denyPage(res: http.ServerResponse, head: boolean): void {
  const text =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse: token needed</title></head>` +
    `<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">` +
    `<h1 style="font-size: 1.3em">This Gatehouse dashboard needs its token</h1>` +
    `<p>Open the dashboard address Gatehouse printed when it started: it ends in <code>?token=…</code>. ` +
    `The token is new at every start, so an address from an earlier run no longer works.</p>` +
    `<p>It can also be put together from <code>instance.json</code> in Gatehouse's data directory: ` +
    `its <code>controlUrl</code>, then <code>/?token=</code> and its <code>token</code>.</p>` +
    `</body></html>\n`;
  res.writeHead(401, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'content-length': Buffer.byteLength(text),
  });
  res.end(head ? undefined : text);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class ControlServer {
  readonly token: string;
  private server: http.Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private unsubscribe: (() => void) | undefined;
  private boundPort = 0;
  private readonly staticDir: string;
  private readonly maxBodyBytes: number;
  private readonly maxBacklog: number;

  private constructor(private readonly options: ControlServerOptions) {
    this.token = options.token ?? newControlToken();
    this.staticDir = path.resolve(options.staticDir ?? defaultStaticDir());
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * 1024 * 1024;
    this.maxBacklog = options.maxEventBacklogBytes ?? 32 * 1024 * 1024;
  }

  static async start(options: ControlServerOptions): Promise<ControlServer> {
    const s = new ControlServer(options);
    await s.listen(options.port ?? 0);
    return s;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Base URL of the API and dashboard, without the token. */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /** The dashboard URL with the token (it sets a session cookie and moves on to the URL without it). */
  get dashboardUrl(): string {
    return `${this.url}/?token=${this.token}`;
  }

  private listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as net.Socket, head));
    server.on('clientError', (_err, socket) => socket.destroy());
    server.headersTimeout = 10_000;
    server.requestTimeout = 120_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
          const why = err.code === 'EADDRINUSE' ? 'it is in use by another program' : 'this user may not bind it';
          const fix = 'choose another --dashboard-port, or leave it out to take any free port';
          return reject(Object.assign(new Error(`cannot serve the dashboard on 127.0.0.1:${port}: ${why}; ${fix}`), { code: err.code }));
        }
        reject(err);
      };
      server.once('error', onError);
      // Loopback only, always.
      server.listen({ host: '127.0.0.1', port }, () => {
        server.removeListener('error', onError);
        this.boundPort = (server.address() as net.AddressInfo).port;
        this.unsubscribe = this.options.events.subscribe(
          (message) => {
            if (this.wss.clients.size > 0) this.broadcast(JSON.stringify(message));
          },
          () => this.wss.clients.size > 0,
        );
        resolve();
      });
    });
  }

  private auth(req: http.IncomingMessage, queryToken?: string): AuthVerdict {
    return authorize(
      {
        host: header(req, 'host'),
        origin: header(req, 'origin'),
        authorization: header(req, 'authorization'),
        cookie: header(req, 'cookie'),
        queryToken,
      },
      this.boundPort,
      this.token,
    );
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://control.invalid');
    const queryToken = url.searchParams.get('token') ?? undefined;
    const isApi = url.pathname === '/api' || url.pathname.startsWith(CONTROL_PATHS.api);
    // ?token= is accepted only on page loads (it is turned into a cookie), never for API calls.
    const verdict = this.auth(req, isApi ? undefined : queryToken);
    if (!verdict.ok) {
      const pageLoad = !isApi && (req.method === 'GET' || req.method === 'HEAD') && /\btext\/html\b/.test(header(req, 'accept') ?? '');
      return verdict.status === 401 && pageLoad ? denyPage(res, req.method === 'HEAD') : deny(res, verdict);
    }

    if (isApi) return this.onApi(req, res, url.pathname);

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD' });
      return void res.end();
    }
    if (queryToken !== undefined) {
      // Trade the token in the URL for an HttpOnly cookie, then drop it from the address bar.
      // Not with a redirect: a SameSite=Strict cookie is withheld from every request of a
      // navigation another site started (a link in a web terminal or chat), redirects included.
      // A page of this origin that moves on by itself starts a navigation of its own.
      url.searchParams.delete('token');
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src '${HANDOFF_SCRIPT_HASH}'; frame-ancestors 'none'`,
        'set-cookie': `${cookieName(this.boundPort)}=${this.token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end(req.method === 'HEAD' ? undefined : handoffPage(url.pathname + url.search));
    }
    serveStatic(this.staticDir, url.pathname, res, req.method === 'HEAD');
  }

  private onApi(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    if (pathname === CONTROL_PATHS.events) {
      return sendJson(res, 426, { ok: false, error: { code: API_ERROR.badRequest, message: `${CONTROL_PATHS.events} is a WebSocket endpoint`, status: 426 } });
    }
    const method = pathname.slice(CONTROL_PATHS.api.length);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { ok: false, error: { code: API_ERROR.badRequest, message: `call API methods with POST ${CONTROL_PATHS.api}<method>`, status: 405 } });
    }
    const type = header(req, 'content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      return sendJson(res, 415, { ok: false, error: { code: API_ERROR.badRequest, message: 'send the params as JSON (Content-Type: application/json)', status: 415 } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        sendJson(res, 413, { ok: false, error: { code: API_ERROR.tooLarge, message: `the request body is larger than ${this.maxBodyBytes} bytes`, status: 413 } });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return;
      let params: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        params = text.trim() === '' ? {} : JSON.parse(text);
      } catch (err) {
        return sendJson(res, 400, { ok: false, error: { code: API_ERROR.badRequest, message: `the body is not valid JSON: ${(err as Error).message}`, status: 400 } });
      }
      void dispatchApiCall(this.options.handlers, method, params).then((result) => {
        if (res.destroyed) return;
        const status = result.ok ? 200 : (result.error.status ?? (result.error.code === API_ERROR.internal ? 500 : 400));
        sendJson(res, status, result);
      });
    });
    req.on('error', () => res.destroy());
  }

  private onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://control.invalid');
    const reject = (status: number, message: string): void => {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    };
    const verdict = this.auth(req, url.searchParams.get('token') ?? undefined);
    if (!verdict.ok) return reject(verdict.status, verdict.message);
    if (url.pathname !== CONTROL_PATHS.events) return reject(404, `WebSocket endpoint is ${CONTROL_PATHS.events}`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
  }

  private onSocket(ws: WebSocket): void {
    // Clients only listen; anything they send is ignored.
    ws.on('message', () => {});
    ws.on('error', () => ws.terminate());
  }

  private broadcast(text: string): void {
    for (const ws of this.wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > this.maxBacklog) {
        // A client this far behind would make the engine hold every event for it.
        ws.close(1013, 'too far behind; reconnect and reload the list');
        continue;
      }
      ws.send(text);
    }
  }

  /** Closes the event sockets and the listener. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
