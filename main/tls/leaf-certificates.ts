import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { Logger } from '../engine/logger';
import { silentLogger } from '../engine/logger';
import type { CertificateAuthority } from './certificate-authority';
import { needsRenewal } from './certificate-fields';
import { KeyedContextPool, type KeyedContextPoolOptions, type KeyedContextPoolStats } from './keyed-context-pool';
import { readIfExists, writeFileAtomic } from './key-files';
import { LruMap } from './lru-map';

/**
 * Leaf certificates by host, ready to serve as TLS secure contexts. Looks in a
 * bounded in-memory cache, then in <dataDir>/ca/leaves/<host>.pem (so a restart
 * does not re-mint), and only then mints. Concurrent requests for the same new
 * host share one pending mint.
 *
 * The handshake for a new name waits only for the mint and the secure context:
 * which names have a file on disk is read once (one readdir), so a name without
 * one costs no file lookup, and a fresh leaf is written to disk a moment after
 * its handshake (writes batched, flush() writes them now).
 */

export interface LeafCertificatesOptions {
  /** Most secure contexts kept in memory (least recently used dropped first). Default 1000. */
  memoryLimit?: number;
  /** How long a freshly minted leaf waits before it is written to the disk cache. Default 200 ms. */
  writeDelayMs?: number;
  logger?: Logger;
  now?: () => Date;
  /** Contexts with the leaf key loaded, made ahead while idle (see KeyedContextPool). */
  pool?: KeyedContextPoolOptions;
}

interface CachedLeaf {
  context: tls.SecureContext;
  notAfter: Date;
  generation: number;
}

export interface LeafStats {
  /** Certificates minted by this process. */
  minted: number;
  /** Certificates taken from the disk cache. */
  loadedFromDisk: number;
}

export class LeafCertificates {
  private readonly memory: LruMap<string, CachedLeaf>;
  private readonly pending = new Map<string, Promise<tls.SecureContext>>();
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly _stats: LeafStats = { minted: 0, loadedFromDisk: 0 };
  private readonly writeDelayMs: number;
  /** Names with a file in the leaves folder (read once, then kept up to date by our own writes). */
  private onDisk: Promise<Set<string>> | undefined;
  /** Minted leaves waiting to be written to disk, by host. */
  private readonly unwritten = new Map<string, { pem: string; generation: number }>();
  private writeTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly pool: KeyedContextPool;

  constructor(
    private readonly ca: CertificateAuthority,
    opts: LeafCertificatesOptions = {},
  ) {
    this.memory = new LruMap(opts.memoryLimit ?? 1000);
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
    this.writeDelayMs = opts.writeDelayMs ?? 200;
    this.pool = new KeyedContextPool(opts.pool);
    this.pool.prepare(ca.leafKeyPem);
  }

  get stats(): Readonly<LeafStats> {
    return { ...this._stats };
  }

  /** How the pool of ready contexts has served (for tests and the benchmark). */
  get poolStats(): Readonly<KeyedContextPoolStats> {
    return this.pool.stats;
  }

  /** Stops making contexts ahead (on stop). */
  dispose(): void {
    this.pool.dispose();
  }

  /**
   * The context already in memory for a normalised host name (what the SNI
   * callback tries first: a Map lookup), or undefined when it has to be loaded
   * or minted with contextFor. Entries are made only for names the CA accepted
   * under the current root, so no name check is needed here.
   */
  cachedContext(name: string): tls.SecureContext | undefined {
    const cached = this.memory.get(name);
    if (cached && cached.generation === this.ca.generation && !needsRenewal(cached.notAfter, this.now())) {
      return cached.context;
    }
    return undefined;
  }

  /** The secure context for a host; rejects with a TlsError when the CA may not issue for it. */
  contextFor(host: string): Promise<tls.SecureContext> {
    let name: string;
    try {
      name = this.ca.checkHost(host);
    } catch (err) {
      return Promise.reject(err);
    }
    const cached = this.cachedContext(name);
    if (cached) return Promise.resolve(cached);
    const inFlight = this.pending.get(name);
    if (inFlight) return inFlight;
    const job = this.load(name).finally(() => this.pending.delete(name));
    this.pending.set(name, job);
    return job;
  }

  /** Drops everything cached in memory (the disk cache is checked against the root on load). */
  clearMemory(): void {
    this.memory.clear();
    this.onDisk = undefined; // the root may have been re-issued, which empties the folder
  }

  /** Writes the leaves still waiting for the disk cache now (on stop, and in tests). */
  flush(): Promise<void> {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const batch = [...this.unwritten];
    this.unwritten.clear();
    const generation = this.ca.generation;
    const done = this.writing.then(() =>
      Promise.all(
        batch
          .filter(([, leaf]) => leaf.generation === generation) // an older root's leaf is useless on disk
          .map(([host, leaf]) =>
            // A cache file: no fsync (a torn file after a crash fails to parse and is simply re-minted).
            writeFileAtomic(this.fileFor(host), leaf.pem, 0o644, { durable: false }).then(
              () => void this.onDisk?.then((names) => names.add(host)),
              (err: Error) => this.logger.warn(`Could not cache the certificate for ${host} on disk: ${err.message}`),
            ),
          ),
      ),
    );
    this.writing = done.then(() => undefined);
    return this.writing;
  }

  private fileFor(host: string): string {
    return path.join(this.ca.paths.leaves, `${host}.pem`);
  }

  /** Names with a leaf file on disk; one readdir per process (and after the root changes). */
  private namesOnDisk(): Promise<Set<string>> {
    this.onDisk ??= fs.promises.readdir(this.ca.paths.leaves).then(
      (files) => new Set(files.filter((f) => f.endsWith('.pem') && !f.startsWith('.')).map((f) => f.slice(0, -'.pem'.length))),
      () => new Set<string>(),
    );
    return this.onDisk;
  }

  private scheduleWrite(host: string, pem: string, generation: number): void {
    this.unwritten.set(host, { pem, generation });
    if (this.writeTimer) return;
    // Later than the handshake and the first request that wait for this leaf; not unref'd,
    // so a process that ends normally still writes what it minted.
    this.writeTimer = setTimeout(() => void this.flush(), this.writeDelayMs);
  }

  private async load(host: string): Promise<tls.SecureContext> {
    const generation = this.ca.generation;
    const fromDisk = (await this.namesOnDisk()).has(host) ? await this.readFromDisk(host) : undefined;
    let pem: string;
    let notAfter: Date;
    if (fromDisk) {
      pem = fromDisk.pem;
      notAfter = fromDisk.notAfter;
      this._stats.loadedFromDisk += 1;
    } else {
      const leaf = this.ca.mintLeaf(host);
      this._stats.minted += 1;
      pem = leaf.pem;
      notAfter = leaf.notAfter;
      // The handshake does not wait for the disk; a failed write only costs a re-mint after restart.
      this.scheduleWrite(host, pem, generation);
    }
    const context = this.pool.contextFor(this.ca.leafKeyPem, pem);
    if (generation === this.ca.generation) this.memory.set(host, { context, notAfter, generation });
    return context;
  }

  private async readFromDisk(host: string): Promise<{ pem: string; notAfter: Date } | undefined> {
    let pem: string | undefined;
    try {
      pem = await readIfExists(this.fileFor(host));
    } catch {
      return undefined;
    }
    if (pem === undefined) return undefined;
    try {
      const cert = new crypto.X509Certificate(pem);
      if (!this.ca.isUsableLeaf(cert, host)) {
        await fs.promises.rm(this.fileFor(host), { force: true });
        return undefined;
      }
      return { pem, notAfter: new Date(cert.validTo) };
    } catch {
      return undefined;
    }
  }
}
