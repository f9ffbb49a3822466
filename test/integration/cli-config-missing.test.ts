import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { cliSandbox, GatehouseProcess, runGatehouse, type CliSandbox } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * Only `gatehouse start` and `gatehouse route add` may create the config file.
 * Every read-only command leaves a missing file missing — above all while a
 * running Gatehouse whose file was deleted still serves the routes it read.
 */
let temp: { dir: string; cleanup: () => void };
before(() => {
  temp = tempDataDir('gatehouse-cli-missing-');
});
after(() => temp.cleanup());

function sandbox(name: string): CliSandbox {
  const dir = path.join(temp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  return cliSandbox(dir);
}

test('read-only commands never create the config: route ls/rm/enable say it does not exist; ca and trust --status use the defaults', async () => {
  const s = sandbox('readonly');
  const configDir = path.dirname(s.configFile);

  const ls = await runGatehouse(s, ['route', 'ls']);
  assert.equal(ls.code, 1, ls.stdout);
  assert.equal(ls.stderr.trim(), `gatehouse: the config file ${s.configFile} does not exist; \`gatehouse start\` or \`gatehouse route add\` creates it`);
  for (const args of [['route', 'ls', '--json'], ['route', 'rm', 'app.test'], ['route', 'enable', 'app.test'], ['route', 'disable', 'app.test']]) {
    const r = await runGatehouse(s, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /does not exist/, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }

  const caPath = await runGatehouse(s, ['ca', 'path']);
  assert.equal(caPath.code, 0, caPath.stderr);
  assert.match(caPath.stdout, /^\S+\n$/, 'stdout is the path alone, for $(gatehouse ca path)');
  assert.ok(caPath.stdout.startsWith(s.dataDir), 'the CA lives in the data directory');
  assert.match(caPath.stderr, /note: .*config\.json does not exist, so the default settings apply \(the file was not created/);
  const show = await runGatehouse(s, ['ca', 'show', '--json']);
  assert.equal(show.code, 0, show.stderr);
  assert.ok(JSON.parse(show.stdout));
  const status = await runGatehouse(s, ['trust', '--status', '--json']);
  assert.ok(JSON.parse(status.stdout).stores, status.stderr);

  assert.equal(fs.existsSync(s.configFile), false, 'no command above created the config');
  assert.equal(fs.existsSync(configDir), false, 'nor its directory (or the schema copy)');

  // route add may create it (with the defaults, as start does), and says so.
  const add = await runGatehouse(s, ['route', 'add', 'x.test', '3001']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /^created .*config\.json with the default route \(app\.test → http:\/\/127\.0\.0\.1:3000\)\nadded x\.test → http:\/\/127\.0\.0\.1:3001\n/);
  assert.deepEqual(JSON.parse(fs.readFileSync(s.configFile, 'utf8')).routes.map((r: { host: string }) => r.host), ['app.test', 'x.test']);
});

test('a config deleted while Gatehouse runs: route ls, ca path and route add leave the running routes alone', async () => {
  const s = sandbox('deleted');
  const backend = http.createServer((req, res) => res.end(`backend:${req.headers.host}`));
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const backendPort = (backend.address() as AddressInfo).port;
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  const routes = ['one.test', 'two.test', 'three.test'].map((host) => ({ host, target: `http://127.0.0.1:${backendPort}`, https: false }));
  fs.writeFileSync(s.configFile, `${JSON.stringify({ routes }, null, 2)}\n`);
  const proc = new GatehouseProcess(s, ['--http-port', '0']);
  try {
    const port = Number((await proc.waitFor('stdout', /HTTP listening on 127\.0\.0\.1:(\d+)/))[1]);
    await proc.waitFor('stdout', /Press Ctrl\+C to stop/);
    const get = (host: string) =>
      new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(`${res.statusCode} ${body}`));
        }).on('error', reject);
      });
    assert.equal(await get('two.test'), '200 backend:two.test');

    fs.rmSync(s.configFile);
    await proc.waitFor('stderr', /was deleted; the running routes were kept/);

    const ls = await runGatehouse(s, ['route', 'ls']);
    assert.equal(ls.code, 1);
    assert.match(ls.stderr, /does not exist/);
    const caPath = await runGatehouse(s, ['ca', 'path']);
    assert.equal(caPath.code, 0, caPath.stderr);
    const add = await runGatehouse(s, ['route', 'add', 'four.test', String(backendPort)]);
    assert.equal(add.code, 1);
    assert.match(add.stderr, new RegExp(`does not exist, but the running Gatehouse \\(pid ${proc.pid}\\) still serves the routes it last read from it`));
    assert.equal(fs.existsSync(s.configFile), false, 'nothing recreated the file');

    // Give a reload (had anything written the file) time to land, then check the routes still answer.
    await new Promise((r) => setTimeout(r, 1500));
    assert.doesNotMatch(proc.stdout, /config reloaded/);
    for (const host of ['one.test', 'two.test', 'three.test']) assert.equal(await get(host), `200 backend:${host}`);
  } finally {
    await proc.kill();
    backend.close();
  }
});
