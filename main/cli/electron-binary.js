'use strict';
// Finds the Electron binary WITHOUT require('electron'): since Electron 4x that
// require tries to download the binary when it is missing, which hangs or fails
// on machines with no route to the release host.
const fs = require('node:fs');
const path = require('node:path');

/** @returns {{ path: string } | { missing: string }} */
function findElectronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (npm install)' };
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const candidate = override ? path.join(override, rel || 'electron') : rel ? path.join(pkgDir, 'dist', rel) : '';
  if (candidate && fs.existsSync(candidate)) return { path: candidate };
  return { missing: 'no Electron binary is installed (its download from the release host is unavailable here)' };
}

module.exports = { findElectronBinary };
