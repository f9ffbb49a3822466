// node-http-proxy as a reverse proxy, run as its own process:
// `node --import tsx node-http-proxy-server.ts <json>` with {httpPort, httpsPort, nginxPort, nodePort, cert, key, nodePaths}.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import httpProxy = require('http-proxy');
import { listenBoth, peerScriptConfig } from './peer-script';

const cfg = peerScriptConfig();
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 512 });
const proxy = httpProxy.createProxyServer({ agent });
const nginxTarget = `http://127.0.0.1:${cfg.nginxPort}`;
const nodeTarget = `http://127.0.0.1:${cfg.nodePort}`;
const targetFor = (url: string | undefined) => (cfg.nodePaths.some((p) => url?.startsWith(p)) ? nodeTarget : nginxTarget);

proxy.on('error', (_err, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502);
    res.end();
  } else {
    res.destroy();
  }
});
const handler = (req: http.IncomingMessage, res: http.ServerResponse) => proxy.web(req, res, { target: targetFor(req.url) });
const upgrade = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) =>
  proxy.ws(req, socket, head, { target: targetFor(req.url) });

const plain = http.createServer(handler);
const secure = https.createServer({ cert: fs.readFileSync(cfg.cert), key: fs.readFileSync(cfg.key) }, handler);
for (const s of [plain, secure]) {
  s.keepAliveTimeout = 120_000;
  s.maxRequestsPerSocket = 0;
  s.on('upgrade', upgrade);
}
listenBoth(cfg, plain, secure, 'node-http-proxy');
