import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { cliSandbox, GatehouseProcess, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * One data directory, one Gatehouse: a second `gatehouse start` on it refuses
 * (and leaves the first one reachable); a stale instance.json is taken over.
 */
function sandboxWithConfig(dir: string) {
  const s = cliSandbox(dir);
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, '{ "routes": [] }\n');
  return s;
}

test('a second start on the same data directory refuses, naming the running one; the first stays reachable', async () => {
  const temp = tempDataDir('gatehouse-second-start-');
  const s = sandboxWithConfig(temp.dir);
  const a = new GatehouseProcess(s, ['--http-port', '0']);
  try {
    await a.waitFor('stdout', /Press Ctrl\+C to stop/);
    const instanceFile = path.join(s.dataDir, 'instance.json');
    const recordA = JSON.parse(fs.readFileSync(instanceFile, 'utf8'));
    assert.equal(recordA.pid, a.pid);

    const b = await runGatehouse(s, ['start', '--http-port', '0']);
    assert.equal(b.code, 1, b.stdout);
    assert.equal(
      b.stderr.trim(),
      `gatehouse: Gatehouse is already running with the data directory ${s.dataDir} (pid ${a.pid}: HTTP on port ${recordA.httpPort}, ` +
        `HTTPS on port ${recordA.httpsPort}, dashboard ${recordA.controlUrl}; recorded in ${instanceFile}). ` +
        `Stop it first (Ctrl+C in its terminal, or \`kill ${a.pid}\`), or start this one with another --data-dir`,
    );
    assert.doesNotMatch(b.stderr, new RegExp(recordA.token), 'the token is not printed');
    assert.deepEqual(JSON.parse(fs.readFileSync(instanceFile, 'utf8')), recordA, 'instance.json still names the first');

    const traffic = await runGatehouse(s, ['traffic', 'ls']);
    assert.equal(traffic.code, 0, traffic.stderr);
    const add = await runGatehouse(s, ['route', 'add', 'x.test', '3001']);
    assert.match(add.stdout, new RegExp(`the running Gatehouse \\(pid ${a.pid}\\) applies this`));
  } finally {
    await a.kill();
    temp.cleanup();
  }
});

test('a stale instance.json is taken over: a dead pid, or a live pid whose control API is not there', async () => {
  const temp = tempDataDir('gatehouse-stale-start-');
  const s = sandboxWithConfig(temp.dir);
  const instanceFile = path.join(s.dataDir, 'instance.json');
  // A port nothing listens on: bound, then closed.
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = [
    { pid: deadPid, controlUrl: `http://127.0.0.1:${closedPort}`, token: 'x' },
    // This test's own pid is alive but is no Gatehouse: nothing answers at its control URL.
    { pid: process.pid, controlUrl: `http://127.0.0.1:${closedPort}`, token: 'x' },
  ];
  try {
    for (const record of stale) {
      fs.mkdirSync(s.dataDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(instanceFile, JSON.stringify({ version: '0.0.0', mode: 'headless', startedAt: 1, ...record }));
      const proc = new GatehouseProcess(s, ['--http-port', '0']);
      try {
        await proc.waitFor('stdout', /Press Ctrl\+C to stop/);
        assert.equal(JSON.parse(fs.readFileSync(instanceFile, 'utf8')).pid, proc.pid, `took over ${JSON.stringify(record)}`);
      } finally {
        proc.signal('SIGTERM');
        await proc.exited;
      }
      assert.equal(fs.existsSync(instanceFile), false, 'removed again on exit');
    }
  } finally {
    temp.cleanup();
  }
});

test('two starts at the same moment on one data directory: one runs, the other refuses naming it', async () => {
  // instance.json is written when start-up has finished; both starts used to find none and both ran.
  const temp = tempDataDir('gatehouse-race-start-');
  const s = sandboxWithConfig(temp.dir);
  const both = [new GatehouseProcess(s, ['--http-port', '0']), new GatehouseProcess(s, ['--http-port', '0'])];
  try {
    const outcomes = await Promise.all(
      both.map((proc) => proc.waitFor('stdout', /Press Ctrl\+C to stop/, 30_000).then(() => 'running' as const, () => 'refused' as const)),
    );
    assert.deepEqual([...outcomes].sort(), ['refused', 'running'], 'exactly one of the two runs');
    const winner = both[outcomes.indexOf('running')]!;
    const loser = both[outcomes.indexOf('refused')]!;
    assert.equal((await loser.exited).code, 1);
    assert.match(
      loser.stderr,
      new RegExp(
        `^gatehouse: (Gatehouse is already running with the data directory \\S+ \\(pid ${winner.pid}:|Another Gatehouse \\(pid ${winner.pid}\\) is starting with the data directory )`,
      ),
    );
    const record = JSON.parse(fs.readFileSync(path.join(s.dataDir, 'instance.json'), 'utf8'));
    assert.equal(record.pid, winner.pid, 'instance.json names the one that runs');
  } finally {
    await Promise.all(both.map((proc) => proc.kill()));
    temp.cleanup();
  }
});

test('a Gatehouse killed outright (SIGKILL) does not hold its data directory: the next start runs', async () => {
  const temp = tempDataDir('gatehouse-killed-start-');
  const s = sandboxWithConfig(temp.dir);
  const a = new GatehouseProcess(s, ['--http-port', '0']);
  try {
    await a.waitFor('stdout', /Press Ctrl\+C to stop/);
    await a.kill();
    const b = new GatehouseProcess(s, ['--http-port', '0']);
    try {
      await b.waitFor('stdout', /Press Ctrl\+C to stop/);
      assert.equal(JSON.parse(fs.readFileSync(path.join(s.dataDir, 'instance.json'), 'utf8')).pid, b.pid);
    } finally {
      await b.kill();
    }
  } finally {
    temp.cleanup();
  }
});
