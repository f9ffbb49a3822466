import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { headersOnWire, type AnyResponse } from '../../main/engine/client-response';
import { parseHeadBlock } from '../../shared/raw-headers';

/** Just what headersOnWire reads of an HTTP/2 response: its stream's sentHeaders. */
const h2 = (sentHeaders: Record<string, unknown> | undefined) => ({ stream: { sentHeaders } }) as unknown as AnyResponse;

test('headersOnWire (HTTP/2): the sent headers as one head block, pseudo-headers left out, repeats in order', () => {
  const wire = headersOnWire(
    h2({ ':status': 200, 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'content-length': 11, date: 'Wed, 25 Nov 2026 00:00:00 GMT', 'x-gone': undefined }),
    [['ignored', 'because sentHeaders exists']],
  );
  assert.equal(typeof wire, 'string');
  assert.deepEqual(parseHeadBlock(wire as string), [
    ['content-type', 'text/plain'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['content-length', '11'],
    ['date', 'Wed, 25 Nov 2026 00:00:00 GMT'],
  ]);
});

test('headersOnWire (HTTP/2): a value a head block cannot carry exactly gives pairs instead', () => {
  for (const odd of [' leading space', 'trailing tab\t', 'line\r\nbreak']) {
    const wire = headersOnWire(h2({ ':status': 200, 'x-a': 'plain', 'x-odd': odd }), []);
    assert.deepEqual(wire, [
      ['x-a', 'plain'],
      ['x-odd', odd],
    ]);
  }
  // An empty value fits.
  assert.deepEqual(parseHeadBlock(headersOnWire(h2({ ':status': 204, 'x-empty': '' }), []) as string), [['x-empty', '']]);
});

test('headersOnWire (HTTP/2): no sentHeaders yet falls back to what the engine passed', () => {
  const passed: [string, string][] = [['content-type', 'text/html']];
  assert.equal(headersOnWire(h2(undefined), passed), passed);
  assert.equal(headersOnWire(h2({ ':status': 200 }), passed), '');
});
