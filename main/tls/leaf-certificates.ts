import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { Logger } from '../engine/logger';
import { silentLogger } from '../engine/logger';
import type { CertificateAuthority } from './certificate-authority';
import { needsRenewal } from './certificate-fields';
import { readIfExists, writeFileAtomic } from './key-files';
import { LruMap } from './lru-map';

/**
 * Leaf certificates by host, ready to serve as TLS secure contexts. Looks in a
 * bounded in-memory cache, then in <dataDir>/ca/leaves/<host>.pem (so a restart
 * does not re-mint), and only then mints. Concurrent requests for the same new
 * host share one pending mint.
 */

export interface LeafCertificatesOptions {
  /** Most secure contexts kept in memory (least recently used dropped first). Default 1000. */
  memoryLimit?: number;
  logger?: Logger;
  now?: () => Date;
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

  constructor(
    private readonly ca: CertificateAuthority,
    opts: LeafCertificatesOptions = {},
  ) {
    this.memory = new LruMap(opts.memoryLimit ?? 1000);
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
  }

  get stats(): Readonly<LeafStats> {
    return { ...this._stats };
  }

  /** The secure context for a host; rejects with a TlsError when the CA may not issue for it. */
  contextFor(host: string): Promise<tls.SecureContext> {
    let name: string;
    try {
      name = this.ca.checkHost(host);
    } catch (err) {
      return Promise.reject(err);
    }
    const cached = this.memory.get(name);
    if (cached && cached.generation === this.ca.generation && !needsRenewal(cached.notAfter, this.now())) {
      return Promise.resolve(cached.context);
    }
    const inFlight = this.pending.get(name);
    if (inFlight) return inFlight;
    const job = this.load(name).finally(() => this.pending.delete(name));
    this.pending.set(name, job);
    return job;
  }

  /** Drops everything cached in memory (the disk cache is checked against the root on load). */
  clearMemory(): void {
    this.memory.clear();
  }

  private fileFor(host: string): string {
    return path.join(this.ca.paths.leaves, `${host}.pem`);
  }

  private async load(host: string): Promise<tls.SecureContext> {
    const generation = this.ca.generation;
    const fromDisk = await this.readFromDisk(host);
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
      // A cache file: no fsync (a torn file after a crash fails to parse and is simply re-minted).
      writeFileAtomic(this.fileFor(host), pem, 0o644, { durable: false }).catch((err: Error) =>
        this.logger.warn(`Could not cache the certificate for ${host} on disk: ${err.message}`),
      );
    }
    // ca: [] — a server context needs no trust store; loading the system roots into each one costs ~1 ms.
    const context = tls.createSecureContext({ key: this.ca.leafKeyPem, cert: pem, ca: [] });
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
