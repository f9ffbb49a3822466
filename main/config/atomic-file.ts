import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Whole-file writes that a reader (an editor, the config watcher, another
 * Gatehouse) never sees half done: write a temporary file in the same
 * directory, fsync it, rename it over the target, fsync the directory.
 *
 * The file keeps its mode (and its owner, when running as root); a symlinked
 * config (a dotfiles repo) is written through the link, not replaced by a file.
 */
export interface AtomicWriteOptions {
  /** Mode for a file that does not exist yet (default 0o644; the umask does not apply). */
  mode?: number;
}

function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
}

async function realTarget(file: string): Promise<string> {
  try {
    return await fs.promises.realpath(file);
  } catch {
    return file;
  }
}

async function statOrNull(file: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse to fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes `data` into a new temporary file beside `file` and returns its path (fsynced, mode set). */
async function writeTemp(file: string, data: string | Uint8Array, mode: number, owner?: { uid: number; gid: number }): Promise<string> {
  const temp = tempPathFor(file);
  const handle = await fs.promises.open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    if (owner) await handle.chown(owner.uid, owner.gid).catch(() => undefined);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  return temp;
}

/**
 * A file operation failed, said in the user's terms: the path they gave (never
 * the temporary file beside it) and what to do. `code` is the errno code.
 */
export class FileAccessError extends Error {
  constructor(
    readonly code: string,
    /** The reason alone ("the folder /x does not exist; create it or choose another path"). */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FileAccessError';
  }
}

/** Why reading or writing `file` failed, in words about `file` and its folder, with the fix. */
export function describeFileError(err: unknown, file: string, action: 'read' | 'write'): string {
  const e = err as NodeJS.ErrnoException;
  const dir = path.dirname(file);
  switch (e.code) {
    case 'ENOENT':
      return action === 'read' ? 'it does not exist' : `the folder ${dir} does not exist; create it or choose another path`;
    case 'EISDIR':
      return `${file} is a folder; give the path of a file`;
    case 'ENOTDIR':
      return `part of the path ${dir} is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return action === 'read'
        ? `permission denied; make ${file} readable by you`
        : `permission denied: Gatehouse cannot write in ${dir} (it writes a temporary file there and renames it over ${path.basename(file)}); make the folder writable or choose another path`;
    case 'EROFS':
      return `${dir} is on a read-only file system; choose another path`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left for it in ${dir}; free some space or choose another path`;
    default:
      // Whatever else Node says, without the name of our temporary file.
      return (e.message ?? String(err)).replace(/\S*\.[^/\s]*\.\d+\.[0-9a-f]{8}\.tmp'?/g, `'${file}'`);
  }
}

function accessError(err: unknown, file: string): FileAccessError {
  const reason = describeFileError(err, file, 'write');
  return new FileAccessError((err as NodeJS.ErrnoException).code ?? 'EIO', reason, `cannot write ${file}: ${reason}`, { cause: err });
}

/** Writes `file` atomically; failures are FileAccessError naming `file`, never the temporary file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  try {
    await writeFileAtomicRaw(file, data, options);
  } catch (err) {
    throw accessError(err, file);
  }
}

async function writeFileAtomicRaw(file: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const target = await realTarget(file);
  const existing = await statOrNull(target);
  const mode = existing ? existing.mode & 0o7777 : (options.mode ?? 0o644);
  const owner = existing && process.getuid?.() === 0 ? { uid: existing.uid, gid: existing.gid } : undefined;
  const temp = await writeTemp(target, data, mode, owner);
  try {
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await fsyncDirectory(path.dirname(target));
}

/**
 * Creates `file` with `data` only if it does not exist yet; returns false when it
 * already did. Readers never see a partial file: the content is linked into place.
 */
export async function createFileExclusive(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<boolean> {
  try {
    return await createFileExclusiveRaw(file, data, options);
  } catch (err) {
    throw accessError(err, file);
  }
}

async function createFileExclusiveRaw(file: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<boolean> {
  const temp = await writeTemp(file, data, options.mode ?? 0o644);
  try {
    await fs.promises.link(temp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
    // No hard links on this file system: exclusive create, then write.
    try {
      await fs.promises.writeFile(file, data, { flag: 'wx', mode: options.mode ?? 0o644 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
  await fsyncDirectory(path.dirname(file));
  return true;
}
