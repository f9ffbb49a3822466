import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/** How a misbehaving upstream answers each connection. */
export type FaultMode =
  | 'reset-mid-headers'
  | 'reset-mid-body'
  | 'stall-after-headers'
  | 'invalid-http'
  | 'close-before-response'
  | 'reset-after-head'
  | 'reset-mid-chunked';

export interface FaultUpstream {
  port: number;
  url: string;
  /** Requests (first line) the upstream received. */
  received: string[];
  close(): Promise<void>;
}

/**
 * A raw TCP upstream that reads one request head and then misbehaves as `mode`
 * says. Every socket it accepted is destroyed by close().
 */
export async function startFaultUpstream(mode: FaultMode): Promise<FaultUpstream> {
  const sockets = new Set<net.Socket>();
  const received: string[] = [];
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    sock.on('data', (c: Buffer) => {
      if (buf.includes('\r\n\r\n')) return;
      buf += c.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      received.push(buf.slice(0, buf.indexOf('\r\n')));
      switch (mode) {
        case 'reset-mid-headers':
          sock.write('HTTP/1.1 200 OK\r\nContent-Type: text/pl');
          setTimeout(() => sock.resetAndDestroy(), 20);
          break;
        case 'reset-mid-body':
          sock.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
          setTimeout(() => sock.resetAndDestroy(), 50);
          break;
        case 'stall-after-headers':
          sock.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
          break; // and never another byte
        case 'invalid-http':
          sock.write('HTTP/1.1 2OO NOT A STATUS\r\nX: \x00\r\n\r\n');
          break;
        case 'close-before-response':
          sock.end();
          break;
        case 'reset-after-head':
          // A complete head, then the connection dies before any body byte.
          sock.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n');
          setTimeout(() => sock.resetAndDestroy(), 50);
          break;
        case 'reset-mid-chunked':
          // A chunked body's first chunk, then the connection dies (no terminating chunk).
          sock.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n');
          setTimeout(() => sock.resetAndDestroy(), 50);
          break;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
