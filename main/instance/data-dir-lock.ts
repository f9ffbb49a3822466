import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * One Gatehouse per data directory, held from the first step of start-up.
 *
 * instance.json is written when start-up has finished, so two starts within the
 * same second both found none and both went on. The lock is a listening local
 * socket named after the data directory: the operating system lets one process
 * listen on a name, and frees the name when that process dies, however it dies
 * (a lock *file* outlives a SIGKILL or a power cut and then needs guessing).
 *
 * - Linux: an abstract socket (nothing on disk);
 * - Windows: a named pipe;
 * - macOS and others: a socket file in the temporary directory; one nobody accepts
 *   on is stale (its owner died) and is replaced.
 *
 * Whoever connects is told the holder's pid, so a refused start can name it.
 */

export interface DataDirLock {
  /** Frees the name for the next Gatehouse. */
  release(): Promise<void>;
}

/** The holder of a data directory's lock, as it answers on the lock's socket. */
export interface LockHolder {
  pid?: number;
}

const ASK_TIMEOUT_MS = 1_000;

/** The lock's socket name for a data directory (the directory must exist). */
export function lockAddress(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const real = fs.realpathSync.native(dataDir);
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 32);
  if (platform === 'linux') return `\0gatehouse-data-${hash}`;
  if (platform === 'win32') return `\\\\?\\pipe\\gatehouse-data-${hash}`;
  // Socket paths are limited to about 104 bytes on macOS: a short name in the temporary directory.
  return path.join(os.tmpdir(), `gatehouse-${hash.slice(0, 16)}.sock`);
}

/**
 * Takes the data directory's lock, or says who holds it (what the holder says
 * of itself). `address` is lockAddress(dataDir) but for tests.
 */
export async function lockDataDir(dataDir: string, address = lockAddress(dataDir)): Promise<{ lock: DataDirLock } | { holder: LockHolder }> {
  const onDisk = !address.startsWith('\0') && !address.startsWith('\\\\');
  for (let attempt = 0; ; attempt++) {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`${JSON.stringify({ pid: process.pid })}\n`);
    });
    const taken = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
      server.listen({ path: address, exclusive: true }, () => resolve(null));
    });
    if (taken === null) {
      // The lock's socket must not keep the process alive on its own.
      server.unref();
      return {
        lock: {
          release: () =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
            }),
        },
      };
    }
    if (taken.code !== 'EADDRINUSE') throw lockError(dataDir, address, taken);
    const holder = await askHolder(address);
    // A socket file nobody accepts on is what a process that died left behind.
    if (holder === null && onDisk && attempt === 0) {
      fs.rmSync(address, { force: true });
      continue;
    }
    return { holder: holder ?? {} };
  }
}

/** What the lock's holder says; null when nobody accepts on the address. */
function askHolder(address: string): Promise<LockHolder | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: address });
    let text = '';
    const done = (holder: LockHolder | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(holder);
    };
    const timer = setTimeout(() => done({}), ASK_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      try {
        const said = JSON.parse(text) as { pid?: unknown };
        done(typeof said.pid === 'number' ? { pid: said.pid } : {});
      } catch {
        done({});
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? null : {}));
  });
}

function lockError(dataDir: string, address: string, err: NodeJS.ErrnoException): Error {
  const shown = address.startsWith('\0') ? `the abstract socket @${address.slice(1)}` : address;
  return Object.assign(
    new Error(
      `could not take the lock that keeps one Gatehouse per data directory (${dataDir}) on ${shown}: ${err.message}. ` +
        'Check that the temporary directory is writable, or start with another --data-dir',
    ),
    { code: 'DATA_DIR_LOCK_FAILED' },
  );
}
