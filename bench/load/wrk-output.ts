/** Parses wrk 4.x's text report. Pure. */
export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSec: number;
  /** bytes per second */
  transferPerSec: number;
  /** Latency percentiles in milliseconds (present with --latency). */
  latencyMs: Partial<Record<'p50' | 'p75' | 'p90' | 'p99', number>>;
  non2xx3xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

const TIME_UNIT_US: Record<string, number> = { us: 1, ms: 1000, s: 1e6, m: 60e6, h: 3600e6 };
const SIZE_UNIT: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export function parseWrkDuration(text: string): number | undefined {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  return m ? (Number(m[1]) * TIME_UNIT_US[m[2]!]!) / 1000 : undefined;
}

export function parseWrkSize(text: string): number | undefined {
  const m = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(text.trim());
  return m ? Number(m[1]) * SIZE_UNIT[m[2]!]! : undefined;
}

export function parseWrkOutput(text: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read/.exec(text);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const tps = /Transfer\/sec:\s+([\d.]+\w+)/.exec(text);
  if (!total || !rps) throw new Error(`unrecognised wrk output:\n${text.slice(0, 800)}`);
  const latencyMs: WrkResult['latencyMs'] = {};
  const dist = /Latency Distribution[ \t]*\n((?:[ \t]+\d+%[ \t]+\S+[ \t]*\n)+)/.exec(text);
  if (dist) {
    for (const m of dist[1]!.matchAll(/(\d+)%[ \t]+(\S+)/g)) {
      const v = parseWrkDuration(m[2]!);
      if (v !== undefined && ['50', '75', '90', '99'].includes(m[1]!)) latencyMs[`p${m[1]}` as 'p50'] = v;
    }
  }
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    seconds: (parseWrkDuration(total[2]!) ?? 0) / 1000,
    requestsPerSec: Number(rps[1]),
    transferPerSec: tps ? (parseWrkSize(tps[1]!) ?? 0) : 0,
    latencyMs,
    non2xx3xx: non ? Number(non[1]) : 0,
    socketErrors: se
      ? { connect: Number(se[1]), read: Number(se[2]), write: Number(se[3]), timeout: Number(se[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
}
