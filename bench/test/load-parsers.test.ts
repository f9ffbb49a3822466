import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseWrkOutput } from '../load/wrk-output';
import { parseH2loadOutput } from '../load/h2load-output';

// Captured from wrk 4.1.0 (Debian) and h2load 1.52.0 on this project's bench machine.
const WRK = `Running 1s test @ https://localhost:18555/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    74.48us  104.80us   2.49ms   99.06%
    Req/Sec    13.73k     1.29k   15.03k    72.73%
  Latency Distribution
     50%   59.00us
     75%   77.00us
     90%   85.00us
     99%    1.73ms
  14978 requests in 1.10s, 2.13MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  13614.98
Transfer/sec:      1.93MB
`;

const H2LOAD = `finished in 1.01s, 2000.00 req/s, 132.94KB/s
requests: 2002 total, 2002 started, 2002 done, 2000 succeeded, 2 failed, 2 errored, 0 timeout
status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 132.94KB (136132) total, 93.75KB (96000) headers (space savings 51.02%), 3.91KB (4000) data
                     min         max         mean         sd        +/- sd
time for request:       84us       457us       155us        52us    79.90%
`;

test('wrk report: rate, transfer, latency percentiles in ms, errors', () => {
  const r = parseWrkOutput(WRK);
  assert.equal(r.requests, 14978);
  assert.equal(r.seconds, 1.1);
  assert.equal(r.requestsPerSec, 13614.98);
  assert.equal(r.transferPerSec, 1.93 * 1024 * 1024);
  assert.deepEqual(r.latencyMs, { p50: 0.059, p75: 0.077, p90: 0.085, p99: 1.73 });
  assert.deepEqual(r.socketErrors, { connect: 0, read: 3, write: 0, timeout: 1 });
  assert.equal(r.non2xx3xx, 7);
  assert.throws(() => parseWrkOutput('unable to connect to localhost:1 Connection refused'), /unrecognised wrk output/);
});

test('h2load report: rate, bytes, request outcomes, status classes, mean request time', () => {
  const r = parseH2loadOutput(H2LOAD);
  assert.equal(r.requestsPerSec, 2000);
  assert.equal(r.seconds, 1.01);
  assert.equal(r.bytesPerSec, 132.94 * 1024);
  assert.deepEqual(r.requests, { total: 2002, started: 2002, done: 2002, succeeded: 2000, failed: 2, errored: 2, timeout: 0 });
  assert.deepEqual(r.status, { '2xx': 2000, '3xx': 0, '4xx': 0, '5xx': 0 });
  assert.equal(r.meanRequestMs, 0.155);
  assert.throws(() => parseH2loadOutput('No protocol negotiated.'), /unrecognised h2load output/);
});
