import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * Key generation and the CA's files on disk. Keys come from Node's crypto
 * (native, async); private keys are written readable by the owner only.
 */

const generateKeyPair = promisify(crypto.generateKeyPair);

export interface KeyPair {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
}

/** A new ECDSA P-256 key pair: fast to sign with, and accepted by every TLS stack that matters. */
export async function generateEcKeyPair(): Promise<KeyPair> {
  return generateKeyPair('ec', { namedCurve: 'prime256v1' });
}

export function privateKeyToPem(key: crypto.KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Creates a directory (and parents) and makes it owner-only (0700 on POSIX). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await fs.promises.chmod(dir, 0o700);
}

/**
 * Writes a file atomically (temp file, fsync, rename) with the given mode, so a
 * reader never sees half a key and a crash never leaves a truncated one.
 * `durable: false` skips the fsync, for caches whose loss only costs a redo.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode: number,
  opts: { durable?: boolean } = {},
): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.promises.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    if (opts.durable !== false) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (process.platform !== 'win32') await fs.promises.chmod(tmp, mode);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/** Reads a file, or undefined when it does not exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Loads a PEM private key; undefined when missing or unreadable as a key. */
export async function readPrivateKey(file: string): Promise<crypto.KeyObject | undefined> {
  const pem = await readIfExists(file);
  if (pem === undefined) return undefined;
  try {
    return crypto.createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/** True when the public key belongs to the private key. */
export function keysMatch(privateKey: crypto.KeyObject, publicKey: crypto.KeyObject): boolean {
  const a = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const b = publicKey.export({ type: 'spki', format: 'der' });
  return a.equals(b);
}
