import type * as crypto from 'node:crypto';
import { basicConstraints, certificateExtensions, NAME_CONSTRAINTS_OID, permittedDnsNames } from './name-constraints';

/** What `gatehouse ca show` prints and the API's CA status carries: facts read from the root certificate. */
export interface CaDescription {
  certPath: string;
  subject: string;
  fingerprintSha256: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  keyType: string;
  /** Permitted DNS suffixes from the name constraints (empty when the extension is missing). */
  permitted: string[];
  nameConstraintsCritical: boolean;
  isCa: boolean;
  pathLength: number | undefined;
}

export function describeCa(cert: crypto.X509Certificate, certPath: string): CaDescription {
  const details = cert.publicKey.asymmetricKeyDetails;
  const keyType =
    cert.publicKey.asymmetricKeyType === 'ec'
      ? `ECDSA ${details?.namedCurve === 'prime256v1' ? 'P-256' : (details?.namedCurve ?? '')}`.trim()
      : `${(cert.publicKey.asymmetricKeyType ?? 'unknown').toUpperCase()}${details?.modulusLength ? ` ${details.modulusLength}` : ''}`;
  const basic = basicConstraints(cert.raw);
  const nc = certificateExtensions(cert.raw).find((e) => e.oid === NAME_CONSTRAINTS_OID);
  return {
    certPath,
    subject: cert.subject.split('\n').join(', '),
    fingerprintSha256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    keyType,
    permitted: permittedDnsNames(cert.raw) ?? [],
    nameConstraintsCritical: nc?.critical ?? false,
    isCa: basic?.ca ?? false,
    pathLength: basic?.pathLength,
  };
}

export function formatCaDescription(d: CaDescription): string[] {
  return [
    `Gatehouse local CA`,
    `  file:         ${d.certPath}`,
    `  subject:      ${d.subject}`,
    `  SHA-256:      ${d.fingerprintSha256}`,
    `  serial:       ${d.serialNumber}`,
    `  valid:        ${d.notBefore} → ${d.notAfter}`,
    `  key:          ${d.keyType}`,
    `  constraints:  ${d.isCa ? 'CA' : 'not a CA'}${d.pathLength !== undefined ? `, path length ${d.pathLength}` : ''}`,
    `  names:        ${d.permitted.length ? `only ${d.permitted.map((s) => `*.${s}`).join(', ')}` : 'UNCONSTRAINED'}` +
      `${d.nameConstraintsCritical ? ' (name constraints, critical; IP addresses excluded)' : ''}`,
  ];
}
