import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

// electron-builder's own loader and schema validation (app-builder-lib comes with electron-builder).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, configPath: string | null, fromOptions: unknown): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, debug: { add(k: string, v: unknown): void }): Promise<void>;
};

test('electron-builder.yml passes electron-builder schema validation', async () => {
  const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, { add() {} });
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.deepEqual(config.win.target, ['nsis']);
  const files = (config.files as Array<string | { filter: string[] }>).flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
  assert.ok(files.includes('main/cli/*.js'), 'the packaged app includes the CLI');
  assert.ok(files.includes('dist/renderer/**/*'));
});

test('every file the packaging config points at exists', async () => {
  const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
  for (const rel of [config.mac.entitlements, config.mac.entitlementsInherit, config.mac.icon, config.win.icon, config.linux.icon, 'resources/bin/gatehouse', 'resources/bin/gatehouse.cmd']) {
    assert.ok(fs.existsSync(path.join(ROOT, rel)), `${rel} is missing`);
  }
  assert.match(fs.readFileSync(path.join(ROOT, config.mac.entitlements), 'utf8'), /com\.apple\.security\.cs\.allow-jit/);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'dist/main/shell/electron-main.js');
  assert.ok(fs.existsSync(path.join(ROOT, 'main/shell/electron-main.ts')), 'the Electron entry exists');
});

test('icons are real PNGs of the sizes their names say', () => {
  const dir = path.join(ROOT, 'resources', 'icons');
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.png'));
  assert.ok(names.includes('512x512.png') && names.includes('16x16.png'));
  for (const n of [...names.map((x) => path.join(dir, x)), path.join(ROOT, 'resources', 'icon.png')]) {
    const b = fs.readFileSync(n);
    assert.equal(b.subarray(1, 4).toString('ascii'), 'PNG', n);
    const w = b.readUInt32BE(16);
    const h = b.readUInt32BE(20);
    assert.equal(w, h, n);
    const m = /(\d+)x\d+\.png$/.exec(n);
    assert.equal(w, m ? Number(m[1]) : 1024, n);
  }
});
