import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deadPort, startBackend } from '../support/backends';
import { cliSandbox, GatehouseProcess, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

function writeConfig(file: string, config: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

test('gatehouse ca path / ca show: the root file, fingerprint, validity and name constraints', async (t) => {
  const temp = tempDataDir('gatehouse-ca-cli-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  writeConfig(s.configFile, { routes: [], suffixes: ['internal'] });

  const p = await runGatehouse(s, ['ca', 'path']);
  assert.equal(p.code, 0, p.stderr);
  const certPath = p.stdout.trim();
  assert.equal(certPath, path.join(s.dataDir, 'ca', 'root.pem'));
  assert.match(p.stderr, /Created a local CA \(test, localhost, internal\)/);
  const cert = new crypto.X509Certificate(fs.readFileSync(certPath));

  const show = await runGatehouse(s, ['ca', 'show']);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`SHA-256: +${cert.fingerprint256}`));
  assert.match(show.stdout, /subject: +O=Gatehouse local development CA, CN=Gatehouse Local CA [0-9a-f]{8}/);
  assert.match(show.stdout, /constraints: +CA, path length 0/);
  assert.match(show.stdout, /names: +only \*\.test, \*\.localhost, \*\.internal \(name constraints, critical; IP addresses excluded\)/);
  assert.equal(show.stderr, '', 'the second run re-uses the CA');

  const json = JSON.parse((await runGatehouse(s, ['ca', 'show', '--json'])).stdout) as Record<string, unknown>;
  assert.equal(json.fingerprintSha256, cert.fingerprint256);
  assert.deepEqual(json.permitted, ['test', 'localhost', 'internal']);
  assert.equal(json.keyType, 'ECDSA P-256');
  assert.equal(json.nameConstraintsCritical, true);
  assert.equal(json.notAfter, new Date(cert.validTo).toISOString());

  // Changing the suffixes re-issues the root and says so.
  writeConfig(s.configFile, { routes: [] });
  const reissued = await runGatehouse(s, ['ca', 'path']);
  assert.match(reissued.stderr, /Re-issued the local CA because the permitted suffixes changed \(test, localhost, internal → test, localhost\).*gatehouse trust/);
  assert.notEqual(new crypto.X509Certificate(fs.readFileSync(certPath)).fingerprint256, cert.fingerprint256);

  const usage = await runGatehouse(s, ['ca', 'bogus']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown ca command "bogus"/);
});

test('gatehouse doctor: reports each check with its fix, against a running instance', async (t) => {
  const temp = tempDataDir('gatehouse-doctor-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  const backend = await startBackend();
  t.after(() => backend.close());
  const dead = await deadPort();
  writeConfig(s.configFile, {
    routes: [
      { host: 'localhost', target: backend.url },
      { host: 'gone.test', target: `http://127.0.0.1:${dead}` },
    ],
  });

  // Not running: ports are checked for being free, the CA does not exist yet.
  const idle = await runGatehouse(s, ['doctor', '--json']);
  const idleReport = JSON.parse(idle.stdout) as { ok: boolean; checks: Array<{ area: string; status: string; message: string; fix?: string }> };
  assert.equal(idle.code, 1);
  assert.ok(idleReport.checks.some((c) => c.area === 'ca' && c.status === 'warn' && /no local CA yet/.test(c.message)));
  assert.ok(idleReport.checks.some((c) => c.area === 'ports' && /Gatehouse is not running/.test(c.message) && /gatehouse start/.test(c.fix!)));
  assert.ok(!fs.existsSync(path.join(s.dataDir, 'ca')), 'doctor changes nothing');

  const gatehouse = new GatehouseProcess(s, ['--http-port', '0']);
  t.after(() => gatehouse.kill());
  await gatehouse.waitFor('stdout', /Press Ctrl\+C to stop/);
  const r = await runGatehouse(s, ['doctor', '--json']);
  assert.equal(r.code, 1, 'gone.test fails');
  const report = JSON.parse(r.stdout) as typeof idleReport;
  const find = (area: string, re: RegExp) => report.checks.find((c) => c.area === area && re.test(c.message));
  assert.equal(find('ca', /^CA Gatehouse Local CA/)?.status, 'ok');
  assert.equal(find('ca', /name-constrained to \*\.test, \*\.localhost/)?.status, 'ok');
  assert.ok(report.checks.some((c) => c.area === 'trust'), 'trust is reported per store');
  assert.equal(find('dns', /^localhost resolves to/)?.status, 'ok');
  const unresolved = find('dns', /^gone\.test does not resolve/);
  assert.equal(unresolved?.status, 'fail');
  assert.match(unresolved!.fix!, /gatehouse dns setup/);
  assert.equal(find('ports', /^HTTPS is served on port \d+/)?.status, 'ok');
  assert.equal(find('ports', /^HTTP is served on port \d+/)?.status, 'ok');
  assert.equal(find('ports', /^DNS responder answers on 127\.0\.0\.1:\d+/)?.status, 'ok');
  assert.equal(find('upstream', /^localhost → 127\.0\.0\.1:\d+ is reachable/)?.status, 'ok');
  const down = find('upstream', new RegExp(`^gone\\.test → 127\\.0\\.0\\.1:${dead}: nothing accepts connections \\(ECONNREFUSED\\)`));
  assert.equal(down?.status, 'fail');
  assert.match(down!.fix!, new RegExp(`^start the dev server for gone\\.test \\(it should listen on 127\\.0\\.0\\.1:${dead}\\)`));

  const text = await runGatehouse(s, ['doctor']);
  assert.match(text.stdout, /✗ gone\.test → 127\.0\.0\.1:\d+: nothing accepts connections \(ECONNREFUSED\)\n {4}fix: start the dev server/);
  assert.match(text.stdout, /\d+ problems? found\n$/);
});
