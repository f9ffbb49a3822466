import WebSocket from 'ws';
import { percentile } from '../stats';

export interface WsEchoResult {
  roundTrips: number;
  seconds: number;
  perSec: number;
  p50Ms?: number;
  p99Ms?: number;
  errors: number;
}

/**
 * `connections` WebSocket clients, each sending a 64-byte message and waiting for its
 * echo, again and again until `seconds` have passed (or maxRoundTrips in total).
 */
export async function runWsEcho(url: string, connections: number, seconds: number, maxRoundTrips = 5_000_000): Promise<WsEchoResult> {
  const payload = 'x'.repeat(64);
  const rtts: number[] = [];
  let errors = 0;
  let count = 0;
  const sockets: WebSocket[] = [];
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, rejectUnauthorized: false, handshakeTimeout: 5000 });
      sockets.push(ws);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  try {
    const conns = await Promise.all(Array.from({ length: connections }, open));
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      conns.map(
        (ws) =>
          new Promise<void>((resolve) => {
            let sentAt = 0;
            const send = () => {
              if (performance.now() >= deadline || count >= maxRoundTrips) return resolve();
              count++;
              sentAt = performance.now();
              ws.send(payload);
            };
            ws.on('message', () => {
              if (rtts.length < 1_000_000) rtts.push(performance.now() - sentAt);
              send();
            });
            ws.on('error', () => {
              errors++;
              resolve();
            });
            ws.on('close', () => resolve());
            setTimeout(resolve, seconds * 1000 + 5000).unref();
            send();
          }),
      ),
    );
    const elapsed = (performance.now() - start) / 1000;
    return {
      roundTrips: rtts.length,
      seconds: elapsed,
      perSec: rtts.length / elapsed,
      p50Ms: percentile(rtts, 50),
      p99Ms: percentile(rtts, 99),
      errors,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}
