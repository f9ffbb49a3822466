import { callControl } from '../control/control-client';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { instanceFilePath, readInstanceFile, type InstanceRecord } from './instance-file';

/**
 * One data directory, one Gatehouse: instance.json, the CA and the caches are
 * per data directory, so a second instance would overwrite the first one's
 * instance.json (and remove it on exit), leaving the first running but out of
 * reach of `gatehouse traffic`, `har` and the route commands.
 */

/** How long the running instance's control API gets to say it is there. */
const PROBE_TIMEOUT_MS = 2_000;

export class AlreadyRunningError extends Error {
  readonly code = 'ALREADY_RUNNING';
  readonly status = 409;

  constructor(
    message: string,
    /** The running instance's record; absent while the other one is still starting. */
    readonly record?: InstanceRecord,
  ) {
    super(message);
    this.name = 'AlreadyRunningError';
  }
}

/**
 * The live Gatehouse that instance.json in `dataDir` names, or null when there is
 * none: no file, a dead pid, or a live pid whose control API does not answer as
 * that Gatehouse (the pid was reused by another program) — a stale file to take over.
 */
export async function liveInstance(dataDir: string): Promise<InstanceRecord | null> {
  const record = readInstanceFile(dataDir);
  if (!record) return null;
  // A record without a control API (an older Gatehouse) cannot be asked; a live pid is all there is to go by.
  if (!record.controlUrl || !record.token) return record;
  try {
    const info = await callControl({ controlUrl: record.controlUrl, token: record.token }, 'instance.info', {}, PROBE_TIMEOUT_MS);
    return info.pid === record.pid ? record : null;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // Nothing (or nothing speaking the API) at that address: not the Gatehouse the file describes.
    if (code === 'unreachable' || code === 'timeout' || code === 'bad-response') return null;
    // A Gatehouse answered but refused (say, another token): something of ours is there.
    return record;
  }
}

/**
 * Makes this process the one Gatehouse of `dataDir`: takes the data directory's
 * lock (held until released, or until the process dies) or throws
 * AlreadyRunningError naming the Gatehouse that has it.
 */
export async function claimDataDir(dataDir: string): Promise<DataDirLock> {
  const claim = await lockDataDir(dataDir);
  if ('holder' in claim) {
    const record = await liveInstance(dataDir);
    if (record) throw alreadyRunning(dataDir, record);
    // The holder has not written instance.json yet: it is starting (or was started by a Gatehouse that never writes one).
    const who = claim.holder.pid !== undefined ? `pid ${claim.holder.pid}` : 'another process';
    throw new AlreadyRunningError(
      `Another Gatehouse (${who}) is starting with the data directory ${dataDir}. ` +
        `Wait for it and use it, stop it first${claim.holder.pid !== undefined ? ` (\`kill ${claim.holder.pid}\`)` : ''}, or start this one with another --data-dir`,
    );
  }
  // instance.json from a Gatehouse that does not take the lock (an older release) still counts.
  try {
    await refuseIfRunning(dataDir);
  } catch (err) {
    await claim.lock.release();
    throw err;
  }
  return claim.lock;
}

/** Throws AlreadyRunningError when a live Gatehouse uses `dataDir`. */
async function refuseIfRunning(dataDir: string): Promise<void> {
  const record = await liveInstance(dataDir);
  if (record) throw alreadyRunning(dataDir, record);
}

function alreadyRunning(dataDir: string, record: InstanceRecord): AlreadyRunningError {
  const where = [
    record.httpPort !== undefined ? `HTTP on port ${record.httpPort}` : '',
    record.httpsPort !== undefined ? `HTTPS on port ${record.httpsPort}` : '',
    // The control URL without the token: the dashboard's address, not its key.
    record.controlUrl ? `dashboard ${record.controlUrl}` : '',
  ].filter(Boolean);
  return new AlreadyRunningError(
    `Gatehouse is already running with the data directory ${record.dataDir ?? dataDir} (pid ${record.pid}${where.length ? `: ${where.join(', ')}` : ''}; ` +
      `recorded in ${instanceFilePath(dataDir)}). Stop it first (Ctrl+C in its terminal, or \`kill ${record.pid}\`), ` +
      'or start this one with another --data-dir',
    record,
  );
}
