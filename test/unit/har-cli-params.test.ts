import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { harImportParams } from '../../main/cli/commands/har';
import { CliFailure } from '../../main/cli/cli-context';

/** A HAR whose response bodies are JSON: a quote every few characters, as API traffic is. */
function jsonHeavyHar(entries: number): string {
  const body = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] })));
  const entry = {
    startedDateTime: '2026-11-24T10:00:00.000Z',
    time: 1,
    request: { method: 'GET', url: 'http://api.test/items', httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: body.length, mimeType: 'application/json', text: body }, redirectURL: '', headersSize: -1, bodySize: body.length },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  };
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries: Array.from({ length: entries }, () => entry) } }, null, 2);
}

test('har import sends the parsed document, so a JSON-heavy file is not escaped a second time on the way', () => {
  const text = jsonHeavyHar(20);
  const asText = JSON.stringify({ har: text }).length;
  const sent = JSON.stringify(harImportParams(text, 'api.har')).length;
  // As text, every \" of the bodies would become \\\" inside the request: most of the file again.
  assert.ok(asText > text.length * 1.3, `the text form grows (${asText} vs ${text.length})`);
  assert.ok(sent <= text.length, `the document form is no larger than the file (${sent} vs ${text.length})`);
  assert.deepEqual(harImportParams(text, 'api.har').har, JSON.parse(text));
});

test('a file that is not JSON is refused before anything is sent, naming the file and where it breaks', () => {
  const text = jsonHeavyHar(2);
  assert.throws(
    () => harImportParams(text.slice(0, 700), '/tmp/cut.har'),
    (err: unknown) => err instanceof CliFailure && /^cannot import \/tmp\/cut\.har: the HAR file is cut off: .*line \d+, column \d+/.test(err.message),
  );
  assert.throws(
    () => harImportParams('<!doctype html>\n<title>Sign in</title>', 'login.har'),
    (err: unknown) => err instanceof CliFailure && /^cannot import login\.har: the file is not valid JSON, so it is not a HAR file: expected a value .*, found "<" at line 1, column 1 \(character 1 of 38\)$/.test(err.message),
  );
});
