import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { functionDifferences, layerOf, summarizeProfile, type CpuProfile, type FunctionShare } from '../profile-model';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

test('layerOf: each part of the stack lands in its own layer', () => {
  assert.equal(layerOf(frame('(idle)', '')), 'idle');
  assert.equal(layerOf(frame('(garbage collector)', '')), 'V8: garbage collector');
  assert.equal(layerOf(frame('(program)', '')), 'V8: (program), native code outside JS');
  assert.equal(layerOf(frame('writev', '')), 'socket writes (native, the syscall included)');
  assert.equal(layerOf(frame('writeLatin1String', '')), 'socket writes (native, the syscall included)');
  assert.equal(layerOf(frame('utf8Write', '')), 'other native calls (string and buffer copies, parsers)');
  assert.equal(layerOf(frame('next', 'file:///w/dist/main/engine/forwarder.js')), 'Gatehouse: engine');
  assert.equal(layerOf(frame('freezeExchange', '/w/dist/main/recorder/frozen-exchange.js')), 'Gatehouse: recorder');
  assert.equal(layerOf(frame('parseHeadBlock', '/w/dist/shared/raw-headers.js')), 'Gatehouse: other');
  assert.equal(layerOf(frame('_resume', '/w/node_modules/undici/lib/dispatcher/client.js')), 'undici (upstream HTTP/1.1 client, JS)');
  assert.equal(layerOf(frame('wasm-function[20]', 'wasm://wasm/00034eea')), 'undici: llhttp (WebAssembly)');
  assert.equal(layerOf(frame('_storeHeader', 'node:_http_outgoing')), 'node:http (JS)');
  assert.equal(layerOf(frame('respond', 'node:internal/http2/core')), 'node:http2 (JS)');
  assert.equal(layerOf(frame('Readable.read', 'node:internal/streams/readable')), 'Node streams, sockets and TLS (JS)');
  assert.equal(layerOf(frame('writevGeneric', 'node:internal/stream_base_commons')), 'Node streams, sockets and TLS (JS)');
  assert.equal(layerOf(frame('Socket._writeGeneric', 'node:net')), 'Node streams, sockets and TLS (JS)');
  assert.equal(layerOf(frame('processTicksAndRejections', 'node:internal/process/task_queues')), 'Node event loop, ticks and events (JS)');
  assert.equal(layerOf(frame('emit', 'node:events')), 'Node event loop, ticks and events (JS)');
  assert.equal(layerOf(frame('wrapSafe', 'node:internal/modules/cjs/loader')), 'other');
  assert.equal(layerOf(frame('h2Stream', 'file:///w/bench/peers/node-floor-server.ts')), "a benchmark peer's own script (bench/peers)");
});

/** root → idle, gc, engine fn, undici fn, writev; samples every 100 µs from t = 1000. */
function profile(sampleNodes: number[]): CpuProfile {
  return {
    startTime: 1000,
    endTime: 1000 + 100 * (sampleNodes.length + 1),
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 5, 6] },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('(garbage collector)', '') },
      { id: 4, callFrame: frame('next', '/w/dist/main/engine/forwarder.js', 223) },
      { id: 5, callFrame: frame('_resume', '/w/node_modules/undici/lib/dispatcher/client.js', 588) },
      { id: 6, callFrame: frame('writev', '') },
    ],
    samples: sampleNodes,
    timeDeltas: sampleNodes.map(() => 100),
  };
}

test('summarizeProfile: self time per layer and function inside the window, per request', () => {
  // Sample times 1100, 1200, …, 1800. The window [1300, 1700) holds the samples at 1300–1600.
  const p = profile([4, 4, 4, 5, 6, 6, 2, 4]);
  const s = summarizeProfile(p, { startUs: 1300, endUs: 1700 }, 2);
  assert.equal(s.samples, 4);
  assert.equal(s.windowMs, 0.4);
  // Busy: one engine sample, one undici, two writev = 400 µs over 2 requests.
  assert.equal(s.busyUsPerRequest, 200);
  assert.deepEqual(
    s.layers.map((l) => [l.layer, l.usPerRequest, l.share]),
    [
      ['Gatehouse: engine', 50, 0.25],
      ['undici (upstream HTTP/1.1 client, JS)', 50, 0.25],
      ['socket writes (native, the syscall included)', 100, 0.5],
    ],
  );
  assert.equal(s.top[0]!.fn, 'writev');
  assert.equal(s.top[0]!.usPerRequest, 100);
  assert.deepEqual(
    s.top.map((f) => f.fn),
    ['writev', 'next forwarder.js:224', '_resume client.js:589'],
  );
  // Every function is kept for comparisons, not only the top ones.
  assert.deepEqual(
    summarizeProfile(p, { startUs: 1300, endUs: 1700 }, 2, 1).functions.map((f) => [f.fn, f.usPerRequest]),
    [['writev', 100], ['next forwarder.js:224', 50], ['_resume client.js:589', 50]],
  );
});

test('functionDifferences: a − b per function, largest by size first, a function missing on one side counting 0 there', () => {
  const f = (fn: string, usPerRequest: number): FunctionShare => ({ fn, layer: 'other', usPerRequest, share: 0 });
  const gatehouse = [f('writev', 40), f('next forwarder.js:224', 3), f('(garbage collector)', 9), f('emit', 2)];
  const floor = [f('writev', 38), f('(garbage collector)', 2.5), f('onHeaders node-floor-server.ts:5', 3.5), f('emit', 2)];
  assert.deepEqual(
    functionDifferences(gatehouse, floor, 10).map((d) => [d.fn, d.aUs, d.bUs, d.diffUs]),
    [
      ['(garbage collector)', 9, 2.5, 6.5],
      ['onHeaders node-floor-server.ts:5', 0, 3.5, -3.5],
      ['next forwarder.js:224', 3, 0, 3],
      ['writev', 40, 38, 2],
      ['emit', 2, 2, 0],
    ],
  );
  assert.equal(functionDifferences(gatehouse, floor, 2).length, 2);
});

test('summarizeProfile: idle time counts in the window but not as busy', () => {
  const s = summarizeProfile(profile([2, 2, 3, 2]), { startUs: 0, endUs: 10_000 }, 1);
  assert.equal(s.samples, 4);
  assert.equal(s.busyUsPerRequest, 100);
  assert.deepEqual(
    s.layers.map((l) => l.layer),
    ['V8: garbage collector'],
  );
});

test('summarizeProfile: a window the profile does not cover is an error, not zeros', () => {
  assert.throws(() => summarizeProfile(profile([4, 4]), { startUs: 50_000, endUs: 60_000 }, 10), /no samples between 50000 and 60000/);
  assert.throws(() => summarizeProfile(profile([4]), { startUs: 0, endUs: 10_000 }, 0), /requests must be positive/);
  const bad = profile([4, 9]);
  assert.throws(() => summarizeProfile(bad, { startUs: 0, endUs: 10_000 }, 1), /names node 9/);
});
