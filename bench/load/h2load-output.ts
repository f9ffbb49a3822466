/** Parses h2load's (nghttp2 1.4x–1.5x) text report. Pure. */
export interface H2loadResult {
  seconds: number;
  requestsPerSec: number;
  /** bytes per second */
  bytesPerSec: number;
  requests: { total: number; started: number; done: number; succeeded: number; failed: number; errored: number; timeout: number };
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  /** Mean time for request in milliseconds. */
  meanRequestMs?: number;
}

const TIME_US: Record<string, number> = { us: 1, ms: 1000, s: 1e6 };
const toMs = (v: string, unit: string) => (Number(v) * TIME_US[unit]!) / 1000;
const SIZE: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

export function parseH2loadOutput(text: string): H2loadResult {
  const fin = /finished in ([\d.]+)(us|ms|s), ([\d.]+) req\/s, ([\d.]+)(B|KB|MB|GB)\/s/.exec(text);
  const req = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(text);
  if (!fin || !req) throw new Error(`unrecognised h2load output:\n${text.slice(0, 800)}`);
  const st = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(text);
  const tfr = /time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)/.exec(text);
  const n = (i: number) => Number(req[i]);
  return {
    seconds: toMs(fin[1]!, fin[2]!) / 1000,
    requestsPerSec: Number(fin[3]),
    bytesPerSec: Number(fin[4]) * SIZE[fin[5]!]!,
    requests: { total: n(1), started: n(2), done: n(3), succeeded: n(4), failed: n(5), errored: n(6), timeout: n(7) },
    status: st
      ? { '2xx': Number(st[1]), '3xx': Number(st[2]), '4xx': Number(st[3]), '5xx': Number(st[4]) }
      : { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    meanRequestMs: tfr ? toMs(tfr[1]!, tfr[2]!) : undefined,
  };
}
