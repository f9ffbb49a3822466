import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../../main/cli/cli-command';
import type { CliContext } from '../../main/cli/cli-context';
import { runCli } from '../../main/cli/run-cli';
import { cliSandbox, GATEHOUSE_JS, runGatehouse } from '../support/gatehouse-cli';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * The CLI's help and usage errors, run in-process through runCli with a
 * sandboxed context (the spawned executable is covered in cli-route.test.ts).
 */
let temp: { dir: string; cleanup: () => void };
before(() => {
  temp = tempDataDir('gatehouse-cli-usage-');
});
after(() => temp.cleanup());

async function run(args: string[], commands?: readonly CliCommand[]) {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { GATEHOUSE_CONFIG: path.join(temp.dir, 'config.json'), GATEHOUSE_HOME: path.join(temp.dir, 'data') },
    cwd: temp.dir,
    platform: 'linux',
    homedir: path.join(temp.dir, 'home'),
    shutdownRequested: () => new Promise(() => {}),
  };
  const code = await runCli(args, ctx, commands);
  return { code, stdout, stderr };
}

test('--help on every command prints its usage to stdout and exits 0', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--help'], /Usage: gatehouse <command>[\s\S]*\n {2}start +run Gatehouse[\s\S]*\n {2}route +list, add/],
    [['-h'], /Usage: gatehouse <command>/],
    [['help'], /Usage: gatehouse <command>/],
    [['help', 'start'], /Usage: gatehouse start/],
    [['start', '--help'], /Usage: gatehouse start \[--headless\] \[--config FILE\] \[--data-dir DIR\] \[--http-port N\] \[--https-port N\]/],
    [['route', '--help'], /Usage: gatehouse route <command>[\s\S]*ls \[--json\][\s\S]*disable <host>\[\/path\]/],
    [['route', 'help'], /Usage: gatehouse route <command>/],
    [['route', 'ls', '--help'], /Usage: gatehouse route ls \[--json\]/],
    [['route', 'add', '--help'], /Usage: gatehouse route add <host>\[\/path\] <target…> \[--strip-path\] \[--balance POLICY\]/],
    [['route', 'rm', '--help'], /Usage: gatehouse route rm <host>\[\/path\]/],
    [['route', 'enable', '-h'], /Usage: gatehouse route enable <host>\[\/path\]/],
    [['route', 'disable', '--help'], /Usage: gatehouse route disable <host>\[\/path\]/],
  ];
  for (const [args, pattern] of cases) {
    const r = await run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, pattern, args.join(' '));
    assert.equal(r.stderr, '');
  }
  assert.match((await run(['--version'])).stdout, /^\d+\.\d+\.\d+\n$/);
  assert.equal(fs.existsSync(path.join(temp.dir, 'config.json')), false, 'help creates nothing');
});

test('usage errors: exit 2 and exactly one line naming the problem and where to get help', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['bogus'], /^gatehouse: unknown command "bogus"; commands: start, route(, [a-z]+)* \(see gatehouse --help\)$/],
    [['--bogus'], /^gatehouse: unknown option --bogus/],
    [['help', 'bogus'], /unknown command "bogus"/],
    // Said once: "(see gatehouse route --help)" is added by the dispatcher, not by the message.
    [['route'], /^gatehouse: missing a route command: ls, add, rm, enable, disable \(see gatehouse route --help\)$/],
    [['route', 'move'], /unknown route command "move"; use one of ls, add, rm, enable, disable/],
    [['route', 'ls', '--jsn'], /^gatehouse: unknown option --jsn for "gatehouse route ls" \(see gatehouse route ls --help\)$/],
    [['route', 'ls', 'extra'], /unexpected argument extra for "gatehouse route ls"/],
    [['route', 'add'], /missing <host>\[\/path\] and target/],
    [['route', 'add', 'x.test'], /missing a target for x.test, e.g. gatehouse route add x.test 3000/],
    [['route', 'add', 'x.test', 'ftp://x'], /"ftp:\/\/x" is not a target; use a port \(3000\), host:port/],
    [['route', 'add', 'x.test', '3000', '--balance', 'fastest'], /unknown balance policy "fastest"; use one of round-robin, least-connections, ip-hash, weighted \(see gatehouse route add --help\)/],
    [['route', 'add', 'x.test', '3000', '--balance'], /--balance needs a value/],
    [['route', 'add', 'x.test', '3000', '--strip-path=yes'], /--strip-path does not take a value/],
    [['route', 'rm'], /missing <host>\[\/path\], e.g. gatehouse route rm app.test/],
    [['route', 'enable', 'a.test', 'b.test'], /one route at a time/],
    [['start', '--http-port', '99999'], /--http-port needs a port number from 0 to 65535/],
    [['start', '--https-port', 'x'], /--https-port needs a port number/],
    [['start', '--config'], /--config needs a value/],
    [['start', 'now'], /unexpected argument now for "gatehouse start"/],
    [['start', '--headles'], /unknown option --headles for "gatehouse start"/],
  ];
  for (const [args, pattern] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: expected one line, got\n${r.stderr}`);
    assert.match(lines[0]!, pattern, args.join(' '));
    assert.equal(r.stdout, '');
  }
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage: gatehouse <command>/);
  assert.equal(fs.existsSync(path.join(temp.dir, 'config.json')), false, 'usage errors create nothing');
});

test('the registry: a command added to the list is dispatched, listed in --help, and its failures exit 1', async () => {
  const extra: CliCommand = {
    name: 'doctor',
    summary: 'check the setup',
    usage: 'Usage: gatehouse doctor',
    run: async (args) => {
      if (args[0] === 'fail') throw Object.assign(new Error('the CA is missing — run gatehouse ca'), { code: 'CA_MISSING' });
      if (args[0] === 'crash') throw new TypeError('boom');
      return 0;
    },
  };
  const r = await run(['--help'], [extra]);
  assert.match(r.stdout, /doctor {2}check the setup/);
  assert.equal((await run(['doctor'], [extra])).code, 0);
  const fail = await run(['doctor', 'fail'], [extra]);
  assert.equal(fail.code, 1);
  assert.equal(fail.stderr, 'gatehouse: the CA is missing — run gatehouse ca\n');
  const crash = await run(['doctor', 'crash'], [extra]);
  assert.equal(crash.code, 1);
  assert.match(crash.stderr, /^gatehouse: unexpected error: TypeError: boom/);
});

test('trust --json without --status is a usage error (exit 2) before anything is read or installed', async () => {
  // The data directory and the config sit below a regular file, so any command that got past its
  // argument checks would fail there (exit 1) long before it could reach a trust store.
  const blocker = path.join(temp.dir, 'not-a-dir');
  fs.writeFileSync(blocker, '');
  const sandbox = { ...cliSandbox(temp.dir), env: { ...cliSandbox(temp.dir).env, GATEHOUSE_HOME: path.join(blocker, 'data'), GATEHOUSE_CONFIG: path.join(blocker, 'config.json') } };
  const r = await runGatehouse(sandbox, ['trust', '--json']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stderr, 'gatehouse: --json only goes with --status: gatehouse trust --status --json (see gatehouse trust --help)\n');
  assert.equal(r.stdout, '');
});

test('a reader that closes the pipe early (gatehouse … | head -1) ends the output quietly, exit 0, no EPIPE stack', async () => {
  for (const args of [['--help'], ['route', '--help'], ['version']]) {
    const child = spawn(process.execPath, [GATEHOUSE_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first line is written
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', `${args.join(' ')}: ${stderr}`);
    assert.equal(code, 0, args.join(' '));
  }
});
