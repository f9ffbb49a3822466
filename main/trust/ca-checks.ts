import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { caPaths } from '../tls/certificate-authority';
import { needsRenewal } from '../tls/certificate-fields';
import { permittedDnsNames } from '../tls/name-constraints';
import { permittedSuffixes, sameSuffixSet } from '../tls/permitted-names';
import type { DoctorCheck } from './doctor-check';
import type { StoreStatus } from './trust-store';

/**
 * Doctor checks for the CA, reading its files without creating or changing
 * anything, and for its trust per store.
 */

export interface CaCheckResult {
  checks: DoctorCheck[];
  /** The root's PEM and path when it exists and can be read (for the trust checks). */
  root?: { certPath: string; pem: string };
}

/** What `gatehouse start` says for a damaged CA, so doctor and start give the same advice. */
const RESET_FIX = 'run `gatehouse ca reset` (it sets the damaged CA aside and creates a new one), then `gatehouse trust`';

function keyMatches(keyPem: string, cert: crypto.X509Certificate): boolean {
  try {
    const fromKey = crypto.createPublicKey(crypto.createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    return fromKey.equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
  } catch {
    return false;
  }
}

/**
 * `extraSuffixes`: the config's `suffixes`; null when the config could not be read, and the
 * CA's name constraints are then reported without comparing them to it.
 */
export function checkCa(dataDir: string, extraSuffixes: readonly string[] | undefined | null, now = new Date()): CaCheckResult {
  const paths = caPaths(dataDir);
  let pem: string;
  try {
    pem = fs.readFileSync(paths.rootCert, 'utf8');
  } catch {
    return {
      checks: [
        {
          area: 'ca',
          status: 'warn',
          message: `no local CA yet (${paths.rootCert})`,
          fix: 'it is created by `gatehouse start` (or `gatehouse ca path`); then run `gatehouse trust`',
        },
      ],
    };
  }
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(pem);
  } catch {
    return { checks: [{ area: 'ca', status: 'fail', message: `${paths.rootCert} is not a readable certificate`, fix: RESET_FIX }] };
  }
  const checks: DoctorCheck[] = [];
  const cn = /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? cert.subject;
  const expires = new Date(cert.validTo);
  if (expires <= now) {
    checks.push({ area: 'ca', status: 'fail', message: `CA ${cn} expired on ${expires.toISOString()}`, fix: 'restart Gatehouse (it re-issues the root), then `gatehouse trust`' });
  } else if (needsRenewal(expires, now)) {
    checks.push({ area: 'ca', status: 'warn', message: `CA ${cn} expires on ${expires.toISOString()}`, fix: 'restart Gatehouse (it re-issues the root), then `gatehouse trust`' });
  } else {
    checks.push({ area: 'ca', status: 'ok', message: `CA ${cn} at ${paths.rootCert}, valid until ${expires.toISOString().slice(0, 10)}` });
  }
  const permitted = permittedDnsNames(cert.raw) ?? [];
  const wanted = extraSuffixes === null ? permitted : permittedSuffixes(extraSuffixes);
  if (extraSuffixes === null) {
    checks.push({ area: 'ca', status: 'ok', message: `CA is name-constrained to ${permitted.map((s) => `*.${s}`).join(', ') || 'nothing'} (not compared with the config's suffixes: the config could not be read)` });
  } else if (sameSuffixSet(permitted, wanted)) {
    checks.push({ area: 'ca', status: 'ok', message: `CA is name-constrained to ${permitted.map((s) => `*.${s}`).join(', ')}` });
  } else {
    checks.push({
      area: 'ca',
      status: 'warn',
      message: `CA permits ${permitted.join(', ') || 'nothing'} but the config's suffixes are ${wanted.join(', ')}`,
      fix: 'restart Gatehouse (it re-issues the root for the new suffixes), then `gatehouse trust`',
    });
  }
  let keyPem: string | undefined;
  try {
    const mode = fs.statSync(paths.rootKey).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      checks.push({ area: 'ca', status: 'fail', message: `the CA key ${paths.rootKey} is readable by others (mode ${mode.toString(8)})`, fix: `chmod 600 ${paths.rootKey}` });
    }
    keyPem = fs.readFileSync(paths.rootKey, 'utf8');
  } catch {
    checks.push({ area: 'ca', status: 'fail', message: `the CA key ${paths.rootKey} is missing or unreadable`, fix: RESET_FIX });
  }
  // What `gatehouse start` checks too: a key that is not this certificate's makes the CA unusable.
  if (keyPem !== undefined && !keyMatches(keyPem, cert)) {
    checks.push({ area: 'ca', status: 'fail', message: `the CA key ${paths.rootKey} does not belong to the root certificate ${paths.rootCert}`, fix: RESET_FIX });
  }
  return { checks, root: { certPath: paths.rootCert, pem } };
}

export function trustChecks(statuses: readonly StoreStatus[]): DoctorCheck[] {
  if (statuses.length === 0) {
    return [{ area: 'trust', status: 'warn', message: 'no trust store found on this machine', fix: 'import the root (`gatehouse ca path`) into your browser by hand' }];
  }
  return statuses.map((s): DoctorCheck => {
    if (s.state === 'trusted') return { area: 'trust', status: 'ok', message: `trusted by ${s.label}` };
    if (s.state === 'unavailable') {
      return { area: 'trust', status: 'warn', message: `${s.label}: cannot check (${s.detail ?? 'unavailable'})`, ...(s.fix ? { fix: s.fix } : {}) };
    }
    return {
      area: 'trust',
      status: 'fail',
      message: `not trusted by ${s.label}${s.detail ? ` (${s.detail})` : ''}`,
      fix: s.fix ?? 'run `gatehouse trust`',
    };
  });
}
