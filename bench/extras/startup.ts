import type { Backends } from '../backends/backend';
import type { ExtraResult } from '../results-model';
import { freePorts } from '../ports';
import { median } from '../stats';
import { startGatehouse } from '../subjects/gatehouse';

/**
 * Start-up time: spawn until both listeners accept connections, `runs` times with one
 * data dir (the first run creates the CA; the rest find it on disk).
 */
export async function measureStartup(o: { dir: string; backends: Backends; runs: number; log(line: string): void }): Promise<ExtraResult> {
  const result: ExtraResult = { title: 'Engine start-up (spawn → both listeners accept)', figures: {}, notes: [] };
  const times: number[] = [];
  const lines: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const [http, https] = await freePorts(2);
    const g = await startGatehouse({ dir: o.dir, backends: o.backends, recording: true, httpPort: http!, httpsPort: https! });
    times.push(g.startupMs);
    if (g.listeningLineMs !== undefined) lines.push(g.listeningLineMs);
    await g.process.stop();
  }
  result.figures['firstRunMs'] = times[0]!;
  result.figures['medianMs'] = median(times.slice(1)) ?? times[0]!;
  if (lines.length) result.figures['listeningLineMedianMs'] = median(lines.slice(1).length ? lines.slice(1) : lines)!;
  result.notes.push(
    `node main/cli/gatehouse.js start --headless (TypeScript through tsx, as in a checkout); first run creates the CA, median of the ${o.runs - 1} after it`,
  );
  o.log(`  start-up: first ${times[0]!.toFixed(0)} ms, then median ${result.figures['medianMs']!.toFixed(0)} ms`);
  return result;
}
