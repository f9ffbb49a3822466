import forge from 'node-forge';

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

/** The extension list of a DER certificate (TBSCertificate's [3] EXPLICIT Extensions). */
function extensionsOf(certDer: Uint8Array): forge.asn1.Asn1[] {
  const cert = asn1.fromDer(forge.util.createBuffer(Buffer.from(certDer).toString('binary')));
  const tbs = children(cert)[0];
  const wrapper = children(tbs).find((n) => n.tagClass === CONTEXT && n.type === 3);
  return children(children(wrapper)[0]);
}

/**
 * The permitted dNSName subtrees of a certificate's nameConstraints extension;
 * undefined when the certificate has no such extension.
 */
export function permittedDnsNames(certDer: Uint8Array): string[] | undefined {
  for (const ext of extensionsOf(certDer)) {
    const [oid, ...rest] = children(ext);
    if (!oid || typeof oid.value !== 'string' || asn1.derToOid(forge.util.createBuffer(oid.value)) !== NAME_CONSTRAINTS_OID) {
      continue;
    }
    const octets = rest[rest.length - 1];
    if (!octets || typeof octets.value !== 'string') return [];
    const constraints = asn1.fromDer(forge.util.createBuffer(octets.value));
    const permitted = children(constraints).find((n) => n.tagClass === CONTEXT && n.type === 0);
    return children(permitted)
      .map((st) => children(st)[0])
      .filter((base): base is forge.asn1.Asn1 => !!base && base.tagClass === CONTEXT && base.type === 2)
      .map((base) => String(base.value));
  }
  return undefined;
}
