import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
