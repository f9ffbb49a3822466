import * as fs from 'node:fs';
import { ConfigError } from './config-error';

/**
 * Creates the data directory (CA key, caches, instance.json) readable by the
 * user only. A directory that already exists is left as it is: it may be one
 * the user chose with --data-dir, and its permissions are theirs to set — but it
 * must be writable, or the error says so (and how to fix it) before anything
 * else fails half-way.
 */
export function ensureDataDir(dir: string): string {
  try {
    const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined && process.platform !== 'win32') fs.chmodSync(dir, 0o700);
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way' : (err as Error).message;
    throw new ConfigError(
      'CONFIG_IO',
      `the data directory ${dir} cannot be created or written (${why}); Gatehouse keeps its CA and instance file there — ` +
        'fix its permissions, or choose another with --data-dir (or GATEHOUSE_HOME)',
      [],
      { cause: err },
    );
  }
  return dir;
}
