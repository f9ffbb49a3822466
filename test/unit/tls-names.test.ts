import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import forge from 'node-forge';
import {
  isValidHostName,
  matchingSuffix,
  normalizeHostName,
  normalizeSuffix,
  permittedSuffixes,
  sameSuffixSet,
} from '../../main/tls/permitted-names';
import { nameConstraintsExtension, permittedDnsNames, NAME_CONSTRAINTS_OID } from '../../main/tls/name-constraints';
import { buildCertificate, keyIdentifier } from '../../main/tls/certificate-builder';
import { rootCertificateSpec, serialFromRandom } from '../../main/tls/certificate-fields';

test('suffixes: built-ins first, config extras normalised and de-duplicated', () => {
  assert.deepEqual(permittedSuffixes(undefined), ['test', 'localhost']);
  assert.deepEqual(permittedSuffixes(['Internal.', '*.corp', '.test', 'bad name', '']), [
    'test',
    'localhost',
    'internal',
    'corp',
  ]);
  assert.equal(normalizeSuffix('..x'), 'x');
  assert.equal(normalizeSuffix('a..b'), undefined);
});

test('names: matching a suffix means the suffix itself or a name under it', () => {
  const s = ['test', 'localhost'];
  assert.equal(matchingSuffix('app.test', s), 'test');
  assert.equal(matchingSuffix('A.B.Test.', s), 'test');
  assert.equal(matchingSuffix('test', s), 'test');
  assert.equal(matchingSuffix('contest', s), undefined);
  assert.equal(matchingSuffix('app.test.com', s), undefined);
  assert.equal(matchingSuffix('evil.com', s), undefined);
  assert.equal(normalizeHostName('App.TEST.'), 'app.test');
  assert.ok(isValidHostName('my-app_1.test'));
  assert.ok(!isValidHostName('*.app.test'));
  assert.ok(!isValidHostName('-x.test'));
  assert.ok(!isValidHostName('a'.repeat(64) + '.test'));
  assert.ok(sameSuffixSet(['test', 'localhost'], ['localhost', 'test', 'test']));
  assert.ok(!sameSuffixSet(['test'], ['test', 'internal']));
});

test('nameConstraints: DER is critical, permitted dNSName subtrees, excluded all IPs', () => {
  const ext = nameConstraintsExtension(['test', 'localhost']);
  assert.equal(ext.id, NAME_CONSTRAINTS_OID);
  assert.equal(ext.critical, true);
  const der = Buffer.from(forge.asn1.toDer(ext.value).getBytes(), 'binary');
  // SEQUENCE { [0] { SEQ { [2] "test" } SEQ { [2] "localhost" } } [1] { SEQ { [7] 0*8 } SEQ { [7] 0*32 } } }
  const expected = Buffer.concat([
    Buffer.from([0x30, 0x49, 0xa0, 0x15, 0x30, 0x06, 0x82, 0x04]),
    Buffer.from('test'),
    Buffer.from([0x30, 0x0b, 0x82, 0x09]),
    Buffer.from('localhost'),
    Buffer.from([0xa1, 0x30, 0x30, 0x0a, 0x87, 0x08]),
    Buffer.alloc(8),
    Buffer.from([0x30, 0x22, 0x87, 0x20]),
    Buffer.alloc(32),
  ]);
  assert.equal(der.toString('hex'), expected.toString('hex'));
  assert.throws(() => nameConstraintsExtension([]));
});

test('nameConstraints: read back from a signed certificate', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spec = rootCertificateSpec({
    commonName: 'Gatehouse test',
    suffixes: ['test', 'localhost', 'internal'],
    now: new Date(),
    serialHex: serialFromRandom(crypto.randomBytes(16)),
    keyId: keyIdentifier(publicKey),
  });
  const der = buildCertificate(spec, publicKey, privateKey);
  assert.deepEqual(permittedDnsNames(der), ['test', 'localhost', 'internal']);
  const cert = new crypto.X509Certificate(der);
  assert.ok(cert.ca);
  assert.ok(cert.verify(publicKey));
});

test('EC keys whose public point looks like nested ASN.1 still work (forge must not decode BIT STRINGs)', () => {
  // The SPKI BIT STRING is 00 04 X Y; with X[0] = 0x3f the bytes after 00 read as a valid
  // OCTET STRING of 63 bytes, which forge's default parser would decode as a structure.
  let pair: crypto.KeyPairKeyObjectResult | undefined;
  for (let i = 0; i < 20_000 && !pair; i++) {
    const candidate = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = candidate.publicKey.export({ type: 'spki', format: 'der' });
    if (spki[spki.length - 64] === 0x3f) pair = candidate;
  }
  assert.ok(pair, 'found a key with X[0] = 0x3f');
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const naive = forge.asn1.fromDer(forge.util.createBuffer(spki.toString('binary')));
  assert.ok(Array.isArray((naive.value as forge.asn1.Asn1[])[1]!.value), "forge's default really decodes this BIT STRING");

  const keyId = keyIdentifier(pair.publicKey);
  assert.equal(keyId.length, 20);
  const spec = rootCertificateSpec({ commonName: 'Gatehouse test', suffixes: ['test'], now: new Date(), serialHex: serialFromRandom(crypto.randomBytes(16)), keyId });
  const der = buildCertificate(spec, pair.publicKey, pair.privateKey);
  const cert = new crypto.X509Certificate(der);
  assert.ok(cert.verify(pair.publicKey));
  assert.ok(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
});
