import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

/**
 * Snapshot and restore of the Debian system trust store (/etc/ssl/certs,
 * /usr/local/share/ca-certificates, the Java keystore), for root-only tests that
 * really run `gatehouse trust` / `untrust`. restore() puts back every entry
 * exactly as it was and removes anything Gatehouse left.
 */

const CERTS_DIR = '/etc/ssl/certs';
const ANCHORS_DIR = '/usr/local/share/ca-certificates';
export const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const JAVA_KEYSTORE = '/etc/ssl/certs/java/cacerts';

type Entry = { kind: 'link'; target: string } | { kind: 'file'; bytes: Buffer } | { kind: 'other' };

function snapshotDir(dir: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const full = path.join(dir, name);
    const st = fs.lstatSync(full);
    if (st.isSymbolicLink()) out.set(name, { kind: 'link', target: fs.readlinkSync(full) });
    else if (st.isFile()) out.set(name, { kind: 'file', bytes: fs.readFileSync(full) });
    else out.set(name, { kind: 'other' });
  }
  return out;
}

function same(a: Entry | undefined, b: Entry | undefined): boolean {
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'link' && b.kind === 'link') return a.target === b.target;
  if (a.kind === 'file' && b.kind === 'file') return a.bytes.equals(b.bytes);
  return true;
}

function restoreDir(dir: string, before: Map<string, Entry>): string[] {
  const changed: string[] = [];
  const now = snapshotDir(dir);
  for (const [name, entry] of now) {
    if (entry.kind === 'other') continue;
    if (!before.has(name)) {
      fs.rmSync(path.join(dir, name), { force: true });
      changed.push(`removed ${path.join(dir, name)}`);
    }
  }
  for (const [name, entry] of before) {
    if (entry.kind === 'other' || same(entry, now.get(name))) continue;
    const full = path.join(dir, name);
    fs.rmSync(full, { force: true });
    if (entry.kind === 'link') fs.symlinkSync(entry.target, full);
    else fs.writeFileSync(full, entry.bytes);
    changed.push(`restored ${full}`);
  }
  return changed;
}

export interface SystemTrustSnapshot {
  bundle: Buffer;
  /** Puts everything back; returns what it had to change (empty when the code under test already did). */
  restore(): string[];
  /** Entries that differ from the snapshot right now, without changing anything. */
  differences(): string[];
}

export function snapshotSystemTrust(): SystemTrustSnapshot {
  const certs = snapshotDir(CERTS_DIR);
  const anchors = snapshotDir(ANCHORS_DIR);
  const java = fs.existsSync(JAVA_KEYSTORE) ? fs.readFileSync(JAVA_KEYSTORE) : undefined;
  const bundle = fs.readFileSync(SYSTEM_BUNDLE);
  return {
    bundle,
    differences() {
      const diff: string[] = [];
      for (const [dir, before] of [
        [CERTS_DIR, certs],
        [ANCHORS_DIR, anchors],
      ] as const) {
        const now = snapshotDir(dir);
        for (const name of new Set([...before.keys(), ...now.keys()])) {
          if (!same(before.get(name), now.get(name))) diff.push(path.join(dir, name));
        }
      }
      return diff;
    },
    restore() {
      const changed = [...restoreDir(ANCHORS_DIR, anchors)];
      if (!fs.readFileSync(SYSTEM_BUNDLE).equals(bundle)) {
        spawnSync('update-ca-certificates', [], { stdio: 'ignore', timeout: 120_000 });
        changed.push('ran update-ca-certificates');
      }
      changed.push(...restoreDir(CERTS_DIR, certs));
      if (java && !fs.readFileSync(JAVA_KEYSTORE).equals(java)) {
        fs.writeFileSync(JAVA_KEYSTORE, java);
        changed.push(`restored ${JAVA_KEYSTORE}`);
      }
      return changed;
    },
  };
}
