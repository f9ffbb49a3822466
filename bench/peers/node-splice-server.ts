// The Node splice: not a proxy at all. Every client connection is joined byte for byte to a new
// connection to the nginx backend (TLS terminated first on the HTTPS port); nothing is parsed,
// routed, rewritten or recorded. `node --import tsx node-splice-server.ts <json>` with the
// PeerScriptConfig. Any HTTP proxy written in Node has to do at least this much work per byte
// (read it from one socket, write it to another, on one event loop), so on the loads it serves
// its figure is a ceiling no Node proxy can pass on this machine.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { listenBoth, peerScriptConfig } from './peer-script';

const cfg = peerScriptConfig();

function splice(client: net.Socket): void {
  client.setNoDelay(true);
  const upstream = net.connect({ port: cfg.nginxPort, host: '127.0.0.1', noDelay: true });
  client.pipe(upstream).pipe(client);
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

const plain = net.createServer(splice);
// HTTP/1.1 only over TLS: a splice cannot speak HTTP/2 to an HTTP/1.1 backend.
const secure = tls.createServer({ cert: fs.readFileSync(cfg.cert), key: fs.readFileSync(cfg.key), ALPNProtocols: ['http/1.1'] }, splice);
listenBoth(cfg, plain, secure, 'node splice');
