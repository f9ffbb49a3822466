import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { API_METHODS, type ApiHandlers, type ApiMethod, type EventMessage } from '../../shared/api-contract';
import { IPC_CHANNELS } from '../../shared/ipc-bridge';
import { forwardEvents, registerApiIpc, type IpcInvokeEvent, type IpcMainLike } from '../../main/shell/ipc-api';
import { isAppUrl } from '../../main/shell/app-origin';
import { encodedResult } from '../../main/control/encoded-result';

const APP = { indexUrl: 'file:///opt/gatehouse/dist/renderer/index.html' };

/** A recording fake: every handler answers with its own name. */
function fakeHandlers(calls: Array<[ApiMethod, unknown]>): ApiHandlers {
  const h = (m: ApiMethod) => async (p: unknown) => {
    calls.push([m, p]);
    return { handled: m } as never;
  };
  // The ApiHandlers annotation is the compile-time coverage check: drop one
  // line below and `tsc -b` fails with "Property '…' is missing".
  const handlers: ApiHandlers = {
    'instance.info': h('instance.info'),
    'routes.list': h('routes.list'),
    'routes.add': h('routes.add'),
    'routes.update': h('routes.update'),
    'routes.remove': h('routes.remove'),
    'routes.toggle': h('routes.toggle'),
    'routes.status': h('routes.status'),
    'cache.purge': h('cache.purge'),
    'exchanges.list': h('exchanges.list'),
    'exchanges.snapshot': h('exchanges.snapshot'),
    'exchanges.get': h('exchanges.get'),
    'exchanges.diff': h('exchanges.diff'),
    'recording.get': h('recording.get'),
    'recording.pause': h('recording.pause'),
    'recording.resume': h('recording.resume'),
    'recording.clear': h('recording.clear'),
    'ca.status': h('ca.status'),
    'ca.trust': h('ca.trust'),
    'ca.untrust': h('ca.untrust'),
    'settings.get': h('settings.get'),
    'settings.set': h('settings.set'),
    replay: h('replay'),
    'har.export': h('har.export'),
    'har.import': h('har.import'),
    'curl.generate': h('curl.generate'),
    'fetch.generate': h('fetch.generate'),
  };
  return handlers;
}

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(frameUrl: string | undefined, ...args: unknown[]): Promise<unknown> {
    const fn = this.handlers.get(IPC_CHANNELS.call);
    if (!fn) throw new Error('no handler');
    return fn(frameUrl === undefined ? { senderFrame: null } : { senderFrame: { url: frameUrl } }, ...args);
  }
}

function setup() {
  const ipc = new FakeIpcMain();
  const calls: Array<[ApiMethod, unknown]> = [];
  const off = registerApiIpc(ipc, fakeHandlers(calls), (url) => isAppUrl(APP, url));
  return { ipc, calls, off };
}

test('every contract method is reachable over IPC from the app frame', async () => {
  const { ipc, calls } = setup();
  for (const m of API_METHODS) {
    assert.deepEqual(await ipc.invoke(APP.indexUrl + '#/traffic', m, { x: 1 }), { ok: true, result: { handled: m } });
  }
  assert.deepEqual(
    calls.map(([m]) => m),
    [...API_METHODS],
  );
  assert.deepEqual(calls[0]![1], { x: 1 });
});

test('calls from any other frame are refused before a handler runs', async () => {
  const { ipc, calls } = setup();
  for (const url of ['https://evil.test/', 'file:///tmp/evil.html', 'about:blank', '', undefined]) {
    const r = (await ipc.invoke(url, 'routes.remove', { id: 'app.test' })) as { ok: boolean; error?: { code: string; status?: number } };
    assert.equal(r.ok, false, String(url));
    assert.equal(r.error?.code, 'forbidden');
    assert.equal(r.error?.status, 403);
  }
  assert.equal(calls.length, 0);
});

test('unknown methods and non-object params are coded errors, handler errors keep their code and status', async () => {
  const ipc = new FakeIpcMain();
  const handlers = fakeHandlers([]);
  handlers['routes.add'] = async () => {
    throw Object.assign(new Error('host "x y" is not a valid host name'), { code: 'invalid-config', status: 400, field: 'host' });
  };
  registerApiIpc(ipc, handlers, (url) => isAppUrl(APP, url));
  assert.deepEqual(await ipc.invoke(APP.indexUrl, 'routes.nope', {}), {
    ok: false,
    error: { code: 'unknown-method', status: 404, message: 'No API method "routes.nope".' },
  });
  assert.deepEqual(await ipc.invoke(APP.indexUrl, '__proto__', {}), {
    ok: false,
    error: { code: 'unknown-method', status: 404, message: 'No API method "__proto__".' },
  });
  const bad = (await ipc.invoke(APP.indexUrl, 'routes.list', 'nope')) as { ok: boolean; error: { code: string } };
  assert.equal(bad.error.code, 'bad-request');
  assert.deepEqual(await ipc.invoke(APP.indexUrl, 'routes.add', { route: { host: 'x y' } }), {
    ok: false,
    error: { code: 'invalid-config', status: 400, message: 'host "x y" is not a valid host name', field: 'host' },
  });
  assert.deepEqual(await ipc.invoke(APP.indexUrl, 'routes.list'), { ok: true, result: { handled: 'routes.list' } }, 'missing params become {}');
});

test('a result the engine holds as JSON text reaches the window as the value it encodes', async () => {
  const ipc = new FakeIpcMain();
  const handlers = fakeHandlers([]);
  const snapshot = { count: 1, blocks: [{ count: 1, note: 'as text' }] };
  handlers['exchanges.snapshot'] = async () => encodedResult(JSON.stringify(snapshot));
  registerApiIpc(ipc, handlers, (url) => isAppUrl(APP, url));
  const r = await ipc.invoke(APP.indexUrl, 'exchanges.snapshot', {});
  assert.deepEqual(r, { ok: true, result: snapshot });
  // Structured clone, as Electron's IPC does it, keeps the plain value.
  assert.deepEqual(structuredClone(r), { ok: true, result: snapshot });
});

test('unregistering removes the channel', () => {
  const { ipc, off } = setup();
  assert.ok(ipc.handlers.has(IPC_CHANNELS.call));
  off();
  assert.equal(ipc.handlers.size, 0);
});

test('events go to the window while it exists', () => {
  let listener: ((m: EventMessage) => void) | null = null;
  let wanted: (() => boolean) | undefined;
  const sent: unknown[] = [];
  let destroyed = false;
  let win: { isDestroyed(): boolean; send(c: string, m: EventMessage): void } | null = {
    isDestroyed: () => destroyed,
    send: (c, m) => sent.push([c, m]),
  };
  const off = forwardEvents(
    (fn, w) => {
      listener = fn;
      wanted = w;
      return () => (listener = null);
    },
    () => win,
  );
  const msg: EventMessage = { event: 'routes.changed', payload: [] };
  assert.equal(wanted?.(), true, 'a live window wants exchange events built');
  listener!(msg);
  destroyed = true;
  assert.equal(wanted?.(), false, 'a destroyed window does not');
  listener!(msg);
  win = null;
  assert.equal(wanted?.(), false, 'no window does not');
  listener!(msg);
  assert.deepEqual(sent, [[IPC_CHANNELS.event, msg]]);
  off();
  assert.equal(listener, null);
});
