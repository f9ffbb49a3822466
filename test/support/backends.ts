import * as http from 'node:http';
import type * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What an upstream test server actually received. */
export interface SeenRequest {
  method: string;
  url: string;
  httpVersion: string;
  /** Raw [name, value] pairs as the backend's parser saw them. */
  headers: Array<[string, string]>;
  /** Body length in bytes (bodies are counted, not kept, unless keepBodies). */
  bodyBytes: number;
  body?: Buffer;
  trailers: Array<[string, string]>;
  /** Set once the request body ended or was aborted. */
  complete: boolean;
  aborted: boolean;
  /** The connection closed before the backend finished its response (the proxy gave up on it). */
  closedEarly: boolean;
}

export interface Backend {
  port: number;
  /** "http://127.0.0.1:PORT" */
  url: string;
  name: string;
  server: http.Server;
  seen: SeenRequest[];
  /** Sockets ever accepted (to count upstream connections). */
  connections: number;
  close(): Promise<void>;
}

export type BackendHandler = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void;

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** First value of a header in raw pairs, case-insensitively. */
export function header(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

export function headerAll(headers: Array<[string, string]>, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/**
 * Default handler: reads the whole body, answers 200 with JSON
 * { name, method, url, headers, bodyBytes } and `x-backend: name`.
 */
export function echoHandler(name: string): BackendHandler {
  return (req, res, seen) => {
    req.on('end', () => {
      const body = JSON.stringify({ name, method: seen.method, url: seen.url, headers: seen.headers, bodyBytes: seen.bodyBytes });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };
}

export interface BackendOptions {
  name?: string;
  host?: string;
  keepBodies?: boolean;
  /** Listen on a unix socket path instead of TCP. */
  socketPath?: string;
  /** TCP port (default 0: any free one), e.g. to bring a stopped backend back where it was. */
  port?: number;
}

/** A real node:http upstream on 127.0.0.1:0 that records what it saw. */
export async function startBackend(handler?: BackendHandler, opts: BackendOptions = {}): Promise<Backend> {
  const name = opts.name ?? 'backend';
  const seen: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const h = handler ?? echoHandler(name);
  const server = http.createServer((req, res) => {
    const s: SeenRequest = {
      method: req.method!,
      url: req.url!,
      httpVersion: req.httpVersion,
      headers: pairs(req.rawHeaders),
      bodyBytes: 0,
      trailers: [],
      complete: false,
      aborted: false,
      closedEarly: false,
    };
    seen.push(s);
    res.on('close', () => {
      if (!res.writableFinished) s.closedEarly = true;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      s.bodyBytes += c.length;
      if (opts.keepBodies) chunks.push(c);
    });
    req.on('end', () => {
      s.complete = true;
      s.trailers = pairs(req.rawTrailers);
      if (opts.keepBodies) s.body = Buffer.concat(chunks);
    });
    req.on('aborted', () => {
      s.aborted = true;
    });
    req.on('error', () => {
      s.aborted = true;
    });
    h(req, res, s);
  });
  let connections = 0;
  server.on('connection', (sock: net.Socket) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve) => {
    if (opts.socketPath) server.listen(opts.socketPath, resolve);
    else server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const port = opts.socketPath ? 0 : (server.address() as AddressInfo).port;
  const backend: Backend = {
    port,
    url: opts.socketPath ? `unix:${opts.socketPath}` : `http://127.0.0.1:${port}`,
    name,
    server,
    seen,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return backend;
}

export interface WsBackend {
  port: number;
  url: string;
  wss: WebSocketServer;
  server: http.Server;
  /** Upgrade requests as the backend saw them. */
  upgrades: SeenRequest[];
  clients: Set<WebSocket>;
  close(): Promise<void>;
}

/**
 * A `ws` echo server: echoes every message (text as text, binary as binary) and
 * accepts the subprotocol "vite-hmr" when offered (like Vite's HMR server).
 */
export async function startWsBackend(): Promise<WsBackend> {
  const upgrades: SeenRequest[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('upgrade required');
  });
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has('vite-hmr') ? 'vite-hmr' : false),
  });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws, req) => {
    upgrades.push({
      method: req.method!,
      url: req.url!,
      httpVersion: req.httpVersion,
      headers: pairs(req.rawHeaders),
      bodyBytes: 0,
      trailers: [],
      complete: true,
      aborted: false,
      closedEarly: false,
    });
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.send(JSON.stringify({ type: 'connected' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wss,
    server,
    upgrades,
    clients,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
