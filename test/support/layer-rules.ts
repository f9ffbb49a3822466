import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The layer table of docs/ARCHITECTURE.md, as code. Given a file (relative to
 * the repo root) and one import specifier in it, says whether the import is allowed.
 */
export type Layer = 'shared' | 'engine' | 'shell' | 'preload' | 'renderer' | 'outside';

export function layerOf(file: string): Layer {
  const f = file.split(path.sep).join('/');
  if (f.startsWith('shared/')) return 'shared';
  if (f === 'main/preload.ts') return 'preload';
  if (f.startsWith('main/shell/')) return 'shell';
  if (f.startsWith('main/')) return 'engine';
  if (f.startsWith('renderer/')) return 'renderer';
  return 'outside';
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export function checkImport(file: string, spec: string): string | null {
  const from = layerOf(file);
  const isRelative = spec.startsWith('.');
  let to: Layer | 'builtin' | 'package';
  let pkg = '';
  if (isRelative) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file.split(path.sep).join('/')), spec));
    to = layerOf(resolved.endsWith('.ts') || resolved.endsWith('.tsx') ? resolved : `${resolved}.ts`);
    if (resolved === 'main/preload') to = 'preload';
  } else if (BUILTINS.has(spec) || spec.startsWith('node:')) {
    to = 'builtin';
  } else {
    to = 'package';
    pkg = packageName(spec);
  }
  const deny = (why: string) => `${file}: imports "${spec}" — ${why}`;
  switch (from) {
    case 'shared':
      if (to === 'shared') return null;
      return deny('shared/ is the contract layer and may import nothing but shared/');
    case 'engine':
      if (to === 'shell' || to === 'preload' || to === 'renderer') return deny(`the engine may not import the ${to} layer`);
      if (to === 'package' && ['electron', 'react', 'react-dom'].includes(pkg)) return deny('the engine must run without Electron or React');
      return null;
    case 'shell':
      if (to === 'renderer' || to === 'preload') return deny(`the shell may not import the ${to} layer`);
      if (to === 'package' && (pkg === 'react' || pkg === 'react-dom')) return deny('the shell may not import React');
      return null;
    case 'preload':
      if (to === 'shared') return null;
      if (to === 'package' && pkg === 'electron') return null;
      return deny("the preload may import only electron's contextBridge/ipcRenderer and shared/");
    case 'renderer':
      if (to === 'shared' || to === 'renderer') return null;
      if (to === 'builtin') return deny('the renderer runs in a browser: no node:* modules');
      if (to === 'package' && pkg === 'electron') return deny('the renderer must not import electron (use the client interface)');
      if (to === 'engine' || to === 'shell' || to === 'preload') return deny(`the renderer may not import the ${to} layer`);
      return null;
    default:
      return null;
  }
}

/** Every module specifier a file imports, requires or dynamically imports — read by TypeScript's own scanner, so strings and comments never confuse it. */
export function importsOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName);
}
