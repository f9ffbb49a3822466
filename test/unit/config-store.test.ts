import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileExclusive, writeFileAtomic } from '../../main/config/atomic-file';
import { ConfigError } from '../../main/config/config-error';
import { ConfigStore } from '../../main/config/config-store';
import { addRoute as addRouteEdit } from '../../main/config/route-edits';
import { defaultConfig } from '../../shared/config';
import schema from '../../shared/config.schema.json';
import { tempDataDir } from '../support/temp-data-dir';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const { dir, cleanup } = tempDataDir('gatehouse-config-');
    try {
      await fn(dir);
    } finally {
      cleanup();
    }
  };
}

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

/** A config.json in `dir` holding `text`, and a store over it. */
function storeOver(dir: string, text: string): { file: string; store: ConfigStore } {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, text);
  return { file, store: new ConfigStore(file) };
}

test(
  'first run creates the directory, the default config and the schema copy it points to',
  withDir(async (dir) => {
    const file = path.join(dir, 'nested', 'gatehouse', 'config.json');
    const store = new ConfigStore(file);
    const loaded = await store.load();
    assert.equal(loaded.created, true);
    assert.deepEqual(loaded.config, defaultConfig());
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).routes, [{ host: 'app.test', target: 'http://127.0.0.1:3000' }]);
    const schemaPath = path.resolve(path.dirname(file), loaded.config.$schema!);
    assert.equal(schemaPath, store.schemaFile);
    assert.deepEqual(JSON.parse(fs.readFileSync(schemaPath, 'utf8')), schema);
    const again = await store.load();
    assert.equal(again.created, false);
    assert.equal(again.text, loaded.text);
  }),
);

test(
  'load reports an invalid file with its location and does not touch it',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    const text = '{\n  "routes": [\n    {"host": "a.test", "target": "http://127.0.0.1:1", "balance": "fastest"}\n  ]\n}\n';
    fs.writeFileSync(file, text);
    const err = await rejectsWith(new ConfigStore(file).load(), 'CONFIG_INVALID', /config\.json:3:\d+ \/routes\/0\/balance: unknown balance policy "fastest"/);
    assert.equal(err.status, 422);
    assert.equal(err.issues[0]!.line, 3);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  }),
);

test(
  'atomic write: content replaced whole, mode kept, no temp file left, symlink written through',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o600);
    const inodeBefore = fs.statSync(file).ino;
    await writeFileAtomic(file, 'new content');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new content');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.notEqual(fs.statSync(file).ino, inodeBefore, 'replaced by rename, not rewritten in place');
    assert.deepEqual(leftovers(dir), []);

    const real = path.join(dir, 'dotfiles-config.json');
    const link = path.join(dir, 'linked.json');
    fs.writeFileSync(real, 'a');
    fs.symlinkSync(real, link);
    await writeFileAtomic(link, 'b');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the symlink survives');
    assert.equal(fs.readFileSync(real, 'utf8'), 'b');

    await writeFileAtomic(path.join(dir, 'fresh.json'), 'x', { mode: 0o640 });
    assert.equal(fs.statSync(path.join(dir, 'fresh.json')).mode & 0o777, 0o640);
  }),
);

test(
  'exclusive create never replaces an existing file',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    assert.equal(await createFileExclusive(file, 'first'), true);
    assert.equal(await createFileExclusive(file, 'second'), false);
    assert.equal(fs.readFileSync(file, 'utf8'), 'first');
    assert.deepEqual(leftovers(dir), []);
  }),
);

test(
  'route edits refuse to write over a file that does not parse, and leave it byte for byte',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    const broken = '{\n  "routes": [\n    {"host": "a.test", "target": "http://127.0.0.1:1"\n  ]\n}\n';
    fs.writeFileSync(file, broken);
    const store = new ConfigStore(file);
    const route = { host: 'b.test', target: 'http://127.0.0.1:2' };
    const err = await rejectsWith(store.addRoute(route), 'CONFIG_INVALID', /route not added; the file was left as it is/);
    assert.match(err.message, /config\.json:4:3 \/routes\/0\/target: missing "}" to close an object before this "]"/);
    await rejectsWith(store.removeRoute('a.test'), 'CONFIG_INVALID');
    await rejectsWith(store.setRouteEnabled('a.test', false), 'CONFIG_INVALID');
    await rejectsWith(store.updateSettings({ httpPort: 8080 }), 'CONFIG_INVALID');
    assert.equal(fs.readFileSync(file, 'utf8'), broken);
    assert.deepEqual(leftovers(dir), []);
  }),
);

test(
  'an edit that would make the file invalid is refused with the reason',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    const store = new ConfigStore(file);
    const { text } = await store.load();
    await rejectsWith(store.addRoute({ host: 'b.test', target: 'http://127.0.0.1' }), 'CONFIG_INVALID', /route not added: \/routes\/1\/target: .*has no port/);
    await rejectsWith(store.addRoute({ host: 'b.test', target: 'http://127.0.0.1:1', balance: 'fastest' as never }), 'CONFIG_INVALID', /unknown balance policy/);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  }),
);

test('route add to a file written on one line keeps it on one line, compact or spaced like the routes there', () => {
  const add = (text: string) => addRouteEdit(text, { routes: JSON.parse(text).routes } as never, { host: 'shop.test', target: 'http://127.0.0.1:3001' }).text;
  assert.equal(
    add('{"routes":[{"host":"app.test","target":"http://127.0.0.1:5173"},{"host":"app.test","path":"/api","target":"http://127.0.0.1:4000"}]}\n'),
    '{"routes":[{"host":"app.test","target":"http://127.0.0.1:5173"},{"host":"app.test","path":"/api","target":"http://127.0.0.1:4000"},{"host":"shop.test","target":"http://127.0.0.1:3001"}]}\n',
  );
  assert.equal(
    add('{\n  "routes": [ { "host": "a.test", "target": "http://127.0.0.1:1" } ],\n  "httpPort": 8080\n}\n'),
    '{\n  "routes": [ { "host": "a.test", "target": "http://127.0.0.1:1" }, { "host": "shop.test", "target": "http://127.0.0.1:3001" } ],\n  "httpPort": 8080\n}\n',
  );
  assert.equal(add('{ "routes": [] }\n'), '{ "routes": [{ "host": "shop.test", "target": "http://127.0.0.1:3001" }] }\n');
});

test(
  'updating a route writes only the fields that changed: its layout and field order stay',
  withDir(async (dir) => {
    const original =
      '{\n  "routes": [\n    { "host": "app.test",   "target": "http://127.0.0.1:3000" },\n    {\n      "target":   "http://127.0.0.1:4000",\n      "host": "api.test",\n      "headers": { "request": { "set": { "X-Env": "dev" } } }\n    }\n  ]\n}\n';
    const { file, store } = storeOver(dir, original);
    await store.updateRoute('app.test', { host: 'app.test', target: 'http://127.0.0.1:3001' });
    let text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes('{ "host": "app.test",   "target": "http://127.0.0.1:3001" },'), `the one-line route stays one line:\n${text}`);
    await store.updateRoute('api.test', { host: 'api.test', target: 'http://127.0.0.1:4001', headers: { request: { set: { 'X-Env': 'dev' } } }, stripPath: true });
    text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes('"target":   "http://127.0.0.1:4001",'), `the value replaced in place:\n${text}`);
    assert.ok(text.indexOf('"target"') < text.lastIndexOf('"host": "api.test"'), `field order kept:\n${text}`);
    assert.ok(text.includes('"headers": { "request": { "set": { "X-Env": "dev" } } }'), `an unchanged nested field is not rewritten:\n${text}`);
    const routes = (await store.read()).config.routes;
    assert.deepEqual(routes[1], { host: 'api.test', target: 'http://127.0.0.1:4001', headers: { request: { set: { 'X-Env': 'dev' } } }, stripPath: true });
    // A field left out is removed; an update that changes nothing writes nothing.
    await store.updateRoute('api.test', { host: 'api.test', target: 'http://127.0.0.1:4001', stripPath: true });
    assert.equal('headers' in (await store.read()).config.routes[1]!, false);
    const before = fs.readFileSync(file, 'utf8');
    await store.updateRoute('api.test', { host: 'api.test', target: 'http://127.0.0.1:4001', stripPath: true });
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  }),
);

test(
  'turning routes off and on again (the tray) gives back the file byte for byte',
  withDir(async (dir) => {
    const original =
      '{\n  "routes": [\n    { "host": "app.test", "target": "http://127.0.0.1:3000", "headers": { "request": { "set": { "X-Env": "dev" } } } },\n    {\n      "host": "api.test",\n      "headers": { "response": { "remove": ["Server"] } },\n      "target":   "http://127.0.0.1:4000"\n    }\n  ]\n}\n';
    const { file, store } = storeOver(dir, original);
    await store.setRouteEnabled('app.test', false);
    await store.setRouteEnabled('api.test', false);
    const off = fs.readFileSync(file, 'utf8');
    assert.ok(off.includes('"headers": { "request": { "set": { "X-Env": "dev" } } }, "enabled": false },'), `one line stays one line:\n${off}`);
    assert.ok(off.includes('"headers": { "response": { "remove": ["Server"] } },\n      "target":   "http://127.0.0.1:4000",\n      "enabled": false\n'), `a line of its own, indented like the rest:\n${off}`);
    assert.deepEqual((await store.read()).config.routes.map((r) => r.enabled), [false, false]);
    await store.setRouteEnabled('app.test', true);
    await store.setRouteEnabled('api.test', true);
    assert.equal(fs.readFileSync(file, 'utf8'), original);
  }),
);

test(
  'add, disable, enable, update, remove keep the rest of the file as the user wrote it',
  withDir(async (dir) => {
    // jsonc-parser re-indents only the lines an edit touches; the compact first route is never touched here.
    const original =
      '{\n\t"routes": [\n\t\t{ "host": "app.test",   "target": "http://127.0.0.1:3000" },\n\t\t{\n\t\t\t"host": "web.test",\n\t\t\t"target": "http://127.0.0.1:5173"\n\t\t}\n\t],\n\t"httpPort": 8080\n}\n';
    const { file, store } = storeOver(dir, original);
    await store.addRoute({ host: 'api.test', path: '/v1', target: 'http://127.0.0.1:4000', stripPath: true });
    let text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes('{ "host": "app.test",   "target": "http://127.0.0.1:3000" },'), text);
    assert.ok(text.includes('\n\t\t{\n\t\t\t"host": "api.test",'), `new route indented with tabs like the rest:\n${text}`);
    assert.deepEqual((await store.read()).config.routes[2], { host: 'api.test', path: '/v1', target: 'http://127.0.0.1:4000', stripPath: true });

    assert.equal((await store.setRouteEnabled('API.test/v1/', false)).enabled, false);
    assert.equal((await store.read()).config.routes[2]!.enabled, false);
    const enabled = await store.setRouteEnabled('api.test/v1', true);
    assert.equal('enabled' in enabled, false, 'enabled is the default, so the field goes away');
    assert.equal('enabled' in (await store.read()).config.routes[2]!, false);
    assert.equal((await store.setRouteEnabled('web.test')).enabled, false, 'no value flips it');

    await store.updateRoute('api.test/v1', { host: 'api.test', path: '/v2', target: 'http://127.0.0.1:4001' });
    assert.deepEqual((await store.read()).config.routes.map((r) => `${r.host}${r.path ?? ''}`), ['app.test', 'web.test', 'api.test/v2']);
    await rejectsWith(store.updateRoute('api.test/v2', { host: 'app.test', target: 'http://127.0.0.1:1' }), 'ROUTE_EXISTS');

    assert.equal((await store.removeRoute('api.test/v2')).host, 'api.test');
    text = fs.readFileSync(file, 'utf8');
    assert.deepEqual(JSON.parse(text), {
      routes: [
        { host: 'app.test', target: 'http://127.0.0.1:3000' },
        { host: 'web.test', target: 'http://127.0.0.1:5173', enabled: false },
      ],
      httpPort: 8080,
    });
    assert.ok(text.includes('{ "host": "app.test",   "target": "http://127.0.0.1:3000" },'), text);
    assert.ok(text.includes('\t"httpPort": 8080'));

    assert.deepEqual(await store.updateSettings({ httpsPort: 8443, httpPort: undefined }), { httpsPort: 8443 });
  }),
);

test(
  'unknown and duplicate routes are coded errors naming the routes that exist',
  withDir(async (dir) => {
    const store = new ConfigStore(path.join(dir, 'config.json'));
    await store.load();
    const missing = await rejectsWith(store.removeRoute('nope.test/x'), 'ROUTE_NOT_FOUND', /no route "nope.test\/x"; configured routes: app.test/);
    assert.equal(missing.status, 404);
    await rejectsWith(store.addRoute({ host: 'App.Test', target: 'http://127.0.0.1:1' }), 'ROUTE_EXISTS', /route "app.test" already exists/);
  }),
);

test(
  'a hand edit made while an edit is in progress is kept: the edit is redone on the new text',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    const store = new ConfigStore(file);
    await store.load();
    let calls = 0;
    await store.edit((text, config) => {
      calls++;
      if (calls === 1) {
        // Someone saves the file between Gatehouse's read and its write.
        const hand = JSON.parse(text);
        hand.routes.push({ host: 'hand.test', target: 'http://127.0.0.1:5000' });
        fs.writeFileSync(file, JSON.stringify(hand, null, 2));
      }
      return addRouteEdit(text, config, { host: 'cli.test', target: 'http://127.0.0.1:6000' });
    }, 'route not added');
    assert.equal(calls, 2);
    assert.deepEqual((await store.read()).config.routes.map((r) => r.host), ['app.test', 'hand.test', 'cli.test']);
  }),
);

test(
  'an edit gives up (CONFIG_BUSY) rather than write over a file that keeps changing',
  withDir(async (dir) => {
    const file = path.join(dir, 'config.json');
    const store = new ConfigStore(file);
    await store.load();
    let n = 0;
    await rejectsWith(
      store.edit((text, config) => {
        fs.writeFileSync(file, JSON.stringify({ routes: [], httpPort: 9000 + n++ }));
        return addRouteEdit(text, config, { host: 'cli.test', target: 'http://127.0.0.1:6000' });
      }, 'route not added'),
      'CONFIG_BUSY',
    );
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).routes, []);
  }),
);

test(
  'a missing file is never recreated by a read or an edit: CONFIG_MISSING, and the file stays missing',
  withDir(async (dir) => {
    const file = path.join(dir, 'gone', 'config.json');
    const store = new ConfigStore(file);
    await rejectsWith(store.read(), 'CONFIG_MISSING', /config\.json does not exist; `gatehouse start` or `gatehouse route add` creates it/);
    const err = await rejectsWith(store.addRoute({ host: 'x.test', target: 'http://127.0.0.1:3001' }), 'CONFIG_MISSING');
    assert.equal(err.status, 409);
    await rejectsWith(store.setRouteEnabled('app.test', false), 'CONFIG_MISSING');
    await rejectsWith(store.updateSettings({ httpPort: 8080 }), 'CONFIG_MISSING');
    assert.deepEqual(await store.readOrDefaults(), { config: defaultConfig(), missing: true });
    assert.equal(fs.existsSync(path.dirname(file)), false);
    assert.equal(await store.createIfMissing(), true);
    assert.deepEqual((await store.readOrDefaults()).missing, false);
  }),
);

test(
  'adding a route after one-line routes adds one line and touches no other',
  withDir(async (dir) => {
    const original =
      '{\n  "routes": [\n    { "host": "a.test", "target": "http://127.0.0.1:3000" },\n    { "host": "c.test",  "target": "http://127.0.0.1:3001" }\n  ]\n}\n';
    const { file, store } = storeOver(dir, original);
    await store.addRoute({ host: 'x.test', path: '/v1', target: 'http://127.0.0.1:3002', stripPath: true });
    const text = fs.readFileSync(file, 'utf8');
    const before = original.split('\n');
    const after = text.split('\n');
    assert.equal(after.length, before.length + 1, text);
    assert.deepEqual(after.slice(0, 3), before.slice(0, 3));
    assert.equal(after[3], '    { "host": "c.test",  "target": "http://127.0.0.1:3001" },');
    assert.equal(after[4], '    { "host": "x.test", "path": "/v1", "target": "http://127.0.0.1:3002", "stripPath": true }');
    assert.deepEqual(after.slice(5), before.slice(4));
    assert.deepEqual((await store.read()).config.routes.map((r) => r.host), ['a.test', 'c.test', 'x.test']);

    // No route yet: the first one is written the ordinary way.
    fs.writeFileSync(file, '{ "routes": [] }\n');
    await store.addRoute({ host: 'first.test', target: 'http://127.0.0.1:3003' });
    assert.deepEqual((await store.read()).config.routes, [{ host: 'first.test', target: 'http://127.0.0.1:3003' }]);
  }),
);
