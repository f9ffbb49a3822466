import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planDnsSetup, planDnsTeardown, type DnsSetupPaths } from '../../main/dns/dns-setup';
import type { Command, CommandResult } from '../../main/trust/command-runner';
import { formatCommand, spawnCommand } from '../../main/trust/command-runner';
import { executePlan, manualLines } from '../../main/trust/privileged-plan';
import { realSystemContext, type SystemContext } from '../../main/trust/system-context';
import { tempDataDir } from '../support/temp-data-dir';

function tempPaths(dir: string): DnsSetupPaths {
  return {
    hosts: path.join(dir, 'hosts'),
    resolverDir: path.join(dir, 'resolver'),
    resolvedDropIn: path.join(dir, 'resolved.conf.d', 'gatehouse.conf'),
  };
}

const suffixes = ['test', 'localhost', 'internal'];

test('--hosts: setup writes the managed block for real, teardown restores the file byte for byte', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = tempPaths(dir);
  const original = '127.0.0.1\tlocalhost\n# keep me\n::1 localhost'; // no final newline on purpose
  fs.writeFileSync(paths.hosts, original);
  const ctx = realSystemContext({ interactive: false });

  const setup = await planDnsSetup(
    { suffixes, port: 15353, routeHosts: ['app.test', 'api.internal', '*.wild.test'], useHostsFile: true, paths },
    ctx,
  );
  assert.equal(setup.method, 'hosts-file');
  assert.match(setup.warnings.join('\n'), /wildcard routes cannot go in a hosts file: \*\.wild\.test/);
  assert.deepEqual(setup.changes, [`${paths.hosts}: managed block lists api.internal, app.test → 127.0.0.1 and ::1`]);
  const done = await executePlan(setup.plan, ctx);
  assert.equal(done.outcome, 'done', done.error);
  const written = fs.readFileSync(paths.hosts, 'utf8');
  assert.ok(written.startsWith(original));
  assert.match(written, /127\.0\.0\.1\tapp\.test\n::1\tapp\.test\n/);

  // Running setup again changes nothing.
  const again = await planDnsSetup({ suffixes, port: 15353, routeHosts: ['app.test', 'api.internal'], useHostsFile: true, paths }, ctx);
  assert.equal(again.plan.commands.length, 0);

  const teardown = await planDnsTeardown({ paths }, ctx);
  assert.deepEqual(teardown.changes, [`${paths.hosts}: removed the Gatehouse block`]);
  assert.equal((await executePlan(teardown.plan, ctx)).outcome, 'done');
  assert.equal(fs.readFileSync(paths.hosts, 'utf8'), original);
  assert.equal((await planDnsTeardown({ paths }, ctx)).plan.commands.length, 0);
});

function fakeLinux(resolvedActive: boolean, over: Partial<SystemContext> = {}): SystemContext & { ran: string[] } {
  const ran: string[] = [];
  return {
    ...realSystemContext({ interactive: false }),
    platform: 'linux',
    hasProgram: (p) => p === 'systemctl' || p === 'sudo',
    run: async (c: Command): Promise<CommandResult> => {
      ran.push(formatCommand(c));
      if (c.cmd === 'systemctl' && c.args[0] === 'is-active') {
        return { code: resolvedActive ? 0 : 3, stdout: resolvedActive ? 'active\n' : 'inactive\n', stderr: '' };
      }
      if (c.cmd === 'systemctl') return { code: 0, stdout: '', stderr: '' };
      return spawnCommand(c);
    },
    ran,
    ...over,
  };
}

test('systemd-resolved active: a drop-in routes ~test ~internal to the responder, then is removed', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = tempPaths(dir);
  fs.writeFileSync(paths.hosts, '127.0.0.1 localhost\n');
  const ctx = fakeLinux(true);
  const setup = await planDnsSetup({ suffixes, port: 15353, routeHosts: ['app.test'], paths }, ctx);
  assert.equal(setup.method, 'systemd-resolved');
  assert.equal((await executePlan(setup.plan, ctx)).outcome, 'done');
  assert.equal(
    fs.readFileSync(paths.resolvedDropIn, 'utf8').split('\n').slice(1).join('\n'),
    '[Resolve]\nDNS=127.0.0.1:15353\nDomains=~test ~internal\n',
  );
  assert.ok(ctx.ran.includes('systemctl restart systemd-resolved'));
  assert.equal(fs.readFileSync(paths.hosts, 'utf8'), '127.0.0.1 localhost\n', 'hosts untouched');

  const teardown = await planDnsTeardown({ paths }, ctx);
  assert.deepEqual(teardown.changes, [`removed ${paths.resolvedDropIn}`]);
  assert.equal((await executePlan(teardown.plan, ctx)).outcome, 'done');
  assert.ok(!fs.existsSync(paths.resolvedDropIn));
});

test('without systemd-resolved it falls back to the hosts file', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = tempPaths(dir);
  fs.writeFileSync(paths.hosts, '');
  const setup = await planDnsSetup({ suffixes, port: 15353, routeHosts: ['app.test'], paths }, fakeLinux(false));
  assert.equal(setup.method, 'hosts-file');
});

test('macOS: one /etc/resolver file per suffix (not localhost); foreign files are left alone', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = tempPaths(dir);
  fs.mkdirSync(paths.resolverDir);
  fs.writeFileSync(path.join(paths.resolverDir, 'internal'), 'nameserver 10.0.0.1\n');
  const ctx = { ...fakeLinux(false), platform: 'darwin' as const, hasProgram: () => false };
  const setup = await planDnsSetup({ suffixes, port: 15353, routeHosts: [], paths }, ctx);
  assert.equal(setup.method, 'macos-resolver');
  assert.deepEqual(setup.changes, [`${path.join(paths.resolverDir, 'test')}: .test → 127.0.0.1 port 15353`]);
  assert.match(setup.warnings.join('\n'), /internal exists and was not written by Gatehouse; left alone/);
  assert.equal((await executePlan(setup.plan, ctx)).outcome, 'done');
  assert.match(fs.readFileSync(path.join(paths.resolverDir, 'test'), 'utf8'), /nameserver 127\.0\.0\.1\nport 15353\n$/);
  const teardown = await planDnsTeardown({ paths }, ctx);
  assert.equal((await executePlan(teardown.plan, ctx)).outcome, 'done');
  assert.deepEqual(fs.readdirSync(paths.resolverDir), ['internal']);
});

test('not root and no way to elevate: the exact commands are printed, with the file content', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const hostsFile = path.join(dir, 'hosts');
  fs.writeFileSync(hostsFile, '127.0.0.1 localhost\n');
  const ctx = { ...fakeLinux(false), isRoot: false, canWrite: () => false };
  const plan = await planDnsSetup(
    { suffixes, port: 15353, routeHosts: ['app.test'], useHostsFile: true, paths: { ...tempPaths(dir), hosts: hostsFile } },
    ctx,
  );
  const outcome = await executePlan(plan.plan, ctx);
  assert.equal(outcome.outcome, 'manual');
  assert.equal(fs.readFileSync(hostsFile, 'utf8'), '127.0.0.1 localhost\n', 'nothing was run');
  const line = manualLines(plan.plan, ctx)[0]!;
  assert.equal(line.split('\n')[0], `sudo tee ${hostsFile} > /dev/null <<'GATEHOUSE_EOF'`);
  assert.match(line, /\n127\.0\.0\.1 localhost\n# BEGIN gatehouse[^\n]*\n127\.0\.0\.1\tapp\.test\n::1\tapp\.test\n# END gatehouse\nGATEHOUSE_EOF$/);
});
