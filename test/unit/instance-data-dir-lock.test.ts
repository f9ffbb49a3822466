import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lockAddress, lockDataDir } from '../../main/instance/data-dir-lock';
import { tempDataDir } from '../support/temp-data-dir';

test('the lock name follows the data directory itself: one name through a symlink, another for another directory', (t) => {
  const temp = tempDataDir('gatehouse-lock-name-');
  t.after(() => temp.cleanup());
  const a = path.join(temp.dir, 'a');
  const b = path.join(temp.dir, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  fs.symlinkSync(a, path.join(temp.dir, 'link'));
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    assert.equal(lockAddress(path.join(temp.dir, 'link'), platform), lockAddress(a, platform), platform);
    assert.notEqual(lockAddress(a, platform), lockAddress(b, platform), platform);
  }
  assert.match(lockAddress(a, 'linux'), /^\0gatehouse-data-[0-9a-f]{32}$/);
  assert.match(lockAddress(a, 'win32'), /^\\\\\?\\pipe\\gatehouse-data-[0-9a-f]{32}$/);
  // macOS limits socket paths to about 104 bytes, so the name is short whatever the directory.
  assert.ok(Buffer.byteLength(path.basename(lockAddress(a, 'darwin'))) < 40);
});

for (const kind of ['abstract socket (Linux)', 'socket file (macOS and others)'] as const) {
  test(`${kind}: one holder at a time; the refused one learns its pid; released, it can be taken again`, async (t) => {
    const temp = tempDataDir('gatehouse-lock-');
    t.after(() => temp.cleanup());
    const address = kind.startsWith('abstract') ? lockAddress(temp.dir) : path.join(temp.dir, 'g.sock');
    const first = await lockDataDir(temp.dir, address);
    assert.ok('lock' in first);
    try {
      assert.deepEqual(await lockDataDir(temp.dir, address), { holder: { pid: process.pid } });
    } finally {
      await first.lock.release();
    }
    const again = await lockDataDir(temp.dir, address);
    assert.ok('lock' in again, 'released: free again');
    await again.lock.release();
  });
}

test('socket file: one left by a process that died is stale and is taken over', async (t) => {
  const temp = tempDataDir('gatehouse-lock-stale-');
  t.after(() => temp.cleanup());
  const address = path.join(temp.dir, 'g.sock');
  // Another process listens on the socket file, then dies without closing it: the file stays.
  const holder = spawn(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(address)}, () => console.log('ready'))`,
  ]);
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  assert.ok(fs.existsSync(address), 'the dead process left its socket file');
  const claim = await lockDataDir(temp.dir, address);
  assert.ok('lock' in claim, 'a socket file nobody accepts on does not hold the directory');
  await claim.lock.release();
});
