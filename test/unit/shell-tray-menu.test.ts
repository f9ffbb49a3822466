import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ApiHandlers } from '../../shared/api-contract';
import { readTrayState } from '../../main/shell/tray-state';
import { buildTrayTemplate, routeIsDown, routeUrl, toElectronMenu, TRAY_ROUTE_LIMIT, type TrayAction, type TrayRoute, type TrayState } from '../../main/shell/tray-menu';

const app: TrayRoute = { id: 'app.test', host: 'app.test', path: '/', enabled: true, https: true, targets: [{ url: 'http://127.0.0.1:3000', up: true }] };
const api: TrayRoute = { id: 'api.test/v1', host: 'api.test', path: '/v1', enabled: false, https: false, targets: [{ url: 'http://127.0.0.1:4000', up: false }] };
const wild: TrayRoute = { id: '*.wild.test', host: '*.wild.test', path: '/', enabled: true, https: true, targets: [] };

function state(over: Partial<TrayState> = {}): TrayState {
  return { routes: [app, api], recordingPaused: false, httpPort: 80, httpsPort: 443, ...over };
}

test('one checkbox per route, checked when enabled, toggling to the opposite', () => {
  const items = buildTrayTemplate(state());
  const boxes = items.filter((i) => i.type === 'checkbox');
  assert.deepEqual(boxes, [
    { type: 'checkbox', label: 'app.test', checked: true, action: { kind: 'toggle-route', routeId: 'app.test', enabled: false } },
    { type: 'checkbox', label: 'api.test/v1 — down', checked: false, action: { kind: 'toggle-route', routeId: 'api.test/v1', enabled: true } },
  ]);
});

test('open items only for enabled, non-wildcard routes, with the port when not the default', () => {
  const labels = (s: TrayState) => buildTrayTemplate(s).flatMap((i) => (i.type === 'normal' && i.label.startsWith('Open http') ? [i.label] : []));
  assert.deepEqual(labels(state({ routes: [app, api, wild] })), ['Open https://app.test']);
  assert.deepEqual(labels(state({ routes: [app, { ...api, enabled: true }], httpPort: 8080, httpsPort: 8443 })), [
    'Open https://app.test:8443',
    'Open http://api.test:8080/v1',
  ]);
  assert.equal(routeUrl(wild, 80, 443), null);
});

test('recording item follows the paused state; quit and open window are always there', () => {
  const running = buildTrayTemplate(state());
  const paused = buildTrayTemplate(state({ recordingPaused: true }));
  const find = (items: ReturnType<typeof buildTrayTemplate>, kind: TrayAction['kind']) =>
    items.find((i) => i.type !== 'separator' && i.action?.kind === kind);
  assert.deepEqual(find(running, 'set-recording'), { type: 'normal', label: 'Pause recording', action: { kind: 'set-recording', paused: true } });
  assert.deepEqual(find(paused, 'set-recording'), { type: 'normal', label: 'Resume recording', action: { kind: 'set-recording', paused: false } });
  assert.ok(find(running, 'quit'));
  assert.ok(find(running, 'show-window'));
  assert.equal(find(running, 'set-start-at-login'), undefined, 'no login item where unsupported');
  assert.deepEqual(find(buildTrayTemplate(state({ startAtLogin: false })), 'set-start-at-login'), {
    type: 'checkbox',
    label: 'Start at login',
    checked: false,
    action: { kind: 'set-start-at-login', enabled: true },
  });
});

test('an empty route list teaches, a long one is capped', () => {
  const empty = buildTrayTemplate(state({ routes: [] }));
  assert.equal(empty[0]!.type, 'normal');
  assert.match((empty[0] as { label: string }).label, /No routes yet/);
  const many = Array.from({ length: TRAY_ROUTE_LIMIT + 5 }, (_, i) => ({ ...app, id: `r${i}.test`, host: `r${i}.test` }));
  const items = buildTrayTemplate(state({ routes: many }));
  assert.equal(items.filter((i) => i.type === 'checkbox').length, TRAY_ROUTE_LIMIT);
  assert.ok(items.some((i) => i.type === 'normal' && i.label === '…and 5 more (open the window)'));
});

test('down means every known target is down', () => {
  assert.equal(routeIsDown(api), true);
  assert.equal(routeIsDown(app), false);
  assert.equal(routeIsDown(wild), false, 'no targets is not down');
  assert.equal(routeIsDown({ ...app, targets: [{ url: 'a', up: false }, { url: 'b', up: null }] }), false);
});

test('the rebuilt template does not mutate the state it was given', () => {
  const s = state();
  const before = JSON.stringify(s);
  buildTrayTemplate(s);
  assert.equal(JSON.stringify(s), before);
});

test('toElectronMenu dispatches the item action on click', () => {
  const got: TrayAction[] = [];
  const menu = toElectronMenu(buildTrayTemplate(state()), (a) => got.push(a));
  const first = menu[0]!;
  assert.equal(first.type, 'checkbox');
  assert.equal(first.checked, true);
  (first.click as () => void)();
  assert.deepEqual(got, [{ kind: 'toggle-route', routeId: 'app.test', enabled: false }]);
  assert.ok(menu.some((m) => m.type === 'separator'));
});

test('tray state is read through the API handlers: health, ports, recording', async () => {
  const handlers = {
    'routes.list': async () => [
      { id: 'app.test', route: { host: 'app.test', target: 'http://127.0.0.1:3000' }, enabled: true },
      { id: 'api.test/v1', route: { host: 'API.test', path: 'v1/', targets: ['http://127.0.0.1:4000', 'http://127.0.0.1:4001'], https: false }, enabled: false },
    ],
    'routes.status': async () => [
      { id: 'api.test/v1', enabled: false, targets: [{ url: 'http://127.0.0.1:4000', health: 'down' }, { url: 'http://127.0.0.1:4001', health: 'unknown' }] },
    ],
    'recording.get': async () => ({ recording: false }),
    'instance.info': async () => ({ httpPort: 8080, httpsPort: 8443 }),
  } as unknown as ApiHandlers;
  const state = await readTrayState(handlers, undefined);
  assert.deepEqual(state, {
    routes: [
      { id: 'app.test', host: 'app.test', path: '/', enabled: true, https: true, targets: [] },
      {
        id: 'api.test/v1',
        host: 'API.test',
        path: '/v1',
        enabled: false,
        https: false,
        targets: [
          { url: 'http://127.0.0.1:4000', up: false },
          { url: 'http://127.0.0.1:4001', up: null },
        ],
      },
    ],
    recordingPaused: true,
    httpPort: 8080,
    httpsPort: 8443,
  });
  // No HTTPS listener: the open items use http.
  const plain = await readTrayState({ ...handlers, 'instance.info': async () => ({ httpPort: 8080 }) } as unknown as ApiHandlers, true);
  assert.equal(plain.routes[0]!.https, false);
  assert.equal(plain.startAtLogin, true);
  assert.ok(buildTrayTemplate(plain).some((i) => i.type === 'normal' && i.label === 'Open http://app.test:8080'));
});
