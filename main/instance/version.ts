import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/** Gatehouse's version, from the package.json above this file (source checkout or compiled dist/). */
export function gatehouseVersion(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gatehouse' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here; keep walking up
    }
    if (path.dirname(dir) === dir) return (cached = '0.0.0');
  }
}
