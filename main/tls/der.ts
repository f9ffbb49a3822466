import forge from 'node-forge';

/**
 * DER → forge ASN.1, with BIT STRING contents left as bytes. forge's default
 * tries to parse every BIT STRING as nested ASN.1, and an EC public key whose
 * bytes happen to look like a valid element (about 1 in 256 keys) would come
 * back as a parsed structure instead of its bytes.
 */
export function parseDer(bytes: Uint8Array | string): forge.asn1.Asn1 {
  const binary = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('binary');
  const fromDer = forge.asn1.fromDer as unknown as (
    b: forge.util.ByteStringBuffer,
    options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean },
  ) => forge.asn1.Asn1;
  return fromDer(forge.util.createBuffer(binary), { strict: true, parseAllBytes: true, decodeBitStrings: false });
}
