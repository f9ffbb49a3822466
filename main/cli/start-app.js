#!/usr/bin/env node
// `npm start`: launch the Electron app when its binary is installed; otherwise
// say so in one line and run the same engine headless, serving the UI to a browser.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const { findElectronBinary } = require('./electron-binary');

const root = path.join(__dirname, '..', '..');
const found = findElectronBinary();
const bin = 'path' in found ? found.path : null;
const extra = process.argv.slice(2);
const child = bin
  ? spawn(bin, [root, ...extra], { stdio: 'inherit' })
  : (console.log(`Electron is not available here: ${found.missing}. Starting Gatehouse headless — open the dashboard URL below in a browser.`),
    spawn(process.execPath, [path.join(__dirname, 'gatehouse.js'), 'start', '--headless', ...extra], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
