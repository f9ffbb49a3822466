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
