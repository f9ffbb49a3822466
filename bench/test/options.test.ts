import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseOptions } from '../options';

test('--rounds and --exchanges take whole numbers and say so when given anything else', () => {
  assert.equal(parseOptions(['--rounds', '5'], 'out').rounds, 5);
  assert.equal(parseOptions(['--exchanges', '20000'], 'out').recordedExchanges, 20_000);
  assert.equal(parseOptions([], 'out').rounds, 3);
  for (const bad of ['abc', '0', '2.5', '-3', '']) assert.throws(() => parseOptions(['--rounds', bad], 'out'), /--rounds takes a whole number of at least 1, not "/);
  assert.throws(() => parseOptions(['--exchanges', '10'], 'out'), /--exchanges takes a whole number of at least 1000, not "10"/);
  assert.throws(() => parseOptions(['--rounds'], 'out'), /--rounds needs a value/);
});

test('the warm-up is counted in requests: 30000 by default, 5000 with --quick, --warmup N otherwise', () => {
  assert.equal(parseOptions([], 'out').warmupRequests, 30_000);
  assert.equal(parseOptions(['--quick'], 'out').warmupRequests, 5_000);
  assert.equal(parseOptions(['--warmup', '12000'], 'out').warmupRequests, 12_000);
  assert.throws(() => parseOptions(['--warmup', '10'], 'out'), /--warmup takes a whole number of at least 1000, not "10"/);
});
