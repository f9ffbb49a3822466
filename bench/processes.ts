import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Every process the benchmark starts goes through here, so that all of them are
 * stopped at the end, on Ctrl-C and on errors. Each child runs in its own process
 * group (detached) so that a master and its workers (nginx, haproxy) stop together.
 */
export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  /** stdout+stderr seen so far (capped). */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const running = new Set<Managed>();
const OUTPUT_CAP = 256 * 1024;

export function startProcess(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Managed {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    if (out.length < OUTPUT_CAP) out += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once('error', (err) => {
      out += `\nspawn error: ${err.message}`;
      resolve(-1);
    });
  });
  const managed: Managed = {
    name,
    child,
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    stop: async () => {
      if (!running.has(managed)) return;
      running.delete(managed);
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      signalGroup(child.pid, 'SIGKILL'); // stragglers in the group (workers)
    },
  };
  running.add(managed);
  void exited.then(() => {
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  });
  return managed;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

/** Runs a command to completion (bounded by timeoutMs) and returns its output. */
export async function runToEnd(
  name: string,
  command: string,
  args: readonly string[],
  timeoutMs: number,
  options: SpawnOptions = {},
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const p = startProcess(name, command, args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void p.stop();
  }, timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  await p.stop();
  return { code, output: p.output(), timedOut };
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].reverse().map((m) => m.stop()));
}

/** Synchronous last resort for process exit: SIGKILL every group still running. */
export function killAllNow(): void {
  for (const m of running) if (m.child.pid !== undefined) signalGroup(m.child.pid, 'SIGKILL');
  running.clear();
}

/** Resolves when `pattern` appears in the process output, rejects on exit or timeout. */
export function waitForOutput(p: Managed, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = p.output().match(pattern);
      if (m) {
        finish();
        resolve(m);
      }
    };
    const onExit = () => {
      finish();
      reject(new Error(`${p.name} exited before printing ${pattern}:\n${p.output().slice(-2000)}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${p.name} did not print ${pattern} within ${timeoutMs} ms:\n${p.output().slice(-2000)}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      p.child.stdout?.off('data', check);
      p.child.stderr?.off('data', check);
      p.child.off('exit', onExit);
    };
    p.child.stdout?.on('data', check);
    p.child.stderr?.on('data', check);
    p.child.once('exit', onExit);
    check();
  });
}
