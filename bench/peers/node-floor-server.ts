// The Node floor: the least a reverse proxy on Gatehouse's own stack can do, run as its own process:
// `node --import tsx node-floor-server.ts <json>` with {httpPort, httpsPort, nginxPort, nodePort, cert, key, nodePaths}.
// node:http / node:http2 (h2 + http/1.1 over TLS) in, undici Pool.dispatch out, raw headers passed
// through, no routing table, no header policy, no recording, no error pages, WebSockets as a raw
// TCP splice. HTTP/2 streams are taken from the core 'stream' event, not through node:http2's
// compat objects, as Gatehouse's engine does since main/engine/h2-stream.ts: a floor that paid
// for the compat layer would no longer be a floor. It shows what Node and undici alone cost per request on this machine, so the
// benchmark can tell Gatehouse's own overhead apart from the platform's. With {"client": "bare"} the
// upstream client is bare-h1-client.ts instead of undici ("Node floor, bare client"): the same
// floor, so the difference between the two is what undici costs.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { BareH1Pool } from './bare-h1-client';
import { listenBoth, peerScriptConfig } from './peer-script';

const cfg = peerScriptConfig();
/** What the floor asks of its upstream client: undici's Pool, or the bare one (raw headers as strings, which `.toString('latin1')` leaves as they are). */
interface FloorPool {
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
}
const pools = new Map<number, FloorPool>();
const poolFor = (port: number): FloorPool => {
  let p = pools.get(port);
  if (!p) {
    p = cfg.client === 'bare' ? (new BareH1Pool(port) as unknown as FloorPool) : new Pool(`http://127.0.0.1:${port}`, { pipelining: 1, keepAliveTimeout: 4_000 });
    pools.set(port, p);
  }
  return p;
};
const portFor = (url: string | undefined): number => (cfg.nodePaths.some((p) => url?.startsWith(p)) ? cfg.nodePort : cfg.nginxPort);
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'http2-settings']);

function requestHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* : */ || HOP.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1]!);
  }
  return out;
}

type AnyReq = http.IncomingMessage | http2.Http2ServerRequest;
type AnyRes = http.ServerResponse | http2.Http2ServerResponse;

function handler(req: AnyReq, res: AnyRes): void {
  const h2 = req.httpVersionMajor === 2;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const handler: Dispatcher.DispatchHandler = {
    onConnect() {},
    onHeaders(status, raw, resume) {
      const flat: string[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!.toString('latin1');
        if (HOP.has(name.toLowerCase())) continue;
        flat.push(h2 ? name.toLowerCase() : name, raw[i + 1]!.toString('latin1'));
      }
      (res as http.ServerResponse).writeHead(status, flat);
      res.on('drain', resume);
      return true;
    },
    onData(chunk) {
      return (res as http.ServerResponse).write(chunk);
    },
    onComplete() {
      res.end();
    },
    onError() {
      if (!res.headersSent) {
        res.writeHead(502);
        res.end();
      } else res.destroy();
    },
  };
  poolFor(portFor(req.url)).dispatch(
    { path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers: requestHeaders(req.rawHeaders), body: hasBody ? (req as http.IncomingMessage) : null },
    handler,
  );
}

function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const upstream = net.connect(portFor(req.url), '127.0.0.1', () => {
    let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) text += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    upstream.write(`${text}\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
}

/** An HTTP/2 stream straight from node:http2's core API: one header object out, trailers only without Content-Length. */
function h2Stream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, raw: string[]): void {
  stream.on('error', () => {});
  const method = headers[':method'] as string;
  const path = (headers[':path'] as string | undefined) ?? '/';
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* : */ || HOP.has(name)) continue;
    out.push(name, raw[i + 1]!);
  }
  out.push('host', (headers[':authority'] as string | undefined) ?? '');
  let waitsForTrailers = false;
  poolFor(portFor(path)).dispatch(
    // A body through a PassThrough: undici destroys its body stream when done, and the
    // request stream is also the response stream.
    { path, method: method as Dispatcher.HttpMethod, headers: out, body: stream.endAfterHeaders ? null : stream.pipe(new PassThrough()) },
    {
      onConnect() {},
      onHeaders(status, rawHeaders, resume) {
        if (stream.destroyed) return false;
        const h: Record<string, string | string[] | number> = { ':status': status };
        for (let i = 0; i < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toString('latin1').toLowerCase();
          if (HOP.has(name)) continue;
          const value = rawHeaders[i + 1]!.toString('latin1');
          const prev = h[name];
          h[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
        }
        waitsForTrailers = h['content-length'] === undefined && method !== 'HEAD' && status !== 204 && status !== 304;
        if (waitsForTrailers) stream.once('wantTrailers', () => stream.sendTrailers({}));
        stream.respond(h as http2.OutgoingHttpHeaders, { waitForTrailers: waitsForTrailers });
        stream.on('drain', resume);
        return true;
      },
      onData(chunk) {
        return stream.destroyed ? false : stream.write(chunk);
      },
      onComplete() {
        if (!stream.destroyed) stream.end();
      },
      onError() {
        if (stream.destroyed) return;
        if (!stream.headersSent) stream.respond({ ':status': 502 }, { endStream: true });
        else stream.destroy(new Error('upstream failed'));
      },
    },
  );
}

const plain = http.createServer({ keepAliveTimeout: 120_000 }, handler);
const secure = http2.createSecureServer(
  { cert: fs.readFileSync(cfg.cert), key: fs.readFileSync(cfg.key), allowHTTP1: true, settings: { maxConcurrentStreams: 1000 } },
  handler,
);
// HTTP/1.1 over TLS still reaches `handler` through 'request'; HTTP/2 streams skip the compat handler.
secure.removeAllListeners('stream');
secure.on('stream', h2Stream);
plain.on('upgrade', upgrade);
secure.on('upgrade', upgrade);
listenBoth(cfg, plain, secure, 'node floor');
