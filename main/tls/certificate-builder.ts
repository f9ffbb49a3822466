import * as crypto from 'node:crypto';
import forge from 'node-forge';
import type { CertificateSpec } from './certificate-fields';
import { parseDer } from './der';

/**
 * Turns a CertificateSpec into a signed DER certificate. node-forge assembles
 * the TBSCertificate (names, validity, extensions); it cannot hold EC keys, so
 * the SubjectPublicKeyInfo (DER from Node's crypto) and the signature algorithm
 * are patched into the TBS forge built, and Node's crypto signs it. Keys never
 * pass through forge's pure-JS RSA code.
 */

const { asn1 } = forge;
const UNIVERSAL = asn1.Class.UNIVERSAL;

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';

// TBSCertificate children, in order (RFC 5280 §4.1): version, serial, signature, issuer, validity, subject, spki.
const TBS_SIGNATURE = 2;
const TBS_SPKI = 6;

/** A syntactically complete stand-in public key so forge's TBS builder runs; replaced before signing. */
const PLACEHOLDER_KEY = forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('3'));

const getTBSCertificate = (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 })
  .getTBSCertificate;

function fromBinary(bytes: string): Buffer {
  return Buffer.from(bytes, 'binary');
}

function signatureAlgorithm(key: crypto.KeyObject): forge.asn1.Asn1 {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    // ecdsa-with-SHA256: parameters MUST be absent (RFC 5758 §3.2).
    return asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_ECDSA_SHA256).getBytes()),
    ]);
  }
  if (type === 'rsa') {
    return asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_RSA_SHA256).getBytes()),
      asn1.create(UNIVERSAL, asn1.Type.NULL, false, ''),
    ]);
  }
  throw new Error(`unsupported signing key type "${String(type)}" (use an EC P-256 or RSA key)`);
}

/** The subjectPublicKey BIT STRING's key bytes inside a DER SubjectPublicKeyInfo. */
function subjectPublicKeyBits(spkiDer: Uint8Array): Buffer {
  const spki = parseDer(spkiDer);
  const bits = (spki.value as forge.asn1.Asn1[])[1];
  if (!bits || bits.type !== asn1.Type.BITSTRING || typeof bits.value !== 'string') {
    throw new Error('malformed SubjectPublicKeyInfo');
  }
  return fromBinary(bits.value).subarray(1); // drop the "unused bits" byte
}

/**
 * A public key's SubjectPublicKeyInfo as forge ASN.1, exported and parsed once
 * per key object (every leaf carries the same shared key). Treated as read-only.
 */
const spkiCache = new WeakMap<crypto.KeyObject, forge.asn1.Asn1>();

function subjectPublicKeyInfo(publicKey: crypto.KeyObject): forge.asn1.Asn1 {
  let spki = spkiCache.get(publicKey);
  if (!spki) {
    spki = parseDer(publicKey.export({ type: 'spki', format: 'der' }));
    spkiCache.set(publicKey, spki);
  }
  return spki;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKey: crypto.KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

/**
 * Builds and signs a certificate. `subjectPublicKey` goes into the certificate;
 * `issuerKey` (a private key) signs it.
 */
export function buildCertificate(
  spec: CertificateSpec,
  subjectPublicKey: crypto.KeyObject,
  issuerKey: crypto.KeyObject,
): Buffer {
  const cert = forge.pki.createCertificate();
  cert.version = 2;
  cert.serialNumber = spec.serialHex;
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject(spec.subject.map((a) => ({ ...a })));
  cert.setIssuer(spec.issuer.map((a) => ({ ...a })));
  // forge fills in ids and values on the objects it is given: hand it copies.
  cert.setExtensions(spec.extensions.map((e) => ({ ...e })));
  cert.publicKey = PLACEHOLDER_KEY;
  cert.siginfo.algorithmOid = OID_RSA_SHA256;

  const algorithm = signatureAlgorithm(issuerKey);
  const tbs = getTBSCertificate(cert);
  const tbsParts = tbs.value as forge.asn1.Asn1[];
  tbsParts[TBS_SIGNATURE] = algorithm;
  tbsParts[TBS_SPKI] = subjectPublicKeyInfo(subjectPublicKey);

  const tbsDer = fromBinary(asn1.toDer(tbs).getBytes());
  const signature = crypto.sign('sha256', tbsDer, issuerKey);
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING },
  // assembled from DER so the TBS is not encoded a second time.
  return derElement(0x30, [
    tbsDer,
    fromBinary(asn1.toDer(signatureAlgorithm(issuerKey)).getBytes()),
    derElement(0x03, [Buffer.of(0), signature]),
  ]);
}

/** One DER element: tag, definite length, then the contents. */
function derElement(tag: number, contents: readonly Buffer[]): Buffer {
  const length = contents.reduce((n, c) => n + c.length, 0);
  let head: Buffer;
  if (length < 0x80) head = Buffer.of(tag, length);
  else if (length < 0x100) head = Buffer.of(tag, 0x81, length);
  else if (length < 0x10000) head = Buffer.of(tag, 0x82, length >> 8, length & 0xff);
  else head = Buffer.of(tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
  return Buffer.concat([head, ...contents]);
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
