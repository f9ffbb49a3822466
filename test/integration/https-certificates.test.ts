import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { buildCertificate, derToPem, keyIdentifier } from '../../main/tls/certificate-builder';
import { leafCertificateSpec, rootSubject, serialFromRandom } from '../../main/tls/certificate-fields';
import { startBackend } from '../support/backends';
import { startHttpsProxy } from '../support/https-proxy';
import { runCommand } from '../support/run-command';

test('openssl: the root shows critical name constraints; a minted leaf verifies; an evil.com leaf from the same key does not', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'app.test', target: backend.url }], suffixes: ['internal'] });
  t.after(() => proxy.close());

  const text = await runCommand('openssl', ['x509', '-in', proxy.caPath, '-noout', '-text']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /X509v3 Name Constraints: critical\s*\n\s*Permitted:\s*\n\s*DNS:test\s*\n\s*DNS:localhost\s*\n\s*DNS:internal\s*\n\s*Excluded:\s*\n\s*IP:0\.0\.0\.0\/0\.0\.0\.0/);
  assert.match(text.stdout, /X509v3 Basic Constraints: critical\s*\n\s*CA:TRUE, pathlen:0/);
  assert.match(text.stdout, /X509v3 Key Usage: critical\s*\n\s*Certificate Sign, CRL Sign/);
  assert.match(text.stdout, /X509v3 Subject Key Identifier/);
  assert.match(text.stdout, /Public Key Algorithm: id-ecPublicKey/);

  // A leaf as served in a real handshake.
  const served = await new Promise<tls.PeerCertificate>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: proxy.httpsPort, servername: 'app.test', ca: proxy.caPem }, () => {
      resolve(s.getPeerCertificate());
      s.end();
    });
    s.on('error', reject);
  });
  const dir = path.join(proxy.dataDir, 'check');
  fs.mkdirSync(dir);
  const leafFile = path.join(dir, 'app.test.pem');
  fs.writeFileSync(leafFile, derToPem(served.raw));
  const ok = await runCommand('openssl', ['verify', '-CAfile', proxy.caPath, '-purpose', 'sslserver', leafFile]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /app\.test\.pem: OK/);
  const leafText = await runCommand('openssl', ['x509', '-in', leafFile, '-noout', '-text']);
  assert.match(leafText.stdout, /DNS:app\.test/);
  assert.match(leafText.stdout, /TLS Web Server Authentication/);
  assert.match(leafText.stdout, /X509v3 Authority Key Identifier/);

  // Forced: a leaf for evil.com signed with the CA's real root key.
  const rootKey = crypto.createPrivateKey(fs.readFileSync(path.join(proxy.dataDir, 'ca', 'root-key.pem')));
  const leafKey = crypto.createPrivateKey(fs.readFileSync(path.join(proxy.dataDir, 'ca', 'leaf-key.pem')));
  const cn = /CN=(.*)/.exec(proxy.ca.rootCertificate.subject)![1]!;
  const evil = buildCertificate(
    leafCertificateSpec({
      host: 'evil.com',
      issuer: rootSubject(cn),
      issuerKeyId: keyIdentifier(crypto.createPublicKey(rootKey)),
      keyId: keyIdentifier(crypto.createPublicKey(leafKey)),
      now: new Date(),
      serialHex: serialFromRandom(crypto.randomBytes(16)),
    }),
    crypto.createPublicKey(leafKey),
    rootKey,
  );
  assert.ok(new crypto.X509Certificate(evil).verify(crypto.createPublicKey(rootKey)), 'the signature itself is valid');
  const evilFile = path.join(dir, 'evil.pem');
  fs.writeFileSync(evilFile, derToPem(evil));
  const bad = await runCommand('openssl', ['verify', '-CAfile', proxy.caPath, evilFile]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /permitted subtree violation/);
});

test('50 simultaneous first handshakes for one new host mint exactly one certificate', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const proxy = await startHttpsProxy({ routes: [{ host: 'fresh.test', target: backend.url }] });
  t.after(() => proxy.close());
  const results = await Promise.all(
    Array.from(
      { length: 50 },
      () =>
        new Promise<{ authorized: boolean; serial: string }>((resolve, reject) => {
          const s = tls.connect({ host: '127.0.0.1', port: proxy.httpsPort, servername: 'fresh.test', ca: proxy.caPem, ALPNProtocols: ['http/1.1'] }, () => {
            resolve({ authorized: s.authorized, serial: s.getPeerCertificate().serialNumber });
            s.end();
          });
          s.setTimeout(10_000, () => s.destroy(new Error('handshake timeout')));
          s.on('error', reject);
        }),
    ),
  );
  assert.ok(results.every((r) => r.authorized));
  assert.equal(new Set(results.map((r) => r.serial)).size, 1);
  assert.equal(proxy.leaves.stats.minted, 1);
  const leavesDir = path.join(proxy.dataDir, 'ca', 'leaves');
  for (let i = 0; i < 200 && !fs.existsSync(path.join(leavesDir, 'fresh.test.pem')); i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(fs.readdirSync(path.join(proxy.dataDir, 'ca', 'leaves')).filter((f) => f.endsWith('.pem')), ['fresh.test.pem']);
});
