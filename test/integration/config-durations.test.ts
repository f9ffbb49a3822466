import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSandbox, runGatehouse } from '../support/gatehouse-cli';
import { startTestInstance } from '../support/instance-harness';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * Durations beyond 2^31−1 ms overflow Node's timers (TimeoutOverflowWarning, then
 * a 1 ms timeout: every paused upload 408, every WebSocket 504). They are refused
 * where they come in: the config file at start, and settings.set through the API.
 */
test('gatehouse start refuses a config whose timeouts overflow a timer, naming file, line and field', async () => {
  const temp = tempDataDir('gatehouse-durations-');
  try {
    const s = cliSandbox(temp.dir);
    fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
    fs.writeFileSync(s.configFile, '{\n  "routes": [],\n  "timeouts": {"clientBody": "600h", "upstreamConnect": "600h"}\n}\n');
    const r = await runGatehouse(s, ['start', '--http-port', '0']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /config\.json:3:\d+ \/timeouts\/clientBody: "600h" is too long: a duration can be at most 2147483647 ms \(about 24\.8 days, "596h"\)/);
    assert.match(r.stderr, /\/timeouts\/upstreamConnect: "600h" is too long/);
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
  } finally {
    temp.cleanup();
  }
});

test('settings.set through the control API refuses an overflowing duration (422) and leaves the file as it was', async () => {
  const gh = await startTestInstance({ routes: [] });
  try {
    const before = fs.readFileSync(gh.configPath, 'utf8');
    const res = await gh.call('settings.set', { settings: { timeouts: { clientBody: '999h' } } });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'CONFIG_INVALID');
    assert.match(res.body.error.message, /\/timeouts\/clientBody: "999h" is too long/);
    assert.equal(fs.readFileSync(gh.configPath, 'utf8'), before);
    const ok = await gh.call('settings.set', { settings: { timeouts: { clientBody: '596h' } } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  } finally {
    await gh.close();
  }
});
