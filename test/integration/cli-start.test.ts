import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { cliSandbox, GatehouseProcess, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * `gatehouse start` as a user runs it: a real process, a real backend, requests
 * through undici, hand edits of the config while requests are in flight, an
 * invalid edit, a CLI edit picked up by the running instance, and SIGTERM.
 */
interface Backend {
  name: string;
  port: number;
  seen: Array<{ url: string; host: string | undefined }>;
  /** Resolves when a request for /slow has arrived (reset by each call). */
  slowArrived(): Promise<void>;
  close(): Promise<void>;
}

async function startBackend(name: string): Promise<Backend> {
  const seen: Backend['seen'] = [];
  let arrived: () => void = () => {};
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url!, host: req.headers.host });
    if (req.url === '/slow') {
      arrived();
      setTimeout(() => res.end(`${name}:slow-done`), 1500);
      return;
    }
    res.end(`${name}:${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    seen,
    slowArrived: () => new Promise<void>((resolve) => (arrived = resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Routes for this test are plain HTTP ("https": false), so no HTTP→HTTPS redirect gets in the way. */
function writeConfig(file: string, routes: object[]): void {
  fs.writeFileSync(file, `${JSON.stringify({ routes: routes.map((r) => ({ ...r, https: false })) }, null, 2)}\n`);
}

test('start: serves routes, applies hand edits live without dropping in-flight requests, rejects invalid edits, stops cleanly on SIGTERM', async () => {
  const temp = tempDataDir('gatehouse-start-');
  const sandbox = cliSandbox(temp.dir);
  const a = await startBackend('A');
  const b = await startBackend('B');
  const agent = new Agent({ keepAliveTimeout: 500 });
  let proc: GatehouseProcess | undefined;
  try {
    fs.mkdirSync(sandbox.dataDir.replace(/data$/, 'config'), { recursive: true });
    writeConfig(sandbox.configFile, [{ host: 'app.test', target: `http://127.0.0.1:${a.port}` }]);

    proc = new GatehouseProcess(sandbox, ['--headless', '--http-port', '0']);
    const port = Number((await proc.waitFor('stdout', /HTTP listening on 127\.0\.0\.1:(\d+)/))[1]);
    await proc.waitFor('stdout', /Press Ctrl\+C to stop/);
    assert.match(proc.stdout, /route: {2}app\.test → http:\/\/127\.0\.0\.1:\d+/);
    const instance = JSON.parse(fs.readFileSync(`${sandbox.dataDir}/instance.json`, 'utf8'));
    assert.equal(instance.httpPort, port);
    assert.equal(instance.pid, proc.pid);
    assert.equal(fs.statSync(sandbox.dataDir).mode & 0o777, 0o700);

    const get = async (host: string, path = '/') => {
      const res = await request(`http://127.0.0.1:${port}${path}`, { headers: { host }, dispatcher: agent });
      return { status: res.statusCode, body: await res.body.text() };
    };
    /** Polls (bounded) until `host` answers with `body`; returns how many tries it took. */
    const eventually = async (host: string, expect: (r: { status: number; body: string }) => boolean) => {
      const deadline = Date.now() + 8000;
      let last: { status: number; body: string } | undefined;
      for (let i = 0; Date.now() < deadline; i++) {
        last = await get(host);
        if (expect(last)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`${host} never answered as expected; last: ${JSON.stringify(last)}\n${proc!.stderr}`);
    };

    assert.deepEqual(await get('app.test', '/hello'), { status: 200, body: 'A:/hello' });
    assert.equal(a.seen.at(-1)!.host, 'app.test', 'the original Host reaches the backend');

    // A slow request is in flight on A while the config is edited by hand to point at B.
    const slowArrived = a.slowArrived();
    const slow = get('app.test', '/slow');
    await slowArrived;
    writeConfig(sandbox.configFile, [{ host: 'app.test', target: `http://127.0.0.1:${b.port}` }]);
    await eventually('app.test', (r) => r.body === 'B:/');
    assert.deepEqual(await slow, { status: 200, body: 'A:slow-done' }, 'the in-flight request finished on its old route');
    await proc.waitFor('stdout', /config reloaded: 1 route\(s\), 1 enabled/);

    // An invalid edit: reported with file, line and field; the running routes stay.
    fs.writeFileSync(
      sandbox.configFile,
      `{\n  "routes": [\n    {"host": "app.test", "target": "http://127.0.0.1:${a.port}", "https": false, "balance": "fastest"}\n  ]\n}\n`,
    );
    const reported = await proc.waitFor('stderr', /config\.json:(\d+):(\d+) \/routes\/0\/balance: unknown balance policy "fastest"/);
    assert.equal(reported[1], '3');
    assert.match(proc.stderr, /the running routes were kept/);
    assert.deepEqual(await get('app.test'), { status: 200, body: 'B:/' });

    // Fixed again, then edited through the CLI: the running instance picks both up.
    writeConfig(sandbox.configFile, [{ host: 'app.test', target: `http://127.0.0.1:${b.port}` }]);
    const add = await runGatehouse(sandbox, ['route', 'add', 'api.test', String(a.port)]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, new RegExp(`the running Gatehouse \\(pid ${proc.pid}\\) applies this`));
    // The new route answers (served over HTTPS by default, so plain HTTP may redirect there).
    await eventually('api.test', (r) => r.status !== 404);
    const viaCli = await get('api.test');
    assert.ok(
      (viaCli.status === 200 && viaCli.body === 'A:/') || (viaCli.status === 308 && /https:\/\/api\.test/.test(viaCli.body)),
      JSON.stringify(viaCli),
    );
    const disable = await runGatehouse(sandbox, ['route', 'disable', 'api.test']);
    assert.equal(disable.code, 0, disable.stderr);
    await eventually('api.test', (r) => r.status === 404 && /route api\.test is disabled/.test(r.body));

    // SIGTERM with a request in flight: it completes, then the process exits 0 and cleans up.
    const lastArrived = b.slowArrived();
    const last = get('app.test', '/slow');
    await lastArrived;
    proc.signal('SIGTERM');
    assert.deepEqual(await last, { status: 200, body: 'B:slow-done' });
    const exit = await proc.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, proc.stderr);
    assert.match(proc.stdout, /SIGTERM: stopping[\s\S]*stopped/);
    assert.equal(fs.existsSync(`${sandbox.dataDir}/instance.json`), false, 'instance.json removed');
    await assert.rejects(
      request(`http://127.0.0.1:${port}/`, { headers: { host: 'api.test' }, dispatcher: agent }),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
    );
  } finally {
    await proc?.kill();
    await agent.close();
    await a.close();
    await b.close();
    temp.cleanup();
  }
});
