import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, runGatehouse, type CliSandbox } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

test('gatehouse dns setup --hosts / teardown on a temporary hosts file: prints what changed, restores exactly', async (t) => {
  const temp = tempDataDir('gatehouse-dns-cli-');
  t.after(temp.cleanup);
  const base = cliSandbox(temp.dir);
  const hostsFile = path.join(temp.dir, 'hosts');
  const s: CliSandbox = {
    ...base,
    env: {
      ...base.env,
      GATEHOUSE_HOSTS_FILE: hostsFile,
      GATEHOUSE_RESOLVER_DIR: path.join(temp.dir, 'resolver'),
      GATEHOUSE_RESOLVED_DROPIN: path.join(temp.dir, 'resolved.conf.d', 'gatehouse.conf'),
    },
  };
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(
    s.configFile,
    JSON.stringify({ routes: [{ host: 'app.test', target: 'http://127.0.0.1:3000' }, { host: '*.shop.test', target: 'http://127.0.0.1:3001' }] }),
  );
  const original = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';
  fs.writeFileSync(hostsFile, original);

  const setup = await runGatehouse(s, ['dns', 'setup', '--hosts']);
  assert.equal(setup.code, 0, setup.stderr);
  assert.match(setup.stdout, /method: managed block in the hosts file/);
  assert.match(setup.stdout, new RegExp(`changed: ${hostsFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: managed block lists app\\.test → 127\\.0\\.0\\.1 and ::1`));
  assert.match(setup.stderr, /wildcard routes cannot go in a hosts file: \*\.shop\.test/);
  const written = fs.readFileSync(hostsFile, 'utf8');
  assert.ok(written.startsWith(original));
  assert.match(written, /# BEGIN gatehouse[^\n]*\n127\.0\.0\.1\tapp\.test\n::1\tapp\.test\n# END gatehouse\n$/);

  const again = await runGatehouse(s, ['dns', 'setup', '--hosts']);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already lists 1 host/);

  const teardown = await runGatehouse(s, ['dns', 'teardown']);
  assert.equal(teardown.code, 0, teardown.stderr);
  assert.match(teardown.stdout, /removed the Gatehouse block/);
  assert.equal(fs.readFileSync(hostsFile, 'utf8'), original);

  const usage = await runGatehouse(s, ['dns']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /missing a dns command: setup or teardown/);
});
