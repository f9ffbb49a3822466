import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startTestInstance, type TestInstance } from '../support/instance-harness';

/**
 * Hostile HAR files through the real control API (har.import): each gets a
 * coded 400 with a message, and nothing is half-imported (the recording's count
 * is unchanged). A valid file afterwards still imports.
 */
function entry(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    time: 1,
    request: { method: 'GET', url: `http://app.test/${i}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'app.test' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'text/plain' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
    ...over,
  };
}
const har = (entries: unknown[]) => ({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });

/** JSON text of an object nested `depth` levels (built as text: too deep for JSON.stringify). */
const nestedText = (depth: number) => '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth);
/** A HAR text whose entries are [valid entry, <raw JSON>]. */
const harTextWith = (raw: string) => JSON.stringify(har([entry(1), '@@']) ).replace('"@@"', raw);

describe('HAR import: hostile files', () => {
  let gh: TestInstance;
  const count = async () => (await gh.call('recording.get')).body.result.count as number;

  before(async () => {
    gh = await startTestInstance({ routes: [] });
  });
  after(() => gh.close());

  const valid = JSON.stringify(har([entry(1), entry(2), entry(3)]));
  const cases: Array<[string, unknown]> = [
    ['truncated text', valid.slice(0, Math.floor(valid.length * 0.7))],
    ['empty text', ''],
    ['binary junk', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 73) % 256)).toString('latin1')],
    ['not an object', '[1,2,3]'],
    ['log missing', {}],
    ['entries is a string', { log: { version: '1.2', entries: 'lots' } }],
    ['entries is an object', { log: { version: '1.2', entries: { 0: entry(0) } } }],
    ['valid entries then one with a numeric URL (nothing of the first two kept)', har([entry(1), entry(2), entry(3, { request: { ...(entry(3).request as object), url: 42 } })])],
    ['header value an object', har([entry(1), entry(2, { request: { ...(entry(2).request as object), headers: [{ name: 'x', value: { evil: true } }] } })])],
    ['status a string', har([entry(1, { response: { ...(entry(1).response as object), status: '200' } })])],
    ['headers not a list', har([entry(1, { request: { ...(entry(1).request as object), headers: 'Host: x' } })])],
    ['request null', har([entry(1, { request: null })])],
    ['deeply nested entry (10,000 levels), as text', harTextWith(nestedText(10_000))],
    ['deeply nested entry (100,000 levels), as text', harTextWith(nestedText(100_000))],
  ];

  for (const [name, doc] of cases) {
    test(name, async () => {
      const before = await count();
      const params = typeof doc === 'string' ? { har: doc } : { har: doc };
      const res = await gh.call('har.import', params);
      assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
      assert.equal(res.body.ok, false);
      assert.equal(typeof res.body.error.code, 'string');
      assert.ok(res.body.error.message.length > 10, res.body.error.message);
      assert.equal(await count(), before, 'nothing was imported');
    });
  }

  test('a very deep JSON body (the control server parses it) fails cleanly, the server keeps serving', async () => {
    const deep = '{"har":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    const res = await gh.call('har.import', deep);
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    const objectDeep = await gh.call('har.import', `{"har":${harTextWith(nestedText(100_000))}}`);
    assert.equal(objectDeep.status, 400, JSON.stringify(objectDeep.body).slice(0, 200));
    assert.equal((await gh.call('instance.info')).status, 200);
  });

  test('too many entries: refused before anything is built', async () => {
    await gh.call('settings.set', { settings: {} });
    const max = (await gh.call('recording.get')).body.result.maxExchanges as number;
    const big = har(Array.from({ length: max + 1 }, (_, i) => entry(i)));
    const before = await count();
    const res = await gh.call('har.import', { har: big });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /entries/);
    assert.equal(await count(), before);
  });

  test('a valid file still imports after all that', async () => {
    const before = await count();
    const res = await gh.call('har.import', { har: JSON.parse(valid) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.result.imported, 3);
    assert.equal(await count(), before + 3);
  });
});
