#!/usr/bin/env node
// The `gatehouse` executable. In a checkout it runs the TypeScript sources
// through tsx (always current); in a packaged build it runs the compiled JS.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, 'main.ts');
const compiled = path.join(__dirname, '..', '..', 'dist', 'main', 'cli', 'main.js');

let useSource = false;
if (fs.existsSync(source)) {
  try {
    require.resolve('tsx/cjs');
    useSource = true;
  } catch {
    useSource = false;
  }
}
if (useSource) {
  require('tsx/cjs');
  require(source);
} else if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  console.error('gatehouse: the compiled CLI is missing — run `npm run build` in the project first.');
  process.exit(1);
}
