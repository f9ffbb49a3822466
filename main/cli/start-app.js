#!/usr/bin/env node
// `npm start`: launch the Electron app when its binary is installed; otherwise
// say so in one line and run the same engine headless, serving the UI to a browser.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

function electronBinary() {
  try {
    // electron's index.js throws when its binary was never downloaded.
    const bin = require('electron');
    return typeof bin === 'string' ? bin : null;
  } catch {
    return null;
  }
}

const root = path.join(__dirname, '..', '..');
const bin = electronBinary();
const extra = process.argv.slice(2);
const child = bin
  ? spawn(bin, [root, ...extra], { stdio: 'inherit' })
  : (console.log('No Electron binary is installed here (it could not be downloaded); starting Gatehouse headless — open the dashboard URL below in a browser.'),
    spawn(process.execPath, [path.join(__dirname, 'gatehouse.js'), 'start', '--headless', ...extra], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
