// The llhttp sketch: an HTTP/1.1 reverse proxy written straight onto sockets with the llhttp
// parser node:http itself uses (reached through the legacy `_http_common` module), instead of
// node:http's request/response objects and undici's client. `node --import tsx
// node-llhttp-server.ts <json>` with the PeerScriptConfig.
//
// Not a product and not complete: each client connection is paired with its own nginx
// connection, responses come back in order on it, and only what the benchmark's nginx loads
// need is handled (GET, Content-Length or chunked responses, HEAD). No routing table, timeouts,
// error pages, pooling across clients or recording. It does the per-request work a proxy cannot
// skip: parse the request head, write a new one with the hop-by-hop headers dropped and the
// forwarding headers added (X-Forwarded-For/-Proto/-Host, Forwarded, Via), parse the response
// head, write a new one, relay the body. Next to the Node floor (node:http + undici) in the same
// run it shows what owning the HTTP/1.1 layer would be worth on this machine.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { listenBoth, peerScriptConfig } from './peer-script';

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  [callback: number]: unknown;
}
interface HttpCommon {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    RESPONSE: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
  methods: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser, methods } = require('_http_common') as HttpCommon;

const cfg = peerScriptConfig();
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);
const isHop = (name: string): boolean => name.length <= 17 && HOP.has(name.toLowerCase());

function serve(client: net.Socket, proto: 'http' | 'https'): void {
  client.setNoDelay(true);
  const remote = client.remoteAddress ?? '';
  const forwarded = `X-Forwarded-For: ${remote}\r\nX-Forwarded-Proto: ${proto}\r\nVia: 1.1 llhttp-sketch\r\nForwarded: for=${remote.includes(':') ? `"[${remote}]"` : remote};proto=${proto}`;
  let upstream: net.Socket | undefined;
  let headRequests: boolean[] = [];
  let closeAfter: boolean[] = []; // per request written upstream: the client asked to close after its response
  let chunked = false;
  let awaiting = 0; // requests written upstream whose response has not ended

  const responses = new HTTPParser();
  responses.initialize(HTTPParser.RESPONSE, {}, 0, 0);
  responses[HTTPParser.kOnHeadersComplete] = (_maj: number, _min: number, h: string[], _m: number, _u: string, status: number, message: string) => {
    let head = `HTTP/1.1 ${status} ${message}\r\n`;
    chunked = false;
    for (let i = 0; i < h.length; i += 2) {
      const name = h[i]!;
      if (isHop(name)) {
        if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') chunked = true;
        continue;
      }
      head += `${name}: ${h[i + 1]!}\r\n`;
    }
    if (chunked) head += 'Transfer-Encoding: chunked\r\n';
    client.write(`${head}\r\n`);
    return headRequests.shift() ? 1 : 0; // 1: no body follows (HEAD)
  };
  responses[HTTPParser.kOnBody] = (b: Buffer) => {
    if (!chunked) client.write(b);
    else client.write(Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]));
  };
  responses[HTTPParser.kOnMessageComplete] = () => {
    if (chunked) client.write('0\r\n\r\n');
    awaiting--;
    if (closeAfter.shift()) client.end();
  };

  const connectUpstream = (): net.Socket => {
    const s = net.connect({ port: cfg.nginxPort, host: '127.0.0.1', noDelay: true });
    responses.initialize(HTTPParser.RESPONSE, {}, 0, 0);
    headRequests = [];
    closeAfter = [];
    awaiting = 0;
    s.on('data', (d: Buffer) => {
      if (responses.execute(d) instanceof Error) client.destroy();
    });
    s.on('error', () => client.destroy());
    s.on('close', () => {
      if (upstream === s) upstream = undefined;
      if (awaiting > 0) client.destroy(); // a response was cut off: the client must not wait for it
    });
    return s;
  };

  const requests = new HTTPParser();
  requests.initialize(HTTPParser.REQUEST, {}, 0, 0);
  requests[HTTPParser.kOnHeadersComplete] = (
    _maj: number,
    _min: number,
    h: string[],
    method: number,
    url: string,
    _status: unknown,
    _message: unknown,
    _upgrade: boolean,
    keepAlive: boolean,
  ) => {
    const name = methods[method]!;
    let head = `${name} ${url} HTTP/1.1\r\n`;
    let host = '';
    for (let i = 0; i < h.length; i += 2) {
      const n = h[i]!;
      if (n.length === 4 && n.toLowerCase() === 'host') host = h[i + 1]!;
      if (!isHop(n)) head += `${n}: ${h[i + 1]!}\r\n`;
    }
    if (!upstream || upstream.destroyed) upstream = connectUpstream();
    headRequests.push(name === 'HEAD');
    closeAfter.push(!keepAlive);
    awaiting++;
    upstream.write(`${head}${forwarded};host=${host}\r\nX-Forwarded-Host: ${host}\r\n\r\n`);
  };
  requests[HTTPParser.kOnBody] = (b: Buffer) => upstream?.write(b);
  requests[HTTPParser.kOnMessageComplete] = () => {};
  client.on('data', (d: Buffer) => {
    if (requests.execute(d) instanceof Error) client.destroy();
  });
  client.on('error', () => upstream?.destroy());
  client.on('close', () => upstream?.destroy());
}

const plain = net.createServer((s) => serve(s, 'http'));
const secure = tls.createServer({ cert: fs.readFileSync(cfg.cert), key: fs.readFileSync(cfg.key), ALPNProtocols: ['http/1.1'] }, (s) => serve(s, 'https'));
listenBoth(cfg, plain, secure, 'llhttp sketch');
