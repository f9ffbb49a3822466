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
}

export function wrkMissing(): string | undefined {
  return findExecutable('wrk') ? undefined : 'wrk is not installed (Debian package wrk)';
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '5s'];
  if (o.latency) args.push('--latency');
  for (const h of o.headers ?? []) args.push('-H', h);
  args.push(o.url);
  const r = await runToEnd('wrk', findExecutable('wrk')!, args, (o.seconds + 20) * 1000);
  if (r.timedOut) throw new Error(`wrk did not finish: ${o.url}`);
  return parseWrkOutput(r.output);
}
