import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { DebianStore } from '../../main/trust/debian-store';
import { realSystemContext } from '../../main/trust/system-context';
import { detectStores, trustRoot, untrustRoot } from '../../main/trust/trust-manager';
import { rootCaFromPem } from '../../main/trust/trust-store';
import { startLeafHttpsServer } from '../support/leaf-https-server';
import { envWithoutExtraCa, runCommand } from '../support/run-command';
import { snapshotSystemTrust, SYSTEM_BUNDLE } from '../support/system-trust-snapshot';
import { tempDataDir } from '../support/temp-data-dir';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const ctx = realSystemContext({ interactive: false });
const skip = !isRoot
  ? 'needs root: it really changes the system trust store (run the suite as root in CI)'
  : !DebianStore.detect(ctx)
    ? 'not a Debian/Ubuntu system (no update-ca-certificates)'
    : false;

test('trust makes curl accept the CA without --cacert; untrust restores the bundle byte for byte', { skip }, async (t) => {
  const data = tempDataDir();
  t.after(data.cleanup);
  const snapshot = snapshotSystemTrust();
  const ca = await CertificateAuthority.open({ dataDir: data.dir });
  const server = await startLeafHttpsServer(ca);
  t.after(() => server.close());
  const root = rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  const stores = detectStores(ctx, { nss: false });
  assert.deepEqual(stores.map((s) => s.id), ['debian']);
  const curl = () =>
    runCommand(
      'curl',
      ['-sS', '--max-time', '5', '--resolve', `app.test:${server.port}:127.0.0.1`, `https://app.test:${server.port}/`],
      { env: envWithoutExtraCa() },
    );
  try {
    const before = await curl();
    assert.equal(before.code, 60, `untrusted CA must fail verification: ${before.stderr}`);

    const trusted = await trustRoot(root, stores, ctx);
    assert.ok(trusted.ok, JSON.stringify(trusted.changes));
    const after = await curl();
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.stdout, `hello app.test:${server.port}`);
    assert.ok(fs.readFileSync(SYSTEM_BUNDLE, 'utf8').includes(root.pem.split('\n')[1]!));

    const removed = await untrustRoot(root, stores, ctx);
    assert.ok(removed.ok, JSON.stringify(removed.changes));
    const again = await curl();
    assert.equal(again.code, 60, again.stderr);
    assert.ok(fs.readFileSync(SYSTEM_BUNDLE).equals(snapshot.bundle), 'bundle byte-identical');
    const leftovers = snapshot.differences().filter((p) => p.includes('gatehouse'));
    assert.deepEqual(leftovers, []);
  } finally {
    const repaired = snapshot.restore();
    if (repaired.length) t.diagnostic(`restored after the test: ${repaired.join(', ')}`);
  }
});
