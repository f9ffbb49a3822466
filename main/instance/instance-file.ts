import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InstanceInfo } from '../../shared/api-contract';
import { writeFileAtomic } from '../config/atomic-file';

/**
 * instance.json in the data directory: how other processes (CLI commands such
 * as `gatehouse traffic`) find the running instance. Written when the instance
 * has started, removed when it stops. Readable by the user only.
 */
export const INSTANCE_FILE_NAME = 'instance.json';

export interface InstanceRecord extends InstanceInfo {
  /** Epoch milliseconds when the instance finished starting. */
  startedAt: number;
  /** The control API token (this file is mode 0600 for that reason). */
  token?: string;
}

export function instanceFilePath(dataDir: string): string {
  return path.join(dataDir, INSTANCE_FILE_NAME);
}

export async function writeInstanceFile(dataDir: string, record: InstanceRecord): Promise<void> {
  await writeFileAtomic(instanceFilePath(dataDir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/** The record of a running instance, or null when there is none (no file, unreadable, or its process is gone). */
export function readInstanceFile(dataDir: string): InstanceRecord | null {
  let record: InstanceRecord;
  try {
    record = JSON.parse(fs.readFileSync(instanceFilePath(dataDir), 'utf8')) as InstanceRecord;
  } catch {
    return null;
  }
  return typeof record.pid === 'number' && processAlive(record.pid) ? record : null;
}

/** Removes instance.json if it still describes this process (a newer instance may have replaced it). */
export function removeInstanceFile(dataDir: string, pid = process.pid): void {
  const file = instanceFilePath(dataDir);
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<InstanceRecord>;
    if (record.pid === pid) fs.rmSync(file, { force: true });
  } catch {
    // already gone or unreadable: nothing of ours to remove
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
