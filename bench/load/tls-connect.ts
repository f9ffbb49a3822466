import * as path from 'node:path';
import { runToEnd } from '../processes';
import { findExecutable } from '../workspace';

export interface TlsConnectResult {
  ok: number;
  failed: number;
  seconds: number;
  p50_ms?: number;
  p99_ms?: number;
  /** Per-connection time in ms, in connection order (only when maxConnections was given); -1 = failed. */
  samples_ms?: number[];
}

/** Compiles tls-connect.c with the system's cc and OpenSSL; returns the binary or why it could not. */
export async function buildTlsConnect(outDir: string): Promise<{ bin?: string; missing?: string }> {
  const cc = findExecutable('cc') ?? findExecutable('gcc');
  if (!cc) return { missing: 'no C compiler (cc) to build bench/load/tls-connect.c' };
  const bin = path.join(outDir, 'tls-connect');
  const r = await runToEnd('cc tls-connect', cc, ['-O2', '-o', bin, path.join(__dirname, 'tls-connect.c'), '-lssl', '-lcrypto', '-lpthread'], 60_000);
  if (r.code !== 0) return { missing: `could not build tls-connect (needs libssl-dev): ${r.output.split('\n')[0]}` };
  return { bin };
}

/** New TLS connections, each a full handshake + one request with Connection: close. */
export async function runTlsConnect(
  bin: string,
  opts: {
    port: number;
    sni: string;
    path: string;
    concurrency: number;
    seconds: number;
    maxConnections?: number;
    /** Each worker waits this long between connections (needs maxConnections). */
    pauseMs?: number;
  },
): Promise<TlsConnectResult> {
  const args = [
    '127.0.0.1',
    String(opts.port),
    opts.sni,
    opts.path,
    String(opts.concurrency),
    String(opts.seconds),
    ...(opts.maxConnections !== undefined ? [String(opts.maxConnections)] : []),
    ...(opts.maxConnections !== undefined && opts.pauseMs !== undefined ? [String(opts.pauseMs)] : []),
  ];
  const r = await runToEnd('tls-connect', bin, args, (opts.seconds + 20) * 1000);
  if (r.code !== 0 || r.timedOut) throw new Error(`tls-connect failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.output.slice(0, 500)}`);
  return JSON.parse(r.output.trim().split('\n').pop()!) as TlsConnectResult;
}
