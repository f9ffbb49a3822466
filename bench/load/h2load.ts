import { runToEnd } from '../processes';
import { findExecutable } from '../workspace';
import { parseH2loadOutput, type H2loadResult } from './h2load-output';

export interface H2loadOptions {
  url: string;
  clients: number;
  streams: number;
  threads: number;
  /** Duration-bounded run (seconds) … */
  seconds?: number;
  /** … or a fixed number of requests. */
  requests?: number;
  /** Force HTTP/1.1 (h2load --h1). */
  h1?: boolean;
  /** Requests per second per client (h2load --rps). */
  rps?: number;
}

export function h2loadMissing(): string | undefined {
  return findExecutable('h2load') ? undefined : 'h2load is not installed (Debian package nghttp2-client)';
}

export async function runH2load(o: H2loadOptions): Promise<H2loadResult> {
  // -N: give up on a connection that shows no activity for 5 s, so that a subject that
  // stalls streams ends the run (as timeouts) instead of hanging it.
  const args = [`-c${o.clients}`, `-m${o.streams}`, `-t${o.threads}`, '-N5'];
  if (o.seconds !== undefined) args.push(`-D${o.seconds}`);
  else args.push(`-n${o.requests ?? 10000}`);
  if (o.h1) args.push('--h1');
  if (o.rps !== undefined) args.push(`--rps=${o.rps}`);
  args.push(o.url);
  // A duration run gets 10 s of grace; a counted run assumes at least 200 requests/s.
  const bound = (o.seconds !== undefined ? o.seconds + 10 : Math.max(60, (o.requests ?? 10000) / 200)) * 1000;
  const r = await runToEnd('h2load', findExecutable('h2load')!, args, bound);
  if (r.timedOut) throw new Error(`h2load did not finish within ${bound} ms: ${o.url}`);
  return parseH2loadOutput(r.output);
}
