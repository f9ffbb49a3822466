import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import { cliSandbox, GatehouseProcess, readJson, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

// A relative file: target means "relative to the config file" — not to wherever
// `gatehouse start` happened to be run from (the test runs it from the repo root).
test('a relative file: target is served from beside the config file, and doctor checks that folder', async (t) => {
  const temp = tempDataDir('gatehouse-static-');
  t.after(temp.cleanup);
  const s = cliSandbox(temp.dir);
  const site = path.join(path.dirname(s.configFile), 'site');
  fs.mkdirSync(site, { recursive: true });
  fs.writeFileSync(path.join(site, 'index.html'), '<h1>served from beside the config</h1>');
  fs.writeFileSync(
    s.configFile,
    JSON.stringify({
      routes: [
        { host: 'static.localhost', target: 'file:./site', https: false },
        { host: 'missing.localhost', target: 'file:./no-such-dir', https: false },
      ],
    }),
  );

  const gatehouse = new GatehouseProcess(s, ['--http-port', '0']);
  t.after(() => gatehouse.kill());
  await gatehouse.waitFor('stdout', /Press Ctrl\+C to stop/);
  const info = readJson(path.join(s.dataDir, 'instance.json')) as { httpPort: number };

  const r = await request(`http://127.0.0.1:${info.httpPort}/`, { headers: { host: 'static.localhost' } });
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /^text\/html/);
  assert.equal(await r.body.text(), '<h1>served from beside the config</h1>');

  const doctor = await runGatehouse(s, ['doctor', '--json']);
  const report = JSON.parse(doctor.stdout) as { checks: Array<{ area: string; status: string; message: string; fix?: string }> };
  const served = report.checks.find((c) => c.area === 'upstream' && c.message.startsWith('static.localhost:'));
  assert.equal(served?.status, 'ok');
  assert.equal(served?.message, `static.localhost: serves files from ${site}`);
  const missing = report.checks.find((c) => c.area === 'upstream' && c.message.startsWith('missing.localhost:'));
  assert.equal(missing?.status, 'fail');
  assert.match(missing!.fix!, /relative to the config file/);
});
