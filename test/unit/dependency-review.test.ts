import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { importsOf } from '../support/layer-rules';
import { runCommand } from '../support/run-command';

/**
 * docs/SECURITY.md "Dependency advisories" is a reviewed list of every shipped
 * package@version. npm audit cannot run here (the registry answers 405), so this
 * test makes the review stay true: a new dependency or a version bump fails it,
 * naming the package, until its row is added (after looking up its advisories).
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SECURITY_MD = path.join(ROOT, 'docs', 'SECURITY.md');
const PRODUCTION_HEADING = '### Production dependencies';
const RENDERER_HEADING = '### Renderer bundle';

type Reviewed = Map<string, Set<string>>; // package name → reviewed versions

/** The rows of the first table under `heading` inside "## Dependency advisories". */
function reviewedTable(markdown: string, heading: string): Reviewed {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Dependency advisories'));
  if (!section) throw new Error('docs/SECURITY.md has no "## Dependency advisories" section');
  const start = section.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`"## Dependency advisories" has no "${heading}" table`);
  const after = section.slice(start + 1 + heading.length);
  const end = after.search(/^### /m);
  const rows = (end < 0 ? after : after.slice(0, end)).split('\n').filter((l) => l.startsWith('|'));
  const reviewed: Reviewed = new Map();
  for (const row of rows.slice(2)) {
    const [name, version] = row.split('|').slice(1, 3).map((c) => c.trim().replace(/`/g, ''));
    if (!name || !version) continue;
    if (!reviewed.has(name)) reviewed.set(name, new Set());
    reviewed.get(name)!.add(version);
  }
  return reviewed;
}

/** name@version pairs not in the table (what must be reviewed). */
function unreviewed(installed: ReadonlyMap<string, ReadonlySet<string>>, table: Reviewed): string[] {
  const out: string[] = [];
  for (const [name, versions] of installed) {
    for (const v of versions) if (!table.get(name)?.has(v)) out.push(`${name}@${v}`);
  }
  return out.sort();
}

function addVersion(into: Map<string, Set<string>>, name: string, version: string): void {
  if (!into.has(name)) into.set(name, new Set());
  into.get(name)!.add(version);
}

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

function collectLs(deps: Record<string, LsNode> | undefined, into: Map<string, Set<string>>): void {
  for (const [name, node] of Object.entries(deps ?? {})) {
    // Optional peers that are not installed (ws → bufferutil) appear as {} with no version.
    if (!node.version) continue;
    addVersion(into, name, node.version);
    collectLs(node.dependencies, into);
  }
}

/** The installed production tree, as npm itself reports it. */
async function installedProductionTree(): Promise<Map<string, Set<string>>> {
  const r = await runCommand('npm', ['ls', '--omit=dev', '--all', '--json'], {
    timeoutMs: 60_000,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  // npm ls exits non-zero for an invalid tree but still prints the JSON.
  let tree: { dependencies?: Record<string, LsNode> };
  try {
    tree = JSON.parse(r.stdout);
  } catch {
    throw new Error(`npm ls did not print JSON (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
  }
  const out = new Map<string, Set<string>>();
  collectLs(tree.dependencies, out);
  return out;
}

/** package-lock.json's entries that a production install would install. */
function lockfileProduction(): Map<string, Set<string>> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; link?: boolean }>;
  };
  const out = new Map<string, Set<string>>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.dev || entry.link || !entry.version) continue;
    addVersion(out, key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), entry.version);
  }
  return out;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function packageNameOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Finds `name`'s package.json the way Node resolves it from `fromDir`. */
function findPackageJson(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    if (dir === path.dirname(dir)) throw new Error(`${name} is imported by the renderer but not installed`);
  }
}

/** What Vite bundles into dist/renderer: the renderer's package imports and their dependencies. */
function rendererBundle(): Map<string, Set<string>> {
  const imported = new Set<string>(['react']); // the automatic JSX runtime imports react/jsx-runtime
  for (const file of sourceFiles(path.join(ROOT, 'renderer', 'src'))) {
    for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.') && !BUILTINS.has(spec)) imported.add(packageNameOf(spec));
    }
  }
  const out = new Map<string, Set<string>>();
  const queue = [...imported].map((name) => ({ name, from: ROOT }));
  const seen = new Set<string>();
  while (queue.length) {
    const { name, from } = queue.shift()!;
    const pkgJson = findPackageJson(name, from);
    if (seen.has(pkgJson)) continue;
    seen.add(pkgJson);
    const pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string; dependencies?: Record<string, string> };
    addVersion(out, name, pkg.version);
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: path.dirname(pkgJson) });
  }
  return out;
}

function explain(kind: string, missing: string[]): string {
  return (
    `${kind} not reviewed in docs/SECURITY.md "Dependency advisories": ${missing.join(', ')}. ` +
    'Look up its advisories (GHSA/CVE), then add a row with what you found.'
  );
}

function stale(table: Reviewed, installed: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const out: string[] = [];
  for (const [name, versions] of table) {
    for (const v of versions) if (!installed.get(name)?.has(v)) out.push(`${name}@${v}`);
  }
  return out.sort();
}

const markdown = fs.readFileSync(SECURITY_MD, 'utf8');

test('every installed production package@version is reviewed in docs/SECURITY.md', async () => {
  const table = reviewedTable(markdown, PRODUCTION_HEADING);
  const installed = await installedProductionTree();
  assert.ok(installed.size >= 8, `npm ls reported only ${installed.size} production packages`);
  assert.deepEqual(unreviewed(installed, table), [], explain('Installed production package', unreviewed(installed, table)));
  const locked = lockfileProduction();
  assert.deepEqual(unreviewed(locked, table), [], explain('package-lock.json production entry', unreviewed(locked, table)));
  assert.deepEqual(stale(table, installed), [], 'rows in the production table that are no longer installed: remove or update them');
});

test('every package bundled into the renderer is reviewed in docs/SECURITY.md', () => {
  const table = reviewedTable(markdown, RENDERER_HEADING);
  const bundled = rendererBundle();
  assert.ok(bundled.has('react') && bundled.has('react-dom'), `renderer bundle resolved to ${[...bundled.keys()].join(', ')}`);
  assert.deepEqual(unreviewed(bundled, table), [], explain('Renderer-bundled package', unreviewed(bundled, table)));
  assert.deepEqual(stale(table, bundled), [], 'rows in the renderer table that are no longer bundled: remove or update them');
});

test('the check names a package whose version is not in the table, and a new package', () => {
  const table = reviewedTable(
    [
      '## Dependency advisories',
      PRODUCTION_HEADING,
      '| package | version | advisories | affected? |',
      '|---|---|---|---|',
      '| undici | 7.30.2 | … | no |',
      '| `ws` | `8.23.0` | … | no |',
      RENDERER_HEADING,
      '| package | version | advisories | affected? |',
      '|---|---|---|---|',
      '| react | 19.3.1 | … | no |',
    ].join('\n'),
    PRODUCTION_HEADING,
  );
  assert.deepEqual([...table.keys()], ['undici', 'ws']);
  const installed = new Map([
    ['undici', new Set(['7.31.0'])],
    ['ws', new Set(['8.23.0'])],
    ['left-pad', new Set(['1.3.0'])],
  ]);
  assert.deepEqual(unreviewed(installed, table), ['left-pad@1.3.0', 'undici@7.31.0']);
  assert.throws(() => reviewedTable('# nothing here', PRODUCTION_HEADING), /Dependency advisories/);
});
