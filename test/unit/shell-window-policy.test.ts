import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mainWindowOptions } from '../../main/shell/window-options';
import { isAppUrl, safeExternalUrl } from '../../main/shell/app-origin';
import { APP_INDEX_URL, contentTypeOf, resolveAppPath } from '../../main/shell/app-protocol';
import * as path from 'node:path';
import { decideNavigation, decideWindowOpen } from '../../main/shell/navigation-policy';
import { RENDERER_CSP, withCsp } from '../../main/shell/content-security-policy';

test('window options lock the renderer down', () => {
  const o = mainWindowOptions({ preloadPath: '/app/dist/main/preload.js' });
  const w = o.webPreferences!;
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.preload, '/app/dist/main/preload.js');
  assert.equal(o.show, false);
});

const fileApp = { indexUrl: 'file:///opt/Gatehouse/resources/app.asar/dist/renderer/index.html' };
const devApp = { indexUrl: 'http://localhost:5173/' };
const schemeApp = { indexUrl: APP_INDEX_URL };

test('the app frame is its own index.html or the dev server origin, nothing else', () => {
  assert.equal(isAppUrl(fileApp, 'file:///opt/Gatehouse/resources/app.asar/dist/renderer/index.html'), true);
  assert.equal(isAppUrl(fileApp, 'file:///opt/Gatehouse/resources/app.asar/dist/renderer/index.html#/traffic'), true);
  assert.equal(isAppUrl(fileApp, 'file:///tmp/evil.html'), false);
  assert.equal(isAppUrl(fileApp, 'file:///opt/Gatehouse/resources/app.asar/dist/renderer/other.html'), false);
  assert.equal(isAppUrl(fileApp, 'https://app.test/'), false);
  assert.equal(isAppUrl(fileApp, ''), false);
  assert.equal(isAppUrl(fileApp, undefined), false);
  assert.equal(isAppUrl(devApp, 'http://localhost:5173/src/x'), true);
  assert.equal(isAppUrl(devApp, 'http://localhost:5174/'), false);
  assert.equal(isAppUrl(devApp, 'http://evil.localhost:5173/'), false);
  assert.equal(isAppUrl(schemeApp, 'app://gatehouse/index.html#/traffic/e1'), true);
  assert.equal(isAppUrl(schemeApp, 'app://gatehouse/'), true);
  // Custom schemes have an opaque origin: host and scheme must be compared, not origins.
  assert.equal(isAppUrl(schemeApp, 'app://evil/index.html'), false);
  assert.equal(isAppUrl(schemeApp, 'other://gatehouse/index.html'), false);
  assert.equal(isAppUrl(schemeApp, 'file:///index.html'), false);
  assert.equal(isAppUrl(schemeApp, 'https://gatehouse/index.html'), false);
});

test('app:// URLs map into the renderer folder and nowhere else', () => {
  const root = path.resolve('/opt/gh/dist/renderer');
  assert.equal(resolveAppPath(root, 'app://gatehouse/index.html'), path.join(root, 'index.html'));
  assert.equal(resolveAppPath(root, 'app://gatehouse/'), path.join(root, 'index.html'));
  assert.equal(resolveAppPath(root, 'app://gatehouse/assets/index-1.js?v=2#x'), path.join(root, 'assets', 'index-1.js'));
  assert.equal(resolveAppPath(root, 'app://gatehouse/a%20b.css'), path.join(root, 'a b.css'));
  // Dot segments (plain or encoded) either normalise to a path inside the root or are refused.
  for (const attempt of ['app://gatehouse/../../etc/passwd', 'app://gatehouse/%2e%2e/%2e%2e/etc/passwd', 'app://gatehouse/assets/..%2f..%2f..%2fsecret']) {
    const got = resolveAppPath(root, attempt);
    assert.ok(got === null || got.startsWith(root + path.sep), `${attempt} -> ${got}`);
  }
  assert.equal(resolveAppPath(root, 'app://gatehouse/../../etc/passwd'), path.join(root, 'etc', 'passwd'));
  assert.equal(resolveAppPath(root, 'app://gatehouse/assets/..%2f..%2f..%2fsecret'), null);
  for (const bad of ['app://gatehouse/a%5c..%5c..%5cx', 'app://gatehouse/%00', 'app://gatehouse/%E0%A4%A', 'app://other/index.html', 'file:///opt/gh/dist/renderer/index.html', 'not a url']) {
    assert.equal(resolveAppPath(root, bad), null, bad);
  }
  assert.equal(contentTypeOf('x/index-1.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('x/index.HTML'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('x/blob.bin'), 'application/octet-stream');
});

test('external links: only http(s) without credentials', () => {
  assert.equal(safeExternalUrl('https://app.test/x'), 'https://app.test/x');
  assert.equal(safeExternalUrl('http://app.test:8080'), 'http://app.test:8080/');
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@app.test/', 'not a url', 'data:text/html,x']) {
    assert.equal(safeExternalUrl(bad), null, bad);
  }
});

test('navigation away from the app is refused or sent to the system browser', () => {
  assert.deepEqual(decideNavigation(fileApp, fileApp.indexUrl), { action: 'allow' });
  assert.deepEqual(decideNavigation(fileApp, 'https://app.test/'), { action: 'open-external', url: 'https://app.test/' });
  assert.deepEqual(decideNavigation(fileApp, 'file:///etc/passwd'), { action: 'deny' });
  assert.deepEqual(decideWindowOpen('https://app.test/'), { action: 'deny', openExternal: 'https://app.test/' });
  assert.deepEqual(decideWindowOpen('javascript:alert(1)'), { action: 'deny' });
});

test('the CSP header replaces any other and allows no inline script', () => {
  const h = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html' });
  assert.deepEqual(h, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP] });
  assert.match(RENDERER_CSP, /script-src 'self'(;|$)/);
  assert.doesNotMatch(RENDERER_CSP, /unsafe-inline|unsafe-eval/);
});
