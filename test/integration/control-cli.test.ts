import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent, request } from 'undici';
import { startBackend } from '../support/backends';
import { cliSandbox, GatehouseProcess, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';
import { validateHar12 } from '../support/har-spec';
import type { ExchangeSummary } from '../../shared/exchange-types';
import type { Har } from '../../shared/har-types';

test('traffic ls and har export/import talk to the running instance through instance.json and its token', async () => {
  const temp = tempDataDir('gatehouse-traffic-cli-');
  const sandbox = cliSandbox(temp.dir);
  // Not the echo backend: its body repeats the request headers, and redaction covers headers, not bodies.
  const backend = await startBackend((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const agent = new Agent({ keepAliveTimeout: 500 });
  let proc: GatehouseProcess | undefined;
  try {
    const notRunning = await runGatehouse(sandbox, ['traffic', 'ls']);
    assert.equal(notRunning.code, 1);
    assert.match(notRunning.stderr, /Gatehouse is not running .*gatehouse start/);

    fs.mkdirSync(path.dirname(sandbox.configFile), { recursive: true });
    fs.writeFileSync(sandbox.configFile, JSON.stringify({ routes: [{ host: 'app.test', target: backend.url, https: false }] }));
    proc = new GatehouseProcess(sandbox, ['--headless', '--http-port', '0']);
    const port = Number((await proc.waitFor('stdout', /HTTP listening on 127\.0\.0\.1:(\d+)/))[1]);
    const dashboard = (await proc.waitFor('stdout', /dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})/))[1]!;
    await proc.waitFor('stdout', /Press Ctrl\+C to stop/);

    const instanceFile = path.join(sandbox.dataDir, 'instance.json');
    const instance = JSON.parse(fs.readFileSync(instanceFile, 'utf8')) as { controlUrl: string; token: string; pid: number };
    assert.equal(fs.statSync(instanceFile).mode & 0o777, 0o600);
    assert.equal(instance.pid, proc.pid);
    assert.equal(`${instance.controlUrl}/?token=${instance.token}`, dashboard);
    assert.ok(!proc.stderr.includes(instance.token), 'the token is not logged');

    for (const p of ['/hello', '/world?x=1']) {
      const res = await request(`http://127.0.0.1:${port}${p}`, { headers: { host: 'app.test', authorization: 'Bearer top-secret', cookie: 'sid=hush' }, dispatcher: agent });
      assert.equal(res.statusCode, 200);
      await res.body.text();
    }

    const ls = await runGatehouse(sandbox, ['traffic', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^ID\s+TIME\s+METHOD\s+STATUS/m);
    assert.match(ls.stdout, /GET\s+200\s+.*http:\/\/app\.test\/hello/);
    const json = await runGatehouse(sandbox, ['traffic', 'ls', '--json']);
    const items = JSON.parse(json.stdout) as ExchangeSummary[];
    assert.deepEqual(items.map((x) => x.url), ['/hello', '/world?x=1']);
    const newest = JSON.parse((await runGatehouse(sandbox, ['traffic', 'ls', '--json', '--limit', '1'])).stdout) as ExchangeSummary[];
    assert.deepEqual(newest.map((x) => x.url), ['/world?x=1']);

    const out = path.join(temp.dir, 'traffic.har');
    const exp = await runGatehouse(sandbox, ['har', 'export', '-o', out, '--redact']);
    assert.equal(exp.code, 0, exp.stderr);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const harText = fs.readFileSync(out, 'utf8');
    assert.doesNotMatch(harText, /top-secret|hush/);
    const har = JSON.parse(harText) as Har;
    assert.deepEqual(validateHar12(har), []);
    assert.equal(har.log.entries.length, 2);

    const imp = await runGatehouse(sandbox, ['har', 'import', out]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /imported 2 exchange\(s\)/);
    const after = JSON.parse((await runGatehouse(sandbox, ['traffic', 'ls', '--json'])).stdout) as ExchangeSummary[];
    assert.deepEqual(after.filter((x) => x.source === 'import').map((x) => x.url), ['/hello', '/world?x=1']);

    const broken = path.join(temp.dir, 'broken.har');
    fs.writeFileSync(broken, '{"log": {"version": "1.2", "entries": [{"request": 1}]}}');
    const bad = await runGatehouse(sandbox, ['har', 'import', broken]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^gatehouse: cannot import .*broken\.har: HAR entry 0: request must be an object, got a number/);
    const notHar = path.join(temp.dir, 'empty.har');
    fs.writeFileSync(notHar, '{}');
    const empty = await runGatehouse(sandbox, ['har', 'import', notHar]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /^gatehouse: cannot import .*empty\.har: this JSON is not a HAR file: it has no "log"/);
    const missing = await runGatehouse(sandbox, ['har', 'import', path.join(temp.dir, 'nope.har')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file/);

    proc.signal('SIGTERM');
    await proc.exited;
    assert.equal(fs.existsSync(instanceFile), false, 'instance.json is removed on a clean exit');
  } finally {
    await proc?.kill();
    await agent.close();
    await backend.close();
    temp.cleanup();
  }
});

test("traffic ls shows a WebSocket's size as the payload its messages carried, not its empty response body", async () => {
  const temp = tempDataDir('gatehouse-traffic-ws-');
  const sandbox = cliSandbox(temp.dir);
  fs.mkdirSync(path.dirname(sandbox.configFile), { recursive: true });
  fs.writeFileSync(sandbox.configFile, JSON.stringify({ routes: [] }));
  const proc = new GatehouseProcess(sandbox, ['--headless', '--http-port', '0']);
  try {
    await proc.waitFor('stdout', /Press Ctrl\+C to stop/);
    // A WebSocket as Chromium's DevTools exports it: 101, no body, its messages beside it.
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [
          {
            startedDateTime: '2026-11-24T10:00:00.000Z',
            time: 5,
            _resourceType: 'websocket',
            request: { method: 'GET', url: 'http://app.test/socket', httpVersion: 'HTTP/1.1', headers: [{ name: 'Upgrade', value: 'websocket' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
            response: { status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', headers: [{ name: 'Upgrade', value: 'websocket' }], cookies: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: 0 },
            cache: {},
            timings: { send: 0, wait: 5, receive: 0 },
            _webSocketMessages: [
              { type: 'send', time: 1764000000.1, opcode: 1, data: 'hello' },
              { type: 'receive', time: 1764000000.2, opcode: 1, data: 'hello back' },
            ],
          },
        ],
      },
    };
    const file = path.join(temp.dir, 'ws.har');
    fs.writeFileSync(file, JSON.stringify(har));
    const imp = await runGatehouse(sandbox, ['har', 'import', file]);
    assert.equal(imp.code, 0, imp.stderr);
    const ls = await runGatehouse(sandbox, ['traffic', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    // 5 + 10 bytes of payload; the response body of a 101 is empty.
    assert.match(ls.stdout, /GET\s+101\s+\d+ ms\s+15 B\s+http:\/\/app\.test\/socket {2}\(ws 2 msg, imported\)/);
  } finally {
    await proc.kill();
    temp.cleanup();
  }
});
