import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, GATEHOUSE_JS, GatehouseProcess, runGatehouse } from '../support/gatehouse-cli';
import { runCommand } from '../support/run-command';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * A file Gatehouse cannot read or write is reported in the user's terms: the
 * path they gave, what is wrong with it and what to do — never a raw errno
 * text naming the temporary file Gatehouse writes beside it.
 */
test('har export -o into a missing folder or onto a folder; --config naming a folder', async () => {
  const temp = tempDataDir('gatehouse-file-errors-');
  const s = cliSandbox(temp.dir);
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, '{ "routes": [] }\n');
  const proc = new GatehouseProcess(s, ['--http-port', '0']);
  try {
    await proc.waitFor('stdout', /Press Ctrl\+C to stop/);
    const missing = path.join(temp.dir, 'nodir', 'x.har');
    let r = await runGatehouse(s, ['har', 'export', '-o', missing]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `gatehouse: cannot write ${missing}: the folder ${path.dirname(missing)} does not exist; create it or choose another path\n`);

    const folder = path.join(temp.dir, 'out');
    fs.mkdirSync(folder);
    r = await runGatehouse(s, ['har', 'export', '-o', folder]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `gatehouse: cannot write ${folder}: ${folder} is a folder; give the path of a file\n`);
    assert.deepEqual(fs.readdirSync(folder), [], 'no temporary file left behind');
    assert.deepEqual(fs.readdirSync(temp.dir).filter((n) => n.endsWith('.tmp')), []);

    r = await runGatehouse(s, ['route', 'ls', '--config', folder]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `gatehouse: cannot read the config file ${folder}: ${folder} is a folder; give the path of a file\n`);
  } finally {
    await proc.kill();
    temp.cleanup();
  }
});

const isRoot = process.getuid?.() === 0;
const hasSetpriv = fs.existsSync('/usr/bin/setpriv');

test('a config in a folder the user cannot write: the folder, why, and the fix', { skip: !(isRoot && hasSetpriv) && 'needs root and setpriv to run as nobody' }, async () => {
  const temp = tempDataDir('gatehouse-readonly-config-');
  try {
    fs.chmodSync(temp.dir, 0o755);
    const dir = path.join(temp.dir, 'cfg');
    fs.mkdirSync(dir, { mode: 0o755 }); // root's: nobody may read but not write here
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, '{ "routes": [] }\n', { mode: 0o666 });
    const data = path.join(temp.dir, 'data');
    fs.mkdirSync(data, { mode: 0o777 });
    fs.chmodSync(data, 0o777);
    const r = await runCommand(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'env', 'HOME=/tmp', process.execPath, GATEHOUSE_JS, 'route', 'add', 'x.test', '3001', '--config', file, '--data-dir', data],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 1, r.stdout);
    assert.equal(
      r.stderr,
      `gatehouse: cannot write the config file ${file}: permission denied: Gatehouse cannot write in ${dir} (it writes a temporary file there and renames it over c.json); make the folder writable or choose another path\n`,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), '{ "routes": [] }\n');
  } finally {
    temp.cleanup();
  }
});

test('a config file made read-only is left as it is by route edits, which say how to allow them', async () => {
  // Checked by the file's mode, not by a failed write: as root (CI) the write would succeed,
  // and the atomic rename needs only the folder to be writable anyway.
  const temp = tempDataDir('gatehouse-read-only-config-');
  try {
    const s = cliSandbox(temp.dir);
    fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
    const text = '{ "routes": [ { "host": "c.test", "target": "http://127.0.0.1:3000" } ] }\n';
    fs.writeFileSync(s.configFile, text);
    fs.chmodSync(s.configFile, 0o444);
    for (const args of [['route', 'add', 'x.test', '3001'], ['route', 'disable', 'c.test'], ['route', 'rm', 'c.test']]) {
      const r = await runGatehouse(s, args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, new RegExp(`the config file ${s.configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is read-only \\(mode 0444\\), so Gatehouse leaves it as it is; make it writable \\(\`chmod u\\+w `));
    }
    assert.equal(fs.readFileSync(s.configFile, 'utf8'), text);
    assert.equal(fs.statSync(s.configFile).mode & 0o777, 0o444);
    // Made writable again, the same edit goes through.
    fs.chmodSync(s.configFile, 0o644);
    assert.equal((await runGatehouse(s, ['route', 'add', 'x.test', '3001'])).code, 0);
    assert.match(fs.readFileSync(s.configFile, 'utf8'), /x\.test/);
  } finally {
    temp.cleanup();
  }
});
