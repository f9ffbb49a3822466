import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

test('a damaged CA stops the CLI with the way out; `gatehouse ca reset` is that way out', async (t) => {
  const temp = tempDataDir('gatehouse-ca-reset-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  const created = await runGatehouse(s, ['ca', 'path']);
  assert.equal(created.code, 0, created.stderr);
  const rootFile = created.stdout.trim();
  const rootBefore = fs.readFileSync(rootFile, 'utf8');
  fs.rmSync(path.join(path.dirname(rootFile), 'root-key.pem'));

  const refused = await runGatehouse(s, ['ca', 'show']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /damaged: the root key .* is missing/);
  assert.match(refused.stderr, /gatehouse ca reset/);
  assert.equal(fs.readFileSync(rootFile, 'utf8'), rootBefore, 'nothing replaced without consent');

  const reset = await runGatehouse(s, ['ca', 'reset']);
  assert.equal(reset.code, 0, reset.stderr);
  assert.match(reset.stdout, /gatehouse trust/);
  assert.notEqual(fs.readFileSync(rootFile, 'utf8'), rootBefore);
  const shown = await runGatehouse(s, ['ca', 'show']);
  assert.equal(shown.code, 0, shown.stderr);
});

test('`gatehouse start` with a damaged CA fails before any listener: no "listening" line, the advice, no instance.json', async (t) => {
  const temp = tempDataDir('gatehouse-ca-start-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  const created = await runGatehouse(s, ['ca', 'path']);
  assert.equal(created.code, 0, created.stderr);
  const rootFile = created.stdout.trim();
  const keyFile = path.join(path.dirname(rootFile), 'root-key.pem');
  const damages: Array<[string, () => void]> = [
    ['a corrupt root certificate', () => fs.writeFileSync(rootFile, 'not a certificate\n')],
    ['a corrupt root key', () => fs.writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')],
  ];
  const good = { root: fs.readFileSync(rootFile), key: fs.readFileSync(keyFile) };
  for (const [what, damage] of damages) {
    fs.writeFileSync(rootFile, good.root);
    fs.writeFileSync(keyFile, good.key);
    damage();
    const damaged = { root: fs.readFileSync(rootFile), key: fs.readFileSync(keyFile) };
    const r = await runGatehouse(s, ['start', '--http-port', '0', '--dashboard-port', '0']);
    assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /the local CA in .* is damaged/, what);
    assert.match(r.stderr, /gatehouse ca reset/, what);
    assert.doesNotMatch(r.stdout + r.stderr, /listening/i, `${what}: nothing claimed to listen`);
    assert.ok(!fs.existsSync(path.join(s.dataDir, 'instance.json')), `${what}: no instance.json left behind`);
    assert.ok(fs.readFileSync(rootFile).equals(damaged.root) && fs.readFileSync(keyFile).equals(damaged.key), `${what}: nothing replaced without consent`);
  }
});
