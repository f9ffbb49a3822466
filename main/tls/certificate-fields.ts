import { nameConstraintsExtension } from './name-constraints';

/**
 * What goes into Gatehouse's certificates, as plain data: subject, validity and
 * extensions (in node-forge's extension-object shape). Pure — serial numbers,
 * key identifiers and "now" are inputs; certificate-builder.ts signs the result.
 */

export interface NameAttribute {
  shortName: 'CN' | 'O' | 'OU';
  value: string;
}

/** A node-forge extension object; `value`, when present, is raw ASN.1 (forge.asn1) or DER bytes. */
export type ExtensionSpec = { name?: string; id?: string; critical?: boolean; [field: string]: unknown };

export interface CertificateSpec {
  serialHex: string;
  subject: readonly NameAttribute[];
  issuer: readonly NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  extensions: readonly ExtensionSpec[];
}

export const ROOT_VALIDITY_YEARS = 10;
/** Under the 398-day ceiling browsers apply to server certificates. */
export const LEAF_VALIDITY_DAYS = 365;
/** Leaves start an hour in the past so a client whose clock is a little behind accepts them. */
export const LEAF_BACKDATE_MS = 60 * 60 * 1000;
/** A leaf (or root) closer than this to its expiry is replaced. */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const ORGANIZATION = 'Gatehouse local development CA';

/** Bytes as forge's binary-string form. */
function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('binary');
}

export function rootSubject(commonName: string): NameAttribute[] {
  return [
    { shortName: 'O', value: ORGANIZATION },
    { shortName: 'CN', value: commonName },
  ];
}

export interface RootSpecInput {
  commonName: string;
  suffixes: readonly string[];
  now: Date;
  serialHex: string;
  /** SHA-1 key identifier of the root's own public key. */
  keyId: Uint8Array;
}

/** A root CA: 10 years, CA with path length 0, keyCertSign + cRLSign, name-constrained to the suffixes. */
export function rootCertificateSpec(input: RootSpecInput): CertificateSpec {
  const subject = rootSubject(input.commonName);
  const notBefore = new Date(input.now.getTime() - LEAF_BACKDATE_MS);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + ROOT_VALIDITY_YEARS);
  return {
    serialHex: input.serialHex,
    subject,
    issuer: subject,
    notBefore,
    notAfter,
    extensions: [
      { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
      { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
      { name: 'subjectKeyIdentifier', id: '2.5.29.14', value: octetString(input.keyId) },
      nameConstraintsExtension(input.suffixes),
    ],
  };
}

export interface LeafSpecInput {
  host: string;
  issuer: readonly NameAttribute[];
  issuerKeyId: Uint8Array;
  keyId: Uint8Array;
  now: Date;
  serialHex: string;
}

/** A server leaf for exactly one host: SAN, serverAuth, backdated an hour, valid LEAF_VALIDITY_DAYS. */
export function leafCertificateSpec(input: LeafSpecInput): CertificateSpec {
  const notBefore = new Date(input.now.getTime() - LEAF_BACKDATE_MS);
  const notAfter = new Date(input.now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS - LEAF_BACKDATE_MS);
  // CN is informational only (clients match the SAN) and limited to 64 characters.
  const subject: NameAttribute[] = [{ shortName: 'O', value: ORGANIZATION }];
  if (input.host.length <= 64) subject.push({ shortName: 'CN', value: input.host });
  return {
    serialHex: input.serialHex,
    subject,
    issuer: input.issuer,
    notBefore,
    notAfter,
    extensions: [
      { name: 'basicConstraints', critical: true, cA: false },
      { name: 'keyUsage', critical: true, digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: input.host }] },
      { name: 'subjectKeyIdentifier', id: '2.5.29.14', value: octetString(input.keyId) },
      { name: 'authorityKeyIdentifier', keyIdentifier: binary(input.issuerKeyId) },
    ],
  };
}

/** DER of an OCTET STRING holding the bytes (the subjectKeyIdentifier extension's value). */
function octetString(bytes: Uint8Array): string {
  if (bytes.length > 127) throw new Error('key identifier too long');
  return String.fromCharCode(0x04, bytes.length) + binary(bytes);
}

/** True when a certificate valid until notAfter should be replaced at `now`. */
export function needsRenewal(notAfter: Date, now: Date): boolean {
  return notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS;
}

/** A positive 128-bit serial number in hex, from 16 random bytes. */
export function serialFromRandom(random: Uint8Array): string {
  const bytes = Buffer.from(random.subarray(0, 16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, and never a leading zero byte
  return bytes.toString('hex');
}
