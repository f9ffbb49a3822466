import * as fs from 'node:fs';

/**
 * Resident set size in bytes of a process and all its descendants, from /proc (Linux),
 * or of the process alone (`tree: false`: a Node subject run through tsx has tsx's
 * esbuild helper as a child, which is not part of the engine).
 */
export function treeRss(pid: number, tree = true): number | undefined {
  const pids = tree ? processTree(pid) : [pid];
  let total = 0;
  let any = false;
  for (const p of pids) {
    const kb = statusField(p, 'VmRSS');
    if (kb !== undefined) {
      total += kb * 1024;
      any = true;
    }
  }
  return any ? total : undefined;
}

/** Peak resident set size (VmHWM) in bytes of one process. */
export function peakRss(pid: number): number | undefined {
  const kb = statusField(pid, 'VmHWM');
  return kb === undefined ? undefined : kb * 1024;
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function processTree(root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length && out.length < 256; i++) {
    const pid = out[i]!;
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const kids = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) out.push(Number(k));
      } catch {
        // task gone
      }
    }
  }
  return [...new Set(out)];
}

/** Samples treeRss(pid) every intervalMs until stopped; returns the samples in bytes. */
export function sampleRss(pid: number, intervalMs: number, tree = true): { stop(): number[] } {
  const samples: number[] = [];
  const take = () => {
    const v = treeRss(pid, tree);
    if (v !== undefined) samples.push(v);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** CPU time (user + system) in seconds used so far by a process, or with `tree` by it and its descendants (Linux /proc). */
export function cpuSeconds(pid: number, tree = true): number | undefined {
  const pids = tree ? processTree(pid) : [pid];
  let ticks = 0;
  let any = false;
  for (const p of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces): utime is the 14th field, stime the 15th.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
      any = true;
    } catch {
      // The process ended.
    }
  }
  return any ? ticks / CLOCK_TICKS_PER_SECOND : undefined;
}

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;
