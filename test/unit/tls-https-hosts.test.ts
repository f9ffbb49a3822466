import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpsHostMatcher } from '../../main/tls/https-hosts';
import { describeCa, formatCaDescription } from '../../main/tls/ca-description';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { checkCa, trustChecks } from '../../main/trust/ca-checks';
import { checkNames } from '../../main/dns/name-checks';
import { formatDoctorCheck } from '../../main/trust/doctor-check';
import { tempDataDir } from '../support/temp-data-dir';

test('certificates are minted for routed names served over HTTPS: exact, wildcard (any depth), disabled ones too', () => {
  const has = httpsHostMatcher([
    { host: 'App.test', target: 'http://127.0.0.1:1' },
    { host: '*.shop.test', target: 'http://127.0.0.1:2' },
    { host: 'off.test', target: 'http://127.0.0.1:3', enabled: false },
    { host: 'plain.test', target: 'http://127.0.0.1:4', https: false },
  ]);
  assert.ok(has('app.test'));
  assert.ok(has('APP.TEST.'));
  assert.ok(has('a.shop.test'));
  assert.ok(has('a.b.shop.test'));
  assert.ok(!has('shop.test'), 'a wildcard does not cover its parent');
  assert.ok(has('off.test'), 'disabled routes get a certificate so the browser sees the "route disabled" page');
  assert.ok(!has('plain.test'));
  assert.ok(!has('other.test'));
});

test('ca show describes the real certificate: fingerprint, validity, key, constraints', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir, suffixes: ['internal'] });
  const d = describeCa(ca.rootCertificate, ca.rootCertPath);
  assert.equal(d.fingerprintSha256, ca.rootCertificate.fingerprint256);
  assert.equal(d.keyType, 'ECDSA P-256');
  assert.deepEqual(d.permitted, ['test', 'localhost', 'internal']);
  assert.equal(d.nameConstraintsCritical, true);
  assert.equal(d.isCa, true);
  assert.equal(d.pathLength, 0);
  const text = formatCaDescription(d).join('\n');
  assert.match(text, /names: +only \*\.test, \*\.localhost, \*\.internal \(name constraints, critical/);
  // A certificate without constraints is called out.
  const leaf = new crypto.X509Certificate(ca.mintLeaf('app.test').pem);
  const ld = describeCa(leaf, 'leaf.pem');
  assert.deepEqual([ld.isCa, ld.pathLength, ld.permitted], [false, undefined, []]);
  assert.match(formatCaDescription(ld).join('\n'), /names: +UNCONSTRAINED/);
});

test('doctor CA checks read without creating; spot suffix drift and a readable key', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const none = checkCa(dir, undefined);
  assert.equal(none.root, undefined);
  assert.equal(none.checks[0]!.status, 'warn');
  assert.ok(!fs.existsSync(path.join(dir, 'ca')));

  await CertificateAuthority.open({ dataDir: dir });
  const good = checkCa(dir, []);
  assert.deepEqual(good.checks.map((c) => c.status), ['ok', 'ok']);
  const drift = checkCa(dir, ['internal']);
  assert.equal(drift.checks[1]!.status, 'warn');
  assert.match(drift.checks[1]!.fix!, /restart Gatehouse/);
  const late = checkCa(dir, [], new Date(Date.now() + 3650 * 24 * 3600 * 1000));
  assert.equal(late.checks[0]!.status, 'warn');
  if (process.platform !== 'win32') {
    fs.chmodSync(path.join(dir, 'ca', 'root-key.pem'), 0o644);
    const leaky = checkCa(dir, []);
    assert.ok(leaky.checks.some((c) => c.status === 'fail' && /readable by others/.test(c.message) && /chmod 600/.test(c.fix!)));
  }

  // A damaged CA: doctor gives the advice `gatehouse start` gives (ca reset), and sees a key that is not the certificate's.
  const other = tempDataDir();
  t.after(other.cleanup);
  await CertificateAuthority.open({ dataDir: other.dir });
  fs.copyFileSync(path.join(other.dir, 'ca', 'root.pem'), path.join(dir, 'ca', 'root.pem'));
  const mismatched = checkCa(dir, []);
  const wrongKey = mismatched.checks.find((c) => /does not belong to the root certificate/.test(c.message));
  assert.equal(wrongKey?.status, 'fail', JSON.stringify(mismatched.checks));
  assert.match(wrongKey!.fix!, /^run `gatehouse ca reset`/);
  fs.rmSync(path.join(dir, 'ca', 'root-key.pem'));
  const keyless = checkCa(dir, []);
  assert.ok(keyless.checks.some((c) => c.status === 'fail' && /missing or unreadable/.test(c.message) && /gatehouse ca reset/.test(c.fix!)));
  fs.writeFileSync(path.join(dir, 'ca', 'root.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n');
  assert.match(checkCa(dir, []).checks[0]!.fix!, /^run `gatehouse ca reset`/);

  const trust = trustChecks([
    { store: 'debian', label: 'System', state: 'trusted' },
    { store: 'nss:x', label: 'Chrome', state: 'not-trusted', fix: 'run `gatehouse trust`' },
    { store: 'nss:y', label: 'Firefox', state: 'unavailable', detail: 'certutil is not installed', fix: 'install libnss3-tools' },
  ]);
  assert.deepEqual(trust.map((c) => c.status), ['ok', 'fail', 'warn']);
  assert.equal(formatDoctorCheck(trust[1]!), '✗ not trusted by Chrome\n    fix: run `gatehouse trust`');
});

test('doctor name checks: loopback ok, elsewhere or unresolved fail with the fix, wildcards noted', async () => {
  const table: Record<string, string[] | undefined> = {
    'app.test': ['127.0.0.1', '::1'],
    'stale.test': ['10.0.0.5'],
  };
  const lookup = async (host: string) => {
    const a = table[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const checks = await checkNames(['app.test', 'stale.test', 'nope.test', 'x.localhost', '*.shop.test', 'APP.test'], lookup);
  assert.deepEqual(checks.map((c) => [c.status, c.message.split(' ')[0]]), [
    ['ok', 'app.test'],
    ['fail', 'stale.test'],
    ['fail', 'nope.test'],
    ['fail', 'x.localhost'],
    ['ok', '*.shop.test:'],
  ]);
  assert.match(checks[1]!.fix!, /gatehouse dns setup/);
  assert.match(checks[3]!.fix!, /browsers resolve \*\.localhost themselves/);
});
