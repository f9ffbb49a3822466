/**
 * Electron smoke test: launches the real app with Playwright's _electron where
 * an Electron binary is installed (and a display to draw on); reported as
 * SKIPPED with the reason elsewhere. Never require('electron') here: with the
 * binary missing it tries to download it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { _electron } from 'playwright-core';
import { ensureRendererBuilt } from '../support/renderer-build';
import { tempDataDir } from '../support/temp-data-dir';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findElectronBinary } = require('../../main/cli/electron-binary.js') as {
  findElectronBinary(): { path: string } | { missing: string };
};

function skipReason(): string | null {
  const found = findElectronBinary();
  if (!('path' in found)) return `Electron binary not available: ${found.missing}`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (set DISPLAY, e.g. run under xvfb-run)';
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'shell', 'electron-main.js'))) return 'the shell is not built (npm run build)';
  return null;
}

test('the packaged shell starts, exposes only window.gatehouse, serves the API over IPC and quits cleanly', async (t) => {
  const reason = skipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  const bin = (findElectronBinary() as { path: string }).path;
  ensureRendererBuilt();
  const tmp = tempDataDir('gatehouse-electron-');
  const config = path.join(tmp.dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ routes: [{ host: 'smoke.test', target: 'http://127.0.0.1:9' }] }));
  const app = await _electron.launch({
    executablePath: bin,
    args: [ROOT, '--config', config, '--data-dir', path.join(tmp.dir, 'data'), '--http-port', '0'],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    timeout: 60_000,
  });
  try {
    const win = await app.firstWindow();
    await win.waitForSelector('tr[data-route="smoke.test"]', { timeout: 30_000 });
    const surface = await win.evaluate(`({
      bridge: Object.keys(window.gatehouse ?? {}).sort().join(','),
      require: typeof require,
      process: typeof process,
    })`);
    assert.deepEqual(surface, { bridge: 'call,subscribe', require: 'undefined', process: 'undefined' });
    const routes = (await win.evaluate(`window.gatehouse.call('routes.list', {})`)) as { ok: boolean; result: Array<{ id: string }> };
    assert.equal(routes.ok, true);
    assert.deepEqual(routes.result.map((r) => r.id), ['smoke.test']);
    // window.open never creates a window.
    await win.evaluate(`window.open('file:///etc/passwd')`);
    assert.equal((await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)), 1);
  } finally {
    await app.close();
    tmp.cleanup();
  }
});
