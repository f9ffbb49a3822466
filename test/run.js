#!/usr/bin/env node
// Runs the test suites with Node's own test runner (TypeScript through tsx).
// Usage: node test/run.js [unit|integration|browser|electron ...]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ALL = ['unit', 'integration', 'hostile', 'browser', 'electron', 'bench'];
// The benchmark's own tests (its output parsers) live beside it, in bench/test/.
const SUITE_DIRS = { bench: path.join(__dirname, '..', 'bench', 'test') };
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ALL;

function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return collect(p);
    return /\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const files = suites.flatMap((s) => {
  if (!ALL.includes(s)) {
    console.error(`unknown suite "${s}"; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
  return collect(SUITE_DIRS[s] ?? path.join(__dirname, s)).sort();
});
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, GATEHOUSE_TEST: '1' } });
process.exit(r.status ?? 1);
