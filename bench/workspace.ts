import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killAllNow, stopAll } from './processes';

/** One temp directory for the whole run; every server's config, logs and data live under it. */
export function makeWorkspace(): { dir: string; sub(name: string): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
  return {
    dir,
    sub(name: string) {
      const p = path.join(dir, name);
      fs.mkdirSync(p, { recursive: true });
      return p;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Absolute path of an executable on PATH (or in the usual sbin folders), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A workspace for one run, with everything the run starts stopped and the workspace removed
 * by `cleanup()`, on SIGINT/SIGTERM (exit code 130) and, as a last resort, on exit.
 */
export function runWorkspace(log: (line: string) => void, who: string): { ws: ReturnType<typeof makeWorkspace>; cleanup(): Promise<void> } {
  const ws = makeWorkspace();
  const cleanup = async () => {
    await stopAll();
    ws.remove();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`\n${sig}: stopping everything the ${who} started`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllNow);
  return { ws, cleanup };
}
