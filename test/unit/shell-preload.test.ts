import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importsOf } from '../support/layer-rules';

const ROOT = path.resolve(__dirname, '..', '..');

test('the preload source imports only electron and shared types', () => {
  const src = fs.readFileSync(path.join(ROOT, 'main', 'preload.ts'), 'utf8');
  for (const spec of importsOf(src)) assert.ok(spec === 'electron' || spec.startsWith('../shared/'), spec);
  assert.match(src, /exposeInMainWorld\('gatehouse', bridge\)/);
  assert.equal((src.match(/exposeInMainWorld/g) ?? []).length, 1, 'exactly one thing is exposed');
});

test('the compiled preload is CommonJS and requires nothing but electron (sandboxed preloads can load nothing else)', (t) => {
  const built = path.join(ROOT, 'dist', 'main', 'preload.js');
  if (!fs.existsSync(built)) {
    t.skip('dist/main/preload.js is not built (npm run build)');
    return;
  }
  const js = fs.readFileSync(built, 'utf8');
  const requires = [...js.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
  assert.deepEqual(requires, ['electron']);
  assert.doesNotMatch(js, /^\s*(import|export)\s/m);
});
