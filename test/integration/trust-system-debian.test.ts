import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebianStore } from '../../main/trust/debian-store';
import { realSystemContext } from '../../main/trust/system-context';
import { startBackend } from '../support/backends';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';
import { memoryLogger } from '../../main/engine/logger';
import { cliSandbox, GATEHOUSE_JS, type CliSandbox } from '../support/gatehouse-cli';
import { envWithoutExtraCa, runCommand } from '../support/run-command';
import { snapshotSystemTrust, SYSTEM_BUNDLE } from '../support/system-trust-snapshot';
import { tempDataDir } from '../support/temp-data-dir';

/** update-ca-certificates runs the Java keystore hook too, which is slow on a busy machine: allow it time. */
function runGatehouse(sandbox: CliSandbox, args: readonly string[]) {
  return runCommand(process.execPath, [GATEHOUSE_JS, ...args], { env: sandbox.env, timeoutMs: 100_000 });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const skip = !isRoot
  ? 'needs root: it really changes the system trust store (run the suite as root in CI)'
  : !DebianStore.detect(realSystemContext())
    ? 'not a Debian/Ubuntu system (no update-ca-certificates)'
    : false;

test('`gatehouse trust` makes curl accept the proxy without --cacert; `untrust` restores the bundle byte for byte', { skip }, async (t) => {
  const temp = tempDataDir('gatehouse-trust-');
  t.after(temp.cleanup);
  const sandbox = cliSandbox(temp.dir);
  const backend = await startBackend();
  t.after(() => backend.close());
  fs.mkdirSync(path.dirname(sandbox.configFile), { recursive: true });
  fs.writeFileSync(sandbox.configFile, JSON.stringify({ routes: [{ host: 'app.test', target: backend.url }] }));

  const snapshot = snapshotSystemTrust();
  // The proxy runs in this process on the sandbox's config and data dir, so the CLI trusts its CA.
  const gatehouse = await GatehouseInstance.start({
    configPath: sandbox.configFile,
    dataDir: sandbox.dataDir,
    httpPort: 0,
    listen: ['127.0.0.1'],
    headless: true,
    logger: memoryLogger(),
  });
  t.after(() => gatehouse.stop(0));
  const port = gatehouse.info().httpsPort!;
  const curl = () =>
    runCommand('curl', ['-sS', '--max-time', '5', '--resolve', `app.test:${port}:127.0.0.1`, `https://app.test:${port}/trusted`], {
      env: envWithoutExtraCa(),
    });
  try {
    const before = await curl();
    assert.equal(before.code, 60, `an untrusted CA must fail verification: ${before.stderr}`);

    const trusted = await runGatehouse(sandbox, ['trust']);
    assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
    assert.match(trusted.stdout, /✓ Linux system store \(Debian\/Ubuntu: update-ca-certificates\): trusted/);
    assert.match(trusted.stdout, /export NODE_EXTRA_CA_CERTS=".*\/ca\/root\.pem"/);
    const status = JSON.parse((await runGatehouse(sandbox, ['trust', '--status', '--json'])).stdout) as {
      stores: Array<{ store: string; state: string }>;
    };
    assert.equal(status.stores.find((s) => s.store === 'debian')?.state, 'trusted');
    // Chromium is installed, so its NSS database in the sandbox HOME was created and trusts the root too.
    const nss = status.stores.find((s) => s.store.startsWith('nss:'));
    if (nss) assert.equal(nss.state, 'trusted');

    const after = await curl();
    assert.equal(after.code, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout).url, '/trusted');

    const removed = await runGatehouse(sandbox, ['untrust']);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    const afterStatus = JSON.parse((await runGatehouse(sandbox, ['trust', '--status', '--json'])).stdout) as {
      stores: Array<{ store: string; state: string }>;
    };
    assert.deepEqual(afterStatus.stores.map((s) => s.state).filter((st) => st === 'trusted'), []);
    const again = await curl();
    assert.equal(again.code, 60, again.stderr);
    assert.ok(fs.readFileSync(SYSTEM_BUNDLE).equals(snapshot.bundle), `${SYSTEM_BUNDLE} is byte-identical to before`);
    assert.deepEqual(snapshot.differences().filter((p) => p.includes('gatehouse')), []);
  } finally {
    const repaired = snapshot.restore();
    if (repaired.length) t.diagnostic(`restored after the test: ${repaired.join(', ')}`);
  }
});
