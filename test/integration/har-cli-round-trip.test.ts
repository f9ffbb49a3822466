import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, GatehouseProcess, runGatehouse } from '../support/gatehouse-cli';
import { rawExchange } from '../support/raw-http';
import { tempDataDir } from '../support/temp-data-dir';
import { validateHar12 } from '../support/har-spec';
import type { ExchangeSummary } from '../../shared/exchange-types';
import type { Har } from '../../shared/har-types';

test('requests with no Host or a Host no URL can hold export to URLs that import back as they were', async () => {
  const temp = tempDataDir('gatehouse-har-round-trip-');
  const sandbox = cliSandbox(temp.dir);
  let proc: GatehouseProcess | undefined;
  try {
    fs.mkdirSync(path.dirname(sandbox.configFile), { recursive: true });
    fs.writeFileSync(sandbox.configFile, JSON.stringify({ routes: [] }));
    proc = new GatehouseProcess(sandbox, ['--headless', '--http-port', '0']);
    const port = Number((await proc.waitFor('stdout', /HTTP listening on 127\.0\.0\.1:(\d+)/))[1]);
    await proc.waitFor('stdout', /Press Ctrl\+C to stop/);

    // No route matches, so the proxy answers 404 itself; each one is recorded all the same.
    const sent = [
      ['GET /old HTTP/1.0\r\n\r\n', ''],
      ['GET /port?x=1 HTTP/1.1\r\nHost: plain.test:99999\r\nConnection: close\r\n\r\n', 'plain.test:99999'],
      ['GET /space HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n', 'a b'],
      ['GET /fine HTTP/1.1\r\nHost: fine.test:8080\r\nConnection: close\r\n\r\n', 'fine.test:8080'],
    ] as const;
    for (const [head] of sent) assert.equal((await rawExchange(port, head)).status, 404, head);
    const recorded = JSON.parse((await runGatehouse(sandbox, ['traffic', 'ls', '--json'])).stdout) as ExchangeSummary[];
    assert.deepEqual(recorded.map((x) => [x.url, x.host]), sent.map(([head, host]) => [head.split(' ')[1], host]));

    const out = path.join(temp.dir, 'traffic.har');
    const exp = await runGatehouse(sandbox, ['har', 'export', '-o', out]);
    assert.equal(exp.code, 0, exp.stderr);
    const har = JSON.parse(fs.readFileSync(out, 'utf8')) as Har;
    assert.deepEqual(validateHar12(har), []);
    // Every URL parses; the ones that cannot carry the Host get a placeholder and the Host goes to _gatehouse.host.
    assert.deepEqual(
      har.log.entries.map((e) => [new URL(e.request.url).href, e._gatehouse?.host]),
      [
        ['http://no-host.invalid/old', ''],
        ['http://unparsable-host.invalid/port?x=1', 'plain.test:99999'],
        ['http://unparsable-host.invalid/space', 'a b'],
        ['http://fine.test:8080/fine', undefined],
      ],
    );
    assert.match(har.log.entries[0]!.request.comment ?? '', /no Host header/);

    // Saved with a byte-order mark, as Windows tools do: it imports all the same.
    fs.writeFileSync(out, `\ufeff${fs.readFileSync(out, 'utf8')}`);
    const imp = await runGatehouse(sandbox, ['har', 'import', out]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(imp.stdout.trim(), `imported 4 exchange(s) from ${out}`);
    const all = JSON.parse((await runGatehouse(sandbox, ['traffic', 'ls', '--json'])).stdout) as ExchangeSummary[];
    const imported = all.filter((x) => x.source === 'import');
    assert.deepEqual(imported.map((x) => [x.url, x.host, x.status]), recorded.map((x) => [x.url, x.host, x.status]));

    // A foreign HAR with an http: URL that has no host is skipped, and the reason says so.
    const foreign = path.join(temp.dir, 'foreign.har');
    const entry = har.log.entries[0]!;
    delete entry._gatehouse;
    fs.writeFileSync(foreign, JSON.stringify({ log: { ...har.log, entries: [{ ...entry, request: { ...entry.request, url: 'http:///old' } }] } }));
    const skip = await runGatehouse(sandbox, ['har', 'import', foreign]);
    assert.equal(skip.code, 0, skip.stderr);
    assert.match(skip.stdout, /^skipped 1 entry: the URL "http:\/\/\/old" has no host$/m);

    // The CLI sends the parsed document; one nested deeper than JSON.stringify can go (an unknown
    // field 20,000 arrays deep) goes as text instead, rather than crashing the CLI.
    const deep = path.join(temp.dir, 'deep.har');
    const nested = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    fs.writeFileSync(deep, JSON.stringify({ log: { ...har.log, entries: [har.log.entries[3]] } }).replace('"cache":{}', `"cache":{},"_deep":${nested}`));
    assert.ok(fs.readFileSync(deep, 'utf8').includes('"_deep":[[[['), 'the nested field is in the file');
    const deepImport = await runGatehouse(sandbox, ['har', 'import', deep]);
    assert.equal(deepImport.code, 0, deepImport.stderr);
    assert.equal(deepImport.stdout.trim(), `imported 1 exchange(s) from ${deep}`);
  } finally {
    await proc?.kill();
    temp.cleanup();
  }
});
