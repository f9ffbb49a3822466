import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

interface Report {
  ok: boolean;
  checks: Array<{ area: string; status: string; message: string; fix?: string }>;
}

test('gatehouse doctor with an invalid config: the config is a failed check, the checks that do not need it still run', async (t) => {
  const temp = tempDataDir('gatehouse-doctor-config-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, '{ "routes": [ { "host": "app.test", "target": "http://127.0.0.1:3000" } ] }\n');
  const created = await runGatehouse(s, ['ca', 'path']);
  assert.equal(created.code, 0, created.stderr);
  // Then the config breaks (a trailing comma on line 2).
  fs.writeFileSync(s.configFile, '{ "routes": [\n  { "host": "app.test", "target": "http://127.0.0.1:3000", } ] }\n');
  const configBefore = fs.readFileSync(s.configFile, 'utf8');

  const r = await runGatehouse(s, ['doctor', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.ok, false);
  // The CA is not trusted in this sandbox: those failures are real checks too.
  const failed = report.checks.filter((c) => c.status === 'fail' && c.area !== 'trust');
  assert.equal(failed.length, 1, `the config is the one other failure: ${JSON.stringify(failed)}`);
  assert.equal(failed[0]!.area, 'config');
  assert.ok(failed[0]!.message.includes(`${s.configFile}:2:`), `the issue is located: ${failed[0]!.message}`);
  assert.match(failed[0]!.message, /trailing comma/);
  const skipped = report.checks.find((c) => c.area === 'config' && c.status === 'warn');
  assert.match(skipped?.message ?? '', /skipped.*host.*upstream/);
  // Not dependent on the config: the CA, its trust per store, the (default) ports.
  assert.ok(report.checks.some((c) => c.area === 'ca' && c.status === 'ok' && /^CA Gatehouse Local CA/.test(c.message)), 'the CA is checked');
  assert.ok(report.checks.some((c) => c.area === 'ca' && /name-constrained to \*\.test, \*\.localhost \(not compared/.test(c.message)), 'its constraints are shown, not compared');
  assert.ok(report.checks.some((c) => c.area === 'trust'), 'trust is checked per store');
  assert.ok(report.checks.some((c) => c.area === 'ports' && /Gatehouse is not running/.test(c.message)));
  assert.ok(report.checks.some((c) => c.area === 'ports' && /^HTTP port 80 /.test(c.message)), 'the default HTTP port is checked');
  // Dependent on it: not run.
  assert.ok(!report.checks.some((c) => c.area === 'dns' || c.area === 'upstream'), 'no route checks without routes');
  assert.equal(fs.readFileSync(s.configFile, 'utf8'), configBefore, 'doctor changes nothing');

  const text = await runGatehouse(s, ['doctor']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^✗ the config .* is not valid:\n {4}.*:2:\d+ .*trailing comma/m);
  assert.match(text.stdout, /^! skipped, as they need the config/m);
  assert.match(text.stdout, /^✓ CA Gatehouse Local CA/m);
  assert.match(text.stdout, /\d+ problems? found\n$/);
});

test('gatehouse doctor with a valid config says so', async (t) => {
  const temp = tempDataDir('gatehouse-doctor-config-ok-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, '{ "routes": [] }\n');
  const r = await runGatehouse(s, ['doctor', '--json']);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(report.checks.filter((c) => c.area === 'config'), [{ area: 'config', status: 'ok', message: `config ${s.configFile} is valid` }]);
});
