import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import type * as net from 'node:net';
import WebSocket from 'ws';
import { startWsBackend, type WsBackend } from '../support/backends';
import { openDescriptors, settleToBaseline } from '../support/open-handles';
import { startProxy, type TestProxy } from '../support/proxy-harness';
import { rawConnect } from '../support/raw-http';
import { waitFor } from '../support/wait-for';
import { parseServerFrames } from '../support/ws-frames';

/**
 * Malformed WebSocket frames sent through the proxy's tunnel to a `ws`
 * backend: the backend closes with a protocol error (1002/1007/1009), the
 * client sees that close (or the connection end), the proxy survives, other
 * sockets keep working, descriptors return to baseline.
 */
function rawFrame(first: number, payload: Buffer, opts: { mask?: boolean; lenOverride?: number } = {}): Buffer {
  const mask = opts.mask !== false;
  const len = opts.lenOverride ?? payload.length;
  const head = len < 126 ? Buffer.from([first, (mask ? 0x80 : 0) | len]) : Buffer.from([first, (mask ? 0x80 : 0) | 126, len >> 8, len & 255]);
  if (!mask) return Buffer.concat([head, payload]);
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([head, key, masked]);
}

const CASES: Array<[string, Buffer, number[]]> = [
  ['unmasked client frame', rawFrame(0x81, Buffer.from('hi'), { mask: false }), [1002]],
  ['reserved bits set (no extension)', rawFrame(0x81 | 0x40, Buffer.from('hi')), [1002]],
  ['reserved opcode 3', rawFrame(0x83, Buffer.from('hi')), [1002]],
  ['fragmented ping (control frames cannot be fragmented)', rawFrame(0x09, Buffer.from('p')), [1002]],
  ['control frame over 125 bytes', rawFrame(0x89, Buffer.alloc(200, 1)), [1002]],
  ['invalid UTF-8 in a text frame', rawFrame(0x81, Buffer.from([0xc3, 0x28, 0xff])), [1007]],
  ['continuation without a start', rawFrame(0x80, Buffer.from('x')), [1002]],
  ['close frame with a 1-byte payload', rawFrame(0x88, Buffer.from([3])), [1002]],
  ['close frame with an invalid code (999)', rawFrame(0x88, Buffer.from([0x03, 0xe7])), [1002]],
];

describe('malformed WebSocket frames through the proxy', () => {
  let backend: WsBackend;
  let proxy: TestProxy;
  let baseline: { fds: number; sockets: number };

  before(async () => {
    backend = await startWsBackend();
    // the backend's protocol errors are what these tests provoke; ws reports them as 'error' before closing
    backend.wss.on('connection', (ws) => ws.on('error', () => {}));
    proxy = await startProxy({ routes: [{ host: 'ws.test', target: backend.url }] });
    baseline = openDescriptors();
  });
  after(async () => {
    await proxy.close();
    await backend.close();
  });

  async function openRaw(): Promise<{ socket: net.Socket; data: () => Buffer; closed: () => boolean }> {
    const socket = await rawConnect(proxy.port);
    let buf = Buffer.alloc(0);
    let closed = false;
    socket.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write(`GET /sock HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await waitFor(() => buf.includes('\r\n\r\n'), 'the 101', 5_000);
    assert.match(buf.toString('latin1'), /^HTTP\/1\.1 101 /);
    const headEnd = buf.indexOf('\r\n\r\n') + 4;
    return { socket, data: () => buf.subarray(headEnd), closed: () => closed };
  }

  for (const [name, bytes, codes] of CASES) {
    test(`${name}: the backend closes with ${codes.join('/')}, the proxy relays it`, async () => {
      const c = await openRaw();
      try {
        await waitFor(() => parseServerFrames(c.data()).frames.length > 0, 'the greeting', 5_000);
        c.socket.write(bytes);
        await waitFor(() => c.closed() || parseServerFrames(c.data()).frames.some((f) => f.opcode === 8), 'a close', 5_000);
        const close = parseServerFrames(c.data()).frames.find((f) => f.opcode === 8);
        if (close) assert.ok(codes.includes(close.payload.readUInt16BE(0)), `close code ${close.payload.readUInt16BE(0)}`);
        await waitFor(() => c.closed(), 'the tunnel is torn down', 5_000);
      } finally {
        c.socket.destroy();
      }
    });
  }

  test('a frame claiming 2^63 bytes: the backend refuses (1009) or closes; the proxy survives', async () => {
    const c = await openRaw();
    try {
      const head = Buffer.alloc(14);
      head[0] = 0x82;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(0x7fffffffffffffffn, 2);
      c.socket.write(head);
      c.socket.write(crypto.randomBytes(1024));
      await waitFor(() => c.closed(), 'the tunnel is torn down', 5_000);
    } finally {
      c.socket.destroy();
    }
  });

  test('after all that a normal WebSocket echoes, and descriptors return to baseline', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/ok`, { headers: { host: 'ws.test' } });
    const messages: string[] = [];
    ws.on('message', (m) => messages.push(String(m)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send('still here');
    await waitFor(() => messages.includes('still here'), 'the echo', 5_000);
    ws.close();
    await new Promise((r) => ws.once('close', r));
    const now = await settleToBaseline(baseline, 10_000);
    assert.ok(now.fds <= baseline.fds, `fds ${now.fds} > baseline ${baseline.fds}`);
  });
});
