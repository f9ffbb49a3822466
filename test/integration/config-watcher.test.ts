import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../main/config/atomic-file';
import { watchConfig, type ConfigWatchEvent } from '../../main/config/config-watcher';
import { tempDataDir } from '../support/temp-data-dir';

const route = (port: number) => ({ host: 'app.test', target: `http://127.0.0.1:${port}` });
const configText = (port: number) => `${JSON.stringify({ routes: [route(port)] }, null, 2)}\n`;

/** Collects watcher events; next() waits (bounded) for the next one. */
function eventQueue() {
  const events: ConfigWatchEvent[] = [];
  const waiters: Array<() => void> = [];
  return {
    events,
    onEvent(e: ConfigWatchEvent) {
      events.push(e);
      waiters.splice(0).forEach((w) => w());
    },
    async next(index: number, timeoutMs = 3000): Promise<ConfigWatchEvent> {
      const deadline = Date.now() + timeoutMs;
      while (events.length <= index) {
        const left = deadline - Date.now();
        if (left <= 0) assert.fail(`no watcher event #${index} within ${timeoutMs} ms (got ${JSON.stringify(events)})`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return events[index]!;
    },
    /** Waits a settled period and asserts nothing more arrived. */
    async quiet(count: number, ms = 400) {
      await new Promise((r) => setTimeout(r, ms));
      assert.equal(events.length, count, `unexpected events: ${JSON.stringify(events.slice(count))}`);
    },
  };
}

test('the watcher reports valid edits, invalid ones with location, replaces, deletes and re-creates; ignores no-ops', async () => {
  const { dir, cleanup } = tempDataDir('gatehouse-watch-');
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, configText(3000));
  const q = eventQueue();
  const watcher = await watchConfig(file, { initialText: fs.readFileSync(file, 'utf8'), onEvent: (e) => q.onEvent(e) });
  try {
    await q.quiet(0, 250); // the initial content is not reported again

    // In-place edit.
    fs.writeFileSync(file, configText(3001));
    let e = await q.next(0);
    assert.equal(e.type, 'changed');
    assert.deepEqual(e.type === 'changed' && e.config.routes, [route(3001)]);

    // Same bytes again, and a formatting-only change: nothing to report.
    fs.writeFileSync(file, configText(3001));
    fs.writeFileSync(file, JSON.stringify({ routes: [route(3001)] }));
    await q.quiet(1);

    // Invalid edit: located issue; then a save by rename (editor-style atomic replace) that fixes it.
    fs.writeFileSync(file, '{\n  "routes": [\n    {"host": "app.test", "target": "http://127.0.0.1:3001", "balance": "fastest"}\n  ]\n}\n');
    e = await q.next(1);
    assert.equal(e.type, 'invalid');
    if (e.type === 'invalid') {
      assert.equal(e.issues[0]!.file, file);
      assert.equal(e.issues[0]!.line, 3);
      assert.equal(e.issues[0]!.field, '/routes/0/balance');
      assert.match(e.issues[0]!.reason, /unknown balance policy "fastest"/);
    }
    await writeFileAtomic(file, configText(3002));
    e = await q.next(2);
    assert.deepEqual(e.type === 'changed' && e.config.routes, [route(3002)]);

    // Deleted, then created again.
    fs.unlinkSync(file);
    e = await q.next(3);
    assert.equal(e.type, 'missing');
    fs.writeFileSync(file, configText(3003));
    e = await q.next(4);
    assert.deepEqual(e.type === 'changed' && e.config.routes, [route(3003)]);

    // Other files in the directory are not our business.
    fs.writeFileSync(path.join(dir, 'other.json'), '{');
    await q.quiet(5);
  } finally {
    await watcher.close();
    cleanup();
  }
});

test('an invalid file that is fixed back to the last good content is reported as valid again', async () => {
  const { dir, cleanup } = tempDataDir('gatehouse-watch-');
  const file = path.join(dir, 'config.json');
  const good = configText(3000);
  fs.writeFileSync(file, good);
  const q = eventQueue();
  const watcher = await watchConfig(file, { initialText: good, onEvent: (e) => q.onEvent(e) });
  try {
    fs.writeFileSync(file, '{"routes": [');
    assert.equal((await q.next(0)).type, 'invalid');
    fs.writeFileSync(file, good);
    const e = await q.next(1);
    assert.deepEqual(e.type === 'changed' && e.config.routes, [route(3000)]);
  } finally {
    await watcher.close();
    cleanup();
  }
});
