import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../engine/logger';
import { silentLogger } from '../engine/logger';
import { buildCertificate, derToPem, keyIdentifier } from './certificate-builder';
import {
  leafCertificateSpec,
  needsRenewal,
  rootCertificateSpec,
  rootSubject,
  serialFromRandom,
  type NameAttribute,
} from './certificate-fields';
import {
  ensurePrivateDir,
  generateEcKeyPair,
  keysMatch,
  privateKeyToPem,
  readIfExists,
  readPrivateKey,
  writeFileAtomic,
} from './key-files';
import { permittedDnsNames } from './name-constraints';
import { isValidHostName, matchingSuffix, normalizeHostName, permittedSuffixes, sameSuffixSet } from './permitted-names';
import { TlsError } from './tls-error';

/**
 * Gatehouse's local certificate authority: a name-constrained ECDSA P-256 root
 * kept in <dataDir>/ca/, and one shared leaf key. Minting a leaf costs one
 * signature. Files:
 *
 *   ca/root.pem       root certificate (public; what the trust stores get)
 *   ca/root-key.pem   root private key, 0600
 *   ca/leaf-key.pem   the key every leaf certificate carries, 0600
 *   ca/leaves/        leaf certificates by host (see leaf-certificates.ts)
 */

export interface CertificateAuthorityOptions {
  /** Gatehouse's data directory; the CA lives in <dataDir>/ca. */
  dataDir: string;
  /** Extra suffixes from the config (test and localhost are always permitted). */
  suffixes?: readonly string[];
  logger?: Logger;
  now?: () => Date;
  /**
   * The user's consent to replace a damaged CA (missing key, unreadable or
   * mismatched root): the old files are moved aside, never deleted. Without it
   * open() refuses, because the old root may be trusted by the OS and browsers.
   */
  recreate?: boolean;
}

export interface LeafCertificate {
  host: string;
  pem: string;
  der: Buffer;
  notBefore: Date;
  notAfter: Date;
}

interface Root {
  key: crypto.KeyObject;
  cert: crypto.X509Certificate;
  pem: string;
  keyId: Buffer;
  subject: NameAttribute[];
  suffixes: string[];
}

export const CA_DIR_NAME = 'ca';

export function caPaths(dataDir: string) {
  const dir = path.join(dataDir, CA_DIR_NAME);
  return {
    dir,
    rootCert: path.join(dir, 'root.pem'),
    rootKey: path.join(dir, 'root-key.pem'),
    leafKey: path.join(dir, 'leaf-key.pem'),
    leaves: path.join(dir, 'leaves'),
  };
}

function commonNameOf(cert: crypto.X509Certificate): string {
  const m = /^CN=(.*)$/m.exec(cert.subject);
  return m ? m[1]! : 'Gatehouse Local CA';
}

async function restrictToOwner(file: string): Promise<void> {
  if (process.platform !== 'win32') await fs.promises.chmod(file, 0o600).catch(() => undefined);
}

export class CertificateAuthority {
  readonly paths: ReturnType<typeof caPaths>;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly recreate: boolean;
  private root!: Root;
  private leafKey!: crypto.KeyObject;
  private _leafKeyPem!: string;
  private leafPublicKey!: crypto.KeyObject;
  private leafKeyId!: Buffer;
  private _generation = 0;

  private constructor(opts: CertificateAuthorityOptions) {
    this.paths = caPaths(opts.dataDir);
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
    this.recreate = opts.recreate === true;
  }

  /** Loads the CA from disk, creating it on first run and re-issuing the root when the suffixes changed. */
  static async open(opts: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    const ca = new CertificateAuthority(opts);
    await ensurePrivateDir(ca.paths.dir);
    await ensurePrivateDir(ca.paths.leaves);
    await ca.loadOrCreateLeafKey();
    await ca.loadOrIssueRoot(permittedSuffixes(opts.suffixes));
    return ca;
  }

  get rootCertPath(): string {
    return this.paths.rootCert;
  }

  get rootCertPem(): string {
    return this.root.pem;
  }

  get rootCertificate(): crypto.X509Certificate {
    return this.root.cert;
  }

  /** The suffixes the root permits, e.g. ["test", "localhost", "internal"]. */
  get suffixes(): readonly string[] {
    return this.root.suffixes;
  }

  /** Increases whenever the root is re-issued; caches of leaves compare it. */
  get generation(): number {
    return this._generation;
  }

  /** The shared leaf key in PEM form (what tls.createSecureContext takes). */
  get leafKeyPem(): string {
    return this._leafKeyPem;
  }

  get leafPrivateKey(): crypto.KeyObject {
    return this.leafKey;
  }

  /** Applies a new suffix list from the config. Returns true when that re-issued the root. */
  async setSuffixes(extra: readonly string[] | undefined): Promise<boolean> {
    const wanted = permittedSuffixes(extra);
    if (sameSuffixSet(wanted, this.root.suffixes)) return false;
    await this.issueRoot(wanted, `the permitted suffixes changed (${this.root.suffixes.join(', ')} → ${wanted.join(', ')})`);
    return true;
  }

  /** The permitted, normalised form of a host, or a TlsError saying why it cannot have a certificate. */
  checkHost(host: string): string {
    const name = normalizeHostName(host);
    if (!isValidHostName(name)) {
      throw new TlsError('CA_NAME_INVALID', `"${host}" is not a valid DNS name, so no certificate can be issued for it`);
    }
    if (matchingSuffix(name, this.root.suffixes) === undefined) {
      throw new TlsError(
        'CA_NAME_NOT_PERMITTED',
        `"${name}" is outside the CA's permitted suffixes (${this.root.suffixes.join(', ')}); ` +
          'add its suffix to "suffixes" in the config to serve it over HTTPS',
      );
    }
    return name;
  }

  /** Mints a leaf certificate for one host (synchronous: one ECDSA signature). */
  mintLeaf(host: string): LeafCertificate {
    const name = this.checkHost(host);
    const spec = leafCertificateSpec({
      host: name,
      issuer: this.root.subject,
      issuerKeyId: this.root.keyId,
      keyId: this.leafKeyId,
      now: this.now(),
      serialHex: serialFromRandom(crypto.randomBytes(16)),
    });
    const der = buildCertificate(spec, this.leafPublicKey, this.root.key);
    return { host: name, der, pem: derToPem(der), notBefore: spec.notBefore, notAfter: spec.notAfter };
  }

  /**
   * True when a stored leaf is still good to serve for `host`: issued by the
   * current root, carrying the current leaf key, naming the host, and not due
   * for renewal.
   */
  isUsableLeaf(cert: crypto.X509Certificate, host: string): boolean {
    try {
      if (!cert.checkIssued(this.root.cert) || !cert.verify(this.root.cert.publicKey)) return false;
      if (!cert.publicKey.export({ type: 'spki', format: 'der' }).equals(this.leafPublicKey.export({ type: 'spki', format: 'der' }))) {
        return false;
      }
      if (cert.checkHost(host, { wildcards: false, subject: 'never' }) !== host) return false;
      const now = this.now();
      return new Date(cert.validFrom) <= now && !needsRenewal(new Date(cert.validTo), now);
    } catch {
      return false;
    }
  }

  private async loadOrCreateLeafKey(): Promise<void> {
    let key = await readPrivateKey(this.paths.leafKey);
    if (!key || key.asymmetricKeyType !== 'ec') {
      key = (await generateEcKeyPair()).privateKey;
      await writeFileAtomic(this.paths.leafKey, privateKeyToPem(key), 0o600);
    } else {
      await restrictToOwner(this.paths.leafKey);
    }
    this.leafKey = key;
    this._leafKeyPem = privateKeyToPem(key);
    this.leafPublicKey = crypto.createPublicKey(key);
    this.leafKeyId = keyIdentifier(this.leafPublicKey);
  }

  private async loadOrIssueRoot(wanted: string[]): Promise<void> {
    const [key, pem] = await Promise.all([readPrivateKey(this.paths.rootKey), readIfExists(this.paths.rootCert)]);
    const keyPresent = key !== undefined || fs.existsSync(this.paths.rootKey);
    if (!keyPresent && pem === undefined) {
      await this.issueRoot(wanted, undefined);
      return;
    }
    let cert: crypto.X509Certificate | undefined;
    let damage: string | undefined;
    if (pem === undefined) damage = `the root certificate ${this.paths.rootCert} is missing`;
    else if (!key) damage = keyPresent ? `the root key ${this.paths.rootKey} cannot be read` : `the root key ${this.paths.rootKey} is missing`;
    else {
      try {
        cert = new crypto.X509Certificate(pem);
        if (!keysMatch(key, cert.publicKey)) damage = 'the root key on disk does not match the root certificate';
      } catch {
        damage = `the root certificate ${this.paths.rootCert} cannot be read`;
      }
    }
    if (damage !== undefined || !key || !cert || pem === undefined) {
      await this.recreateDamaged(wanted, damage ?? 'the CA files are incomplete');
      return;
    }
    const current = permittedDnsNames(cert.raw) ?? [];
    if (!sameSuffixSet(current, wanted)) {
      await this.issueRoot(wanted, `the permitted suffixes changed (${current.join(', ')} → ${wanted.join(', ')})`);
      return;
    }
    if (needsRenewal(new Date(cert.validTo), this.now())) {
      await this.issueRoot(wanted, `the root expires on ${cert.validTo}`);
      return;
    }
    await restrictToOwner(this.paths.rootKey);
    this.root = {
      key,
      cert,
      pem,
      keyId: keyIdentifier(cert.publicKey),
      subject: rootSubject(commonNameOf(cert)),
      suffixes: current,
    };
  }

  /**
   * A damaged CA is replaced only with the user's consent (options.recreate, from
   * `gatehouse ca reset`): the old root may still be trusted by the OS and the
   * browsers, so silently issuing a new one would break every HTTPS page without
   * saying why. The old files are moved aside for inspection, never deleted.
   */
  private async recreateDamaged(wanted: string[], damage: string): Promise<void> {
    if (!this.recreate) {
      throw new TlsError(
        'CA_DAMAGED',
        `the local CA in ${this.paths.dir} is damaged: ${damage}. Gatehouse will not replace a root you may have trusted without asking. ` +
          'Run `gatehouse ca reset` to move the old files aside and create a new CA (then `gatehouse trust` again), or restore the files from a backup.',
      );
    }
    const aside = `${this.paths.dir}.damaged-${this.now().toISOString().replace(/[:.]/g, '-')}`;
    await fs.promises.mkdir(aside, { recursive: true, mode: 0o700 });
    for (const file of [this.paths.rootKey, this.paths.rootCert]) {
      if (fs.existsSync(file)) await fs.promises.rename(file, path.join(aside, path.basename(file)));
    }
    await this.issueRoot(wanted, `${damage}; the old files were moved to ${aside}`);
  }

  /** Issues a new root with a new key (the old key is discarded, so the old root vouches for nothing new). */
  private async issueRoot(suffixes: string[], reason: string | undefined): Promise<void> {
    const { privateKey, publicKey } = await generateEcKeyPair();
    const commonName = `Gatehouse Local CA ${crypto.randomBytes(4).toString('hex')}`;
    const keyId = keyIdentifier(publicKey);
    const spec = rootCertificateSpec({
      commonName,
      suffixes,
      now: this.now(),
      serialHex: serialFromRandom(crypto.randomBytes(16)),
      keyId,
    });
    const der = buildCertificate(spec, publicKey, privateKey);
    const pem = derToPem(der);
    await writeFileAtomic(this.paths.rootKey, privateKeyToPem(privateKey), 0o600);
    await writeFileAtomic(this.paths.rootCert, pem, 0o644);
    await this.clearLeaves();
    this.root = { key: privateKey, cert: new crypto.X509Certificate(der), pem, keyId, subject: rootSubject(commonName), suffixes };
    this._generation += 1;
    if (reason === undefined) {
      this.logger.info(
        `Created a local CA (${suffixes.join(', ')}) at ${this.paths.rootCert}; run \`gatehouse trust\` to trust it.`,
      );
    } else {
      this.logger.warn(
        `Re-issued the local CA because ${reason}. Browsers and tools trust the old root only: ` +
          'run `gatehouse trust` again (it replaces the old one).',
      );
    }
  }

  private async clearLeaves(): Promise<void> {
    const names = await fs.promises.readdir(this.paths.leaves).catch(() => [] as string[]);
    await Promise.all(
      names.filter((n) => n.endsWith('.pem')).map((n) => fs.promises.rm(path.join(this.paths.leaves, n), { force: true })),
    );
  }
}
