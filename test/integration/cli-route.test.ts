import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, readJson, runGatehouse, type CliSandbox } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

let temp: { dir: string; cleanup: () => void };
before(() => {
  temp = tempDataDir('gatehouse-cli-');
});
after(() => temp.cleanup());

function sandbox(name: string, opts?: { useDefaults?: boolean }): CliSandbox {
  const dir = path.join(temp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  return cliSandbox(dir, opts);
}

/** Exit codes as the real process reports them; the full matrix runs in-process in cli-usage.test.ts. */
test('the executable: --help exits 0, unknown command and bad usage exit 2 with one line', async () => {
  const s = sandbox('exit-codes');
  const [help, bogus, noTarget] = await Promise.all([
    runGatehouse(s, ['route', 'add', '--help']),
    runGatehouse(s, ['bogus']),
    runGatehouse(s, ['route', 'add', 'x.test']),
  ]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: gatehouse route add <host>\[\/path\] <target…> \[--strip-path\]/);
  assert.equal(bogus.code, 2);
  assert.match(oneLine(bogus.stderr), /^gatehouse: unknown command "bogus"/);
  assert.equal(noTarget.code, 2);
  assert.match(oneLine(noTarget.stderr), /missing a target for x.test/);
  assert.equal(fs.existsSync(s.configFile), false, 'nothing is created by usage errors');
});

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected a one-line reason, got:\n${stderr}`);
  return lines[0]!;
}

test('route add / ls / disable / enable / rm edit the config file', async () => {
  const s = sandbox('routes');
  // The first route add creates the file with the default route (route ls never creates it: cli-config-missing.test.ts).
  let r = await runGatehouse(s, ['route', 'add', 'App.Test/api/', '4000', '--strip-path']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /created .*config\.json with the default route/);
  assert.match(r.stdout, /added app\.test\/api → http:\/\/127\.0\.0\.1:4000 \(strip path\)/);
  assert.match(r.stdout, /not running/);
  assert.ok(fs.existsSync(path.join(path.dirname(s.configFile), 'gatehouse.schema.json')), 'first run writes the schema copy');
  r = await runGatehouse(s, ['route', 'ls']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /app\.test\s+on\s+http:\/\/127\.0\.0\.1:3000/);
  r = await runGatehouse(s, ['route', 'add', '*.shop.test', '3001', 'localhost:3002', 'unix:/run/shop.sock', '--balance', 'least-connections']);
  assert.equal(r.code, 0, r.stderr);

  assert.deepEqual((readJson(s.configFile) as { routes: unknown[] }).routes, [
    { host: 'app.test', target: 'http://127.0.0.1:3000' },
    { host: 'app.test', path: '/api', target: 'http://127.0.0.1:4000', stripPath: true },
    { host: '*.shop.test', targets: ['http://127.0.0.1:3001', 'http://localhost:3002', 'unix:/run/shop.sock'], balance: 'least-connections' },
  ]);

  r = await runGatehouse(s, ['route', 'disable', 'app.test/api']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /disabled app\.test\/api/);
  r = await runGatehouse(s, ['route', 'ls', '--json']);
  const views = JSON.parse(r.stdout) as Array<{ id: string; enabled: boolean; route: { enabled?: boolean } }>;
  assert.deepEqual(views.map((v) => [v.id, v.enabled]), [['app.test', true], ['app.test/api', false], ['*.shop.test', true]]);
  assert.equal(views[1]!.route.enabled, false);

  r = await runGatehouse(s, ['route', 'enable', 'app.test/api']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal('enabled' in (readJson(s.configFile) as { routes: object[] }).routes[1]!, false);

  r = await runGatehouse(s, ['route', 'rm', '*.shop.test']);
  assert.equal(r.code, 0, r.stderr);
  r = await runGatehouse(s, ['route', 'ls']);
  assert.deepEqual(
    r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]),
    ['ROUTE', 'app.test', 'app.test/api'],
  );
});

test('failures exit 1 with the reason and leave the file as it was', async () => {
  const s = sandbox('failures');
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, JSON.stringify({ routes: [{ host: 'app.test', target: 'http://127.0.0.1:3000' }] }, null, 2));
  const good = fs.readFileSync(s.configFile, 'utf8');

  const [dup, noPort, missing] = await Promise.all([
    runGatehouse(s, ['route', 'add', 'APP.test', '3001']),
    runGatehouse(s, ['route', 'add', 'b.test', 'http://localhost']),
    runGatehouse(s, ['route', 'rm', 'nope.test']),
  ]);
  assert.equal(dup.code, 1);
  assert.match(oneLine(dup.stderr), /route "app.test" already exists/);
  assert.equal(noPort.code, 1);
  assert.match(oneLine(noPort.stderr), /route not added: \/routes\/1\/target: target "http:\/\/localhost" has no port/);
  assert.equal(missing.code, 1);
  assert.match(oneLine(missing.stderr), /no route "nope.test"; configured routes: app.test/);
  assert.equal(fs.readFileSync(s.configFile, 'utf8'), good);

  // A file that does not parse is never written over.
  const broken = '{\n  "routes": [\n    {"host": "app.test", "target": "http://127.0.0.1:3000",}\n  ]\n}\n';
  fs.writeFileSync(s.configFile, broken);
  const r = await runGatehouse(s, ['route', 'add', 'b.test', '3001']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /route not added; the file was left as it is/);
  assert.match(r.stderr, /config\.json:3:59 \/routes\/0: trailing comma/);
  assert.equal(fs.readFileSync(s.configFile, 'utf8'), broken);
  const start = await runGatehouse(s, ['start', '--http-port', '0']);
  assert.equal(start.code, 1);
  assert.match(start.stderr, /config\.json:3:59 \/routes\/0: trailing comma/);
});

test('without overrides the config lives under XDG_CONFIG_HOME; --config beats GATEHOUSE_CONFIG', async () => {
  const s = sandbox('defaults', { useDefaults: true });
  let r = await runGatehouse(s, ['route', 'add', 'x.test', '3000']);
  assert.equal(r.code, 0, r.stderr);
  const xdgFile = path.join(s.env.XDG_CONFIG_HOME!, 'gatehouse', 'config.json');
  assert.equal((readJson(xdgFile) as { routes: unknown[] }).routes.length, 2);

  const flagFile = path.join(s.dir, 'elsewhere.json');
  const withEnv = { ...s, env: { ...s.env, GATEHOUSE_CONFIG: path.join(s.dir, 'env.json') } };
  r = await runGatehouse(withEnv, ['route', 'add', 'y.test', '3000', '--config', flagFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(flagFile));
  assert.equal(fs.existsSync(path.join(s.dir, 'env.json')), false);
});

test('route add: a URL as the host gets the config file\'s advice; ports outside 1–65535 are named as such', async () => {
  const s = sandbox('bad-args');
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, '{ "routes": [] }\n');
  const usage = async (args: string[]) => {
    const r = await runGatehouse(s, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return oneLine(r.stderr);
  };
  assert.equal(
    await usage(['route', 'add', 'http://y.test', '3000']),
    'gatehouse: a host is a name, not a URL: write "y.test", e.g. gatehouse route add y.test 3000 (see gatehouse route add --help)',
  );
  assert.match(await usage(['route', 'rm', 'https://y.test/api']), /^gatehouse: a host is a name, not a URL: write "y\.test", e\.g\. gatehouse route rm y\.test \(see/);
  assert.equal(await usage(['route', 'add', 'x.test', '0']), 'gatehouse: "0": port 0 is out of range (1–65535) (see gatehouse route add --help)');
  assert.match(await usage(['route', 'add', 'x.test', '70000']), /"70000": port 70000 is out of range \(1–65535\)/);
  assert.match(await usage(['route', 'add', 'x.test', 'localhost:99999']), /"localhost:99999": port 99999 is out of range \(1–65535\)/);
  for (const [target, port] of [['http://127.0.0.1:99999', 99999], ['http://127.0.0.1:0', 0]] as const) {
    const r = await runGatehouse(s, ['route', 'add', 'x.test', target]);
    assert.equal(r.code, 1, target);
    assert.equal(oneLine(r.stderr), `gatehouse: route not added: /routes/0/target: target "${target}": port ${port} is out of range (1–65535)`);
  }
  assert.equal(fs.readFileSync(s.configFile, 'utf8'), '{ "routes": [] }\n', 'nothing was written');
});

test('route add --http-only: a host the CA cannot issue for is served over HTTP; the refusal names the flag; ls shows it', async () => {
  const s = sandbox('http-only');
  const refused = await runGatehouse(s, ['route', 'add', 'example.com', '3000']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /set "https": false on this route\n {2}to add it for plain HTTP from here: gatehouse route add example\.com 3000 --http-only\n/);
  const added = await runGatehouse(s, ['route', 'add', 'example.com', '3000', '--http-only']);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^added example\.com → http:\/\/127\.0\.0\.1:3000 \(HTTP only\)$/m);
  assert.deepEqual((readJson(s.configFile) as { routes: unknown[] }).routes.at(-1), { host: 'example.com', target: 'http://127.0.0.1:3000', https: false });
  // A route kept off the HTTPS redirect by hand shows as such too.
  const text = fs.readFileSync(s.configFile, 'utf8').replace('"https": false', '"https": false }, { "host": "web.test", "target": "http://127.0.0.1:5173", "redirectToHttps": false');
  fs.writeFileSync(s.configFile, text);
  const ls = await runGatehouse(s, ['route', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^example\.com +on +http:\/\/127\.0\.0\.1:3000 +http-only$/m);
  assert.match(ls.stdout, /^web\.test +on +http:\/\/127\.0\.0\.1:5173 +no-https-redirect$/m);
});
