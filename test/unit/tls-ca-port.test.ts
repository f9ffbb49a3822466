import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { createCaPort } from '../../main/trust/ca-port';
import type { SystemContext } from '../../main/trust/system-context';
import { tempDataDir } from '../support/temp-data-dir';

test('the control API CA port: status per store, and trust failing with the exact commands when it cannot elevate', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const anchors = path.join(dir, 'anchors');
  fs.mkdirSync(anchors);
  const ca = await CertificateAuthority.open({ dataDir: path.join(dir, 'data') });
  const ran: string[] = [];
  const ctx: SystemContext = {
    platform: 'darwin',
    homeDir: path.join(dir, 'home'),
    env: {},
    isRoot: false,
    interactive: false,
    hasProgram: () => false,
    canWrite: () => false,
    run: async (c) => {
      ran.push([c.cmd, ...c.args].join(' '));
      return { code: 44, stdout: '', stderr: 'not found' };
    },
  };
  const port = createCaPort(ca, ctx);
  const status = await port.status();
  assert.equal(status.available, true);
  assert.equal(status.exists, true);
  assert.equal(status.trusted, false);
  assert.equal(status.certPath, ca.rootCertPath);
  assert.equal(status.fingerprintSha256, ca.rootCertificate.fingerprint256);
  assert.deepEqual(status.permittedNames, ['test', 'localhost'], 'the name constraints the root was made with');
  assert.deepEqual(status.stores?.map((s) => [s.name, s.trusted]), [['macOS login keychain', false]]);

  // The login keychain needs no root, so trust runs security add-trusted-cert (which fails here: no macOS).
  await assert.rejects(port.trust(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TRUST_INCOMPLETE');
    assert.match(err.message, /macOS login keychain: failed — `security add-trusted-cert -r trustRoot -k .*login\.keychain-db .*root\.pem` exited with 44/);
    return true;
  });
  assert.ok(ran.some((r) => r.startsWith('security add-trusted-cert')));
});
