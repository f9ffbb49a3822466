import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Backends } from '../backends/backend';
import { runToEnd } from '../processes';
import { freePorts } from '../ports';
import type { ExtraResult } from '../results-model';
import { median } from '../stats';
import { ensureCompiled, startGatehouse } from '../subjects/gatehouse';

async function startups(o: { dir: string; backends: Backends; runs: number; compiled: boolean }): Promise<{ ready: number[]; line: number[] }> {
  const ready: number[] = [];
  const line: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const [http, https] = await freePorts(2);
    const g = await startGatehouse({ dir: o.dir, backends: o.backends, recording: true, httpPort: http!, httpsPort: https!, compiled: o.compiled });
    ready.push(g.startupMs);
    if (g.listeningLineMs !== undefined) line.push(g.listeningLineMs);
    await g.process.stop();
  }
  return { ready, line };
}

/**
 * Start-up time: spawn until the "Gatehouse … running" line (and until the listeners
 * accept), `runs` times with one data dir: the first run creates the CA, the rest
 * find it on disk. Once from the checkout (gatehouse.js → tsx) and once compiled.
 */
export async function measureStartup(o: { dir: string; backends: Backends; runs: number; mayBuild: boolean; log(line: string): void }): Promise<ExtraResult> {
  const result: ExtraResult = { title: 'Engine start-up (spawn → "running" line)', figures: {}, notes: [] };
  const checkout = await startups({ dir: path.join(o.dir, 'checkout'), backends: o.backends, runs: o.runs, compiled: false });
  const rest = (xs: number[]) => median(xs.length > 1 ? xs.slice(1) : xs);
  result.figures['firstRunMs'] = checkout.line[0] ?? checkout.ready[0]!;
  result.figures['medianMs'] = rest(checkout.line.length ? checkout.line : checkout.ready)!;
  result.figures['listenersAcceptMedianMs'] = rest(checkout.ready)!;
  result.notes.push(`checkout: node main/cli/gatehouse.js start --headless (TypeScript through tsx); first run creates the CA; medians of the ${o.runs - 1} runs after it`);
  const why = await ensureCompiled(o.log, o.mayBuild);
  if (why) result.notes.push(`compiled: not measured (${why})`);
  else {
    const compiled = await startups({ dir: path.join(o.dir, 'compiled'), backends: o.backends, runs: o.runs, compiled: true });
    result.figures['compiledMedianMs'] = rest(compiled.line.length ? compiled.line : compiled.ready)!;
    result.notes.push('compiled: node dist/main/cli/main.js start --headless');
  }
  o.log(
    `  start-up: first ${result.figures['firstRunMs']!.toFixed(0)} ms, then median ${result.figures['medianMs']!.toFixed(0)} ms` +
      (result.figures['compiledMedianMs'] !== undefined ? `, compiled ${result.figures['compiledMedianMs']!.toFixed(0)} ms` : ''),
  );
  return result;
}
