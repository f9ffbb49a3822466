import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { jsonSyntaxError } from '../../shared/json-syntax-error';
import { seededRandom } from '../support/seeded-random';

/** A small HAR-like document: nesting, escapes, numbers of every form, the three literals. */
const SAMPLE = {
  log: {
    version: '1.2',
    creator: { name: 'Chromium', version: '131' },
    entries: [
      {
        startedDateTime: '2026-11-24T10:00:00.000Z',
        time: -1.5e-3,
        request: { method: 'GET', url: 'http://app.test/a?b="c"', headers: [{ name: 'x', value: 'tab\there, é, \u2028' }], bodySize: 0 },
        response: { status: 200, content: { size: 12, text: '{"ok":42}\n', encoding: null }, redirectURL: '' },
        cache: {},
        _flags: [true, false, null, 0, 10, 1e21],
      },
    ],
  },
};

const VALUE = 'a value (an object, array, string, number, true, false or null)';

test('the first place text stops being JSON, and what was expected there', () => {
  const cases: Array<[text: string, offset: number, expected: string]> = [
    ['this is not json', 0, VALUE],
    ['{\n  "log": x\n}', 11, VALUE],
    ['{"log": {"entries": [}}', 21, `${VALUE} or "]"`],
    ['{"a":1} trailing', 8, 'the end of the file (the JSON value is complete)'],
    ["{'a':1}", 1, 'a property name in double quotes or "}"'],
    ['{"a":1,}', 7, 'a property name in double quotes'],
    ['{"a" 1}', 5, '":" after the property name'],
    ['[1 2]', 3, '"," or "]"'],
    ['{"a":1 "b":2}', 7, '"," or "}"'],
    ['[01]', 2, '"," or "]"'],
    ['-', 1, 'a digit'],
    ['{"a":"b\\x"}', 8, 'the rest of a string: an escape such as \\n or \\u00e9, or the closing "'],
    ['{"a":"b\n"}', 7, 'the rest of a string: an escape such as \\n or \\u00e9, or the closing "'],
    // The text ends too soon: the offset is its length.
    ['[1,2,', 5, VALUE],
    ['"abc', 4, 'the rest of a string: an escape such as \\n or \\u00e9, or the closing "'],
    ['  ', 2, VALUE],
  ];
  for (const [text, offset, expected] of cases) {
    assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse refuses ${JSON.stringify(text)} too`);
    assert.deepEqual(jsonSyntaxError(text), { offset, expected }, JSON.stringify(text));
  }
  for (const ok of ['{}', '[]', ' true ', 'null', '-0.5e+3', '[-0.5e+3, 1E2, "é\\u00e9\\n\\/"]', '{"a":[{"b":null}],"c":{}}', JSON.stringify(SAMPLE, null, 2)]) {
    assert.equal(jsonSyntaxError(ok), undefined, ok.slice(0, 40));
  }
  assert.equal(jsonSyntaxError('\ufeff{}', 1), undefined, 'from an offset (after a byte-order mark)');
  assert.equal(jsonSyntaxError('x'.repeat(5) + '[1,]', 5)?.offset, 8);
});

test('agrees with JSON.parse on mutated HAR text: an error exactly when JSON.parse throws, and one that nesting cannot overflow', () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261124);
  const random = seededRandom(seed);
  const base = JSON.stringify(SAMPLE);
  const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', '\n', ' ', '0', '-', '.', 'e', 't', 'x', '\u0001', 'é'];
  for (let round = 0; round < 3000; round++) {
    let text = base;
    for (let k = 1 + random.int(3); k > 0; k--) {
      const at = random.int(text.length + 1);
      const op = random.int(3);
      const piece = random.pick(pieces);
      text = op === 0 ? text.slice(0, at) + piece + text.slice(at) : op === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + piece + text.slice(at + 1);
    }
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    const found = jsonSyntaxError(text);
    assert.equal(found === undefined, parses, `seed ${seed}, round ${round}: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const deep = '['.repeat(200_000) + ']'.repeat(199_999);
  assert.deepEqual(jsonSyntaxError(deep), { offset: deep.length, expected: '"," or "]"' });
});
