import * as fs from 'node:fs';

/**
 * Creates the data directory (CA key, caches, instance.json) readable by the
 * user only. A directory that already exists is left as it is: it may be one
 * the user chose with --data-dir, and its permissions are theirs to set.
 */
export function ensureDataDir(dir: string): string {
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined && process.platform !== 'win32') fs.chmodSync(dir, 0o700);
  return dir;
}
