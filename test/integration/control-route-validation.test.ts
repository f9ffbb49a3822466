import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startTestInstance } from '../support/instance-harness';

/** routes.add through the control API validates as the config file does. */
test('routes.add refuses a target on port 0 or above 65535 (422) and writes nothing', async () => {
  const gh = await startTestInstance({ routes: [] });
  try {
    const before = fs.readFileSync(gh.configPath, 'utf8');
    for (const [url, port] of [['http://127.0.0.1:0', 0], ['http://127.0.0.1:99999', 99999]] as const) {
      const res = await gh.call('routes.add', { route: { host: 'x.test', target: url } });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'CONFIG_INVALID');
      assert.match(res.body.error.message, new RegExp(`port ${port} is out of range \\(1–65535\\)`));
    }
    assert.equal(fs.readFileSync(gh.configPath, 'utf8'), before);
  } finally {
    await gh.close();
  }
});

test('routes.add refusing a host HTTPS cannot serve sends the problem as data too (field, detail), for the dashboard to word', async () => {
  const gh = await startTestInstance({ routes: [], suffixes: ['internal'] });
  try {
    const res = await gh.call('routes.add', { route: { host: 'google.com', target: 'http://127.0.0.1:3000' } });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'CONFIG_INVALID');
    assert.match(res.body.error.message, /\/routes\/0\/host: "google\.com" cannot be served over HTTPS/, 'the message keeps the config file\'s wording');
    assert.equal(res.body.error.issues.length, 1);
    const [issue] = res.body.error.issues;
    assert.equal(issue.field, '/routes/0/host');
    assert.deepEqual(issue.detail, { code: 'https-host-not-permitted', host: 'google.com', suffixes: ['test', 'localhost', 'internal'], suggestedSuffix: 'google.com' });
  } finally {
    await gh.close();
  }
});

test('exchanges.list refuses a limit, order or cursor of the wrong kind (400) instead of answering an empty page', async () => {
  const gh = await startTestInstance({ routes: [] });
  try {
    for (const [params, pattern] of [
      [{ limit: 'x' }, /"limit" must be a whole number of exchanges from 1 .*not "x"/],
      [{ limit: 0 }, /"limit" must be a whole number/],
      [{ limit: 2.5 }, /"limit" must be a whole number/],
      [{ order: 'sideways' }, /"order" must be "oldest-first" or "newest-first", not "sideways"/],
      [{ cursor: 5 }, /"cursor" must be the nextCursor string/],
    ] as const) {
      const res = await gh.call('exchanges.list', params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.match(res.body.error.message, pattern);
    }
    const ok = await gh.call('exchanges.list', { limit: 5, order: 'newest-first' });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.result, { items: [], total: 0 });
  } finally {
    await gh.close();
  }
});
