import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkImport, importsOf } from '../support/layer-rules';

const ROOT = path.resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

test('every import in shared/, main/ and renderer/ respects the layer table', () => {
  const files = [...sourceFiles('shared'), ...sourceFiles('main'), ...sourceFiles('renderer')];
  assert.ok(files.length > 5, `expected source files, found ${files.length}`);
  const violations = files.flatMap((f) =>
    importsOf(fs.readFileSync(path.join(ROOT, f), 'utf8'))
      .map((spec) => checkImport(f, spec))
      .filter((v): v is string => v !== null),
  );
  assert.deepEqual(violations, []);
});

test('the checker itself catches each kind of violation', () => {
  assert.match(checkImport('main/engine/forwarder.ts', 'electron') ?? '', /without Electron/);
  assert.match(checkImport('main/engine/forwarder.ts', 'react') ?? '', /without Electron or React/);
  assert.match(checkImport('main/engine/forwarder.ts', '../shell/tray') ?? '', /shell layer/);
  assert.match(checkImport('renderer/src/app.tsx', 'node:fs') ?? '', /no node:\* modules/);
  assert.match(checkImport('renderer/src/app.tsx', 'fs') ?? '', /no node:\* modules/);
  assert.match(checkImport('renderer/src/app.tsx', '../../main/engine/engine') ?? '', /engine layer/);
  assert.match(checkImport('shared/config.ts', 'node:path') ?? '', /contract layer/);
  assert.match(checkImport('shared/config.ts', 'undici') ?? '', /contract layer/);
  assert.match(checkImport('main/preload.ts', 'node:fs') ?? '', /preload may import only/);
  assert.match(checkImport('main/shell/window.ts', 'react-dom/client') ?? '', /may not import React/);
  assert.equal(checkImport('main/shell/window.ts', 'electron'), null);
  assert.equal(checkImport('main/engine/forwarder.ts', 'undici'), null);
  assert.equal(checkImport('renderer/src/app.tsx', '../../shared/config'), null);
  assert.deepEqual(importsOf(`import type { A } from './a';\nimport x from "b";\nconst c = require('c'); // import 'd'\nexport { e } from './e';\nconst s = "import x from 'nope'";`).sort(), ['./a', './e', 'b', 'c']);
});
