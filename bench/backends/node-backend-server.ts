// The Node backend, run as its own process: `node --import tsx node-backend-server.ts <port>`.
// A fixed small body for any request; WebSocket echo on WS_PATH.
import * as http from 'node:http';
import { WebSocketServer } from 'ws';
import { SMALL_BODY, WS_PATH } from './backend';

const port = Number(process.argv[2]);
const body = Buffer.from(SMALL_BODY);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 120_000;
server.maxRequestsPerSocket = 0;
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  if (!req.url?.startsWith(WS_PATH)) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
});
server.listen(port, '127.0.0.1', 4096, () => console.log(`node backend listening on ${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
