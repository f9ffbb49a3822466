import { runToEnd } from '../processes';
import { findExecutable } from '../workspace';
import { parseWrkOutput, type WrkResult } from './wrk-output';

export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  seconds: number;
  latency?: boolean;
  headers?: string[];
  /** Run wrk on these CPUs only (`taskset -c`), e.g. "0". */
  cpus?: string;
}

export function wrkMissing(): string | undefined {
  return findExecutable('wrk') ? undefined : 'wrk is not installed (Debian package wrk)';
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '5s'];
  if (o.latency) args.push('--latency');
  for (const h of o.headers ?? []) args.push('-H', h);
  args.push(o.url);
  const wrk = findExecutable('wrk')!;
  const r = o.cpus
    ? await runToEnd('wrk', findExecutable('taskset') ?? 'taskset', ['-c', o.cpus, wrk, ...args], (o.seconds + 20) * 1000)
    : await runToEnd('wrk', wrk, args, (o.seconds + 20) * 1000);
  if (r.timedOut) throw new Error(`wrk did not finish: ${o.url}`);
  return parseWrkOutput(r.output);
}
