import * as crypto from 'node:crypto';
import type { Plan } from './privileged-plan';

/**
 * The shape every trust store (one file per kind) implements, and the facts
 * about the root certificate they need. A store only plans commands; running
 * them (with elevation) is privileged-plan.ts's job.
 */

export interface RootCa {
  /** The PEM file trust stores are given. */
  certPath: string;
  pem: string;
  der: Buffer;
  /** The subject CN, unique per root ("Gatehouse Local CA 1a2b3c4d"): the nickname/label in stores. */
  commonName: string;
  /** SHA-1 fingerprint, upper-case hex without separators (what macOS and Windows tools print). */
  sha1: string;
  /** SHA-256 fingerprint, upper-case hex with colons. */
  sha256: string;
  /** First 8 hex digits of the SHA-256, lower-case: file names such as gatehouse-1a2b3c4d.crt. */
  shortId: string;
}

/** Every root Gatehouse ever made starts with this, so untrust finds old ones too. */
export const ROOT_NAME_PREFIX = 'Gatehouse Local CA';
/** File names Gatehouse gives its root in system anchor directories. */
export const ANCHOR_FILE_PREFIX = 'gatehouse-';

export function rootCaFromPem(certPath: string, pem: string): RootCa {
  const cert = new crypto.X509Certificate(pem);
  const cn = /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? ROOT_NAME_PREFIX;
  const sha256 = cert.fingerprint256;
  return {
    certPath,
    pem,
    der: cert.raw,
    commonName: cn,
    sha1: cert.fingerprint.replace(/:/g, '').toUpperCase(),
    sha256,
    shortId: sha256.replace(/:/g, '').slice(0, 8).toLowerCase(),
  };
}

/** The base64 body of a PEM certificate on one line: how to spot it inside a bundle file. */
export function pemBody(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

/** True when a PEM bundle contains the certificate (line breaks ignored). */
export function bundleContains(bundle: string, ca: Pick<RootCa, 'pem'>): boolean {
  return bundle.replace(/\s+/g, '').includes(pemBody(ca.pem));
}

export type TrustState = 'trusted' | 'not-trusted' | 'unavailable';

export interface StoreStatus {
  store: string;
  label: string;
  state: TrustState;
  /** What was found, e.g. "installed, but the bundle was not regenerated". */
  detail?: string;
  /** How to fix it when not trusted or unavailable. */
  fix?: string;
}

export interface TrustStore {
  /** Stable id, e.g. "debian", "nss:/home/me/.pki/nssdb", "macos-keychain", "windows-user-root". */
  readonly id: string;
  /** For people: "Linux system store (Debian/Ubuntu)". */
  readonly label: string;
  status(ca: RootCa): Promise<StoreStatus>;
  /** Commands that make the store trust `ca` (and drop older Gatehouse roots). Empty when already trusted. */
  installPlan(ca: RootCa): Promise<Plan>;
  /** Commands that remove every Gatehouse root from the store, leaving it as it was before. */
  removePlan(ca: RootCa): Promise<Plan>;
}
