import forge from 'node-forge';
import { parseDer } from './der';

/**
 * The X.509 nameConstraints extension (RFC 5280 §4.2.1.10), which node-forge
 * can read but not build. Built here as raw ASN.1:
 *
 *   NameConstraints ::= SEQUENCE {
 *     permittedSubtrees [0] IMPLICIT SEQUENCE OF GeneralSubtree OPTIONAL,
 *     excludedSubtrees  [1] IMPLICIT SEQUENCE OF GeneralSubtree OPTIONAL }
 *   GeneralSubtree ::= SEQUENCE { base GeneralName, ... }
 *
 * Permitted: one dNSName ([2] IA5String) per suffix — "test" permits "test"
 * and every name under it. Excluded: every IPv4 and IPv6 address ([7] address
 * followed by mask), because dNSName constraints say nothing about IP SANs and a
 * stolen key must not be able to vouch for https://<any IP> either.
 */

const { asn1 } = forge;

export const NAME_CONSTRAINTS_OID = '2.5.29.30';

const CONTEXT = asn1.Class.CONTEXT_SPECIFIC;
const UNIVERSAL = asn1.Class.UNIVERSAL;

function subtree(base: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [base]);
}

function dnsName(name: string): forge.asn1.Asn1 {
  return asn1.create(CONTEXT, 2, false, name);
}

function ipRange(addressAndMask: number[]): forge.asn1.Asn1 {
  return asn1.create(CONTEXT, 7, false, String.fromCharCode(...addressAndMask));
}

/** A forge extension object (raw value) for CA certificates: critical, permitted DNS suffixes only. */
export function nameConstraintsExtension(suffixes: readonly string[]): {
  id: string;
  critical: boolean;
  value: forge.asn1.Asn1;
} {
  if (suffixes.length === 0) throw new Error('nameConstraints needs at least one permitted suffix');
  const permitted = asn1.create(CONTEXT, 0, true, suffixes.map((s) => subtree(dnsName(s))));
  const excluded = asn1.create(CONTEXT, 1, true, [
    subtree(ipRange(new Array<number>(8).fill(0))),
    subtree(ipRange(new Array<number>(32).fill(0))),
  ]);
  return {
    id: NAME_CONSTRAINTS_OID,
    critical: true,
    value: asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted, excluded]),
  };
}

function children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING's content (DER), as forge's binary string. */
  value: string;
}

/** The extensions of a DER certificate (TBSCertificate's [3] EXPLICIT Extensions). */
export function certificateExtensions(certDer: Uint8Array): RawExtension[] {
  const cert = parseDer(certDer);
  const tbs = children(cert)[0];
  const wrapper = children(tbs).find((n) => n.tagClass === CONTEXT && n.type === 3);
  return children(children(wrapper)[0]).flatMap((ext) => {
    const parts = children(ext);
    const oid = parts[0];
    const octets = parts[parts.length - 1];
    if (!oid || typeof oid.value !== 'string' || !octets || typeof octets.value !== 'string') return [];
    const critical = parts.length === 3 && typeof parts[1]!.value === 'string' && parts[1]!.value !== '\x00';
    return [{ oid: asn1.derToOid(forge.util.createBuffer(oid.value)), critical, value: octets.value }];
  });
}

/**
 * The permitted dNSName subtrees of a certificate's nameConstraints extension;
 * undefined when the certificate has no such extension.
 */
export function permittedDnsNames(certDer: Uint8Array): string[] | undefined {
  const ext = certificateExtensions(certDer).find((e) => e.oid === NAME_CONSTRAINTS_OID);
  if (!ext) return undefined;
  const constraints = parseDer(ext.value);
  const permitted = children(constraints).find((n) => n.tagClass === CONTEXT && n.type === 0);
  return children(permitted)
    .map((st) => children(st)[0])
    .filter((base): base is forge.asn1.Asn1 => !!base && base.tagClass === CONTEXT && base.type === 2)
    .map((base) => String(base.value));
}

/** basicConstraints of a DER certificate: CA flag and path length (undefined when unlimited or absent). */
export function basicConstraints(certDer: Uint8Array): { ca: boolean; pathLength: number | undefined; critical: boolean } | undefined {
  const ext = certificateExtensions(certDer).find((e) => e.oid === '2.5.29.19');
  if (!ext) return undefined;
  const seq = children(parseDer(ext.value));
  const flag = seq.find((n) => n.type === asn1.Type.BOOLEAN);
  const len = seq.find((n) => n.type === asn1.Type.INTEGER);
  return {
    ca: !!flag && flag.value !== '\x00',
    pathLength: len && typeof len.value === 'string' ? forge.util.createBuffer(len.value).getInt(len.value.length * 8) : undefined,
    critical: ext.critical,
  };
}
