import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { addRoute, removeRoute, setRouteEnabled, updateRoute, updateSettings } from '../../main/config/route-edits';
import { parseConfigText } from '../../main/config/config-parse';
import type { GatehouseConfig, RouteConfig } from '../../shared/config';
import { seededRandom } from '../support/seeded-random';

/**
 * Route edits write plain text where they can (to keep the user's layout), so check them against
 * what they mean: random configs in many layouts, random edits, and after each the file must
 * parse, hold exactly the expected routes, and keep every other route's text as it was.
 */
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 20261124);

type Rng = ReturnType<typeof seededRandom>;

function randomRoute(r: Rng, host: string): RouteConfig {
  const route: Record<string, unknown> = { host, target: `http://127.0.0.1:${3000 + r.int(100)}` };
  if (r.int(3) === 0) route.path = `/p${r.int(5)}`;
  if (r.int(3) === 0) route.enabled = false;
  if (r.int(3) === 0) route.stripPath = r.int(2) === 0;
  if (r.int(3) === 0) route.headers = { request: { set: { 'X-Env': `v${r.int(9)}` } } };
  if (r.int(4) === 0) route.https = false;
  return route as unknown as RouteConfig;
}

/** Lays a config out as people write them: pretty with 2/4 spaces or tabs, compact, one route per line, spaced one-liners. */
function layout(r: Rng, config: { routes: RouteConfig[]; httpPort?: number }): string {
  const style = r.int(5);
  if (style === 0) return `${JSON.stringify(config, null, r.pick([2, 4, '\t']))}\n`;
  if (style === 1) return `${JSON.stringify(config)}${r.pick(['', '\n'])}`;
  const oneLine = (v: unknown) => (style === 4 ? JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "').replace(/^\{/, '{ ').replace(/\}$/, ' }') : JSON.stringify(v));
  const routes = config.routes.map((x) => `    ${oneLine(x)}`).join(',\n');
  const port = config.httpPort !== undefined ? `,\n  "httpPort": ${config.httpPort}` : '';
  if (style === 2) return `{\n  "routes": [\n${routes}\n  ]${port}\n}\n`;
  return `{\n  "routes": [${config.routes.length ? `\n${routes}\n  ` : ''}]${port}\n}\n`;
}

function parse(text: string): GatehouseConfig {
  const result = parseConfigText(text, 'fuzz.json');
  if (!('config' in result) || !result.config) throw new Error(`does not parse:\n${text}\n${JSON.stringify(result)}`);
  return result.config;
}

test(`route edits on random layouts keep the meaning and the other routes' text (seed ${SEED})`, () => {
  const r = seededRandom(SEED);
  for (let round = 0; round < 300; round++) {
    const n = r.int(4);
    const routes = Array.from({ length: n }, (_, i) => randomRoute(r, `h${i}.test`));
    let expected: RouteConfig[] = routes.map((x) => ({ ...x }));
    const settings: Record<string, unknown> = r.int(2) ? { httpPort: 8080 } : {};
    let text = layout(r, { routes, ...settings });
    for (let step = 0; step < 6; step++) {
      const config = parse(text);
      const kind = expected.length === 0 ? r.pick([0, 4]) : r.int(5);
      const i = r.int(Math.max(1, expected.length));
      const before = text;
      const where = `round ${round} step ${step} (${['add', 'update', 'toggle', 'remove', 'settings'][kind]}):\n${before}`;
      if (kind === 0) {
        const route = randomRoute(r, `n${round}-${step}.test`);
        text = addRoute(text, config, route).text;
        expected.push(route);
      } else if (kind === 1) {
        const route = randomRoute(r, expected[i]!.host);
        if (expected[i]!.path !== undefined && route.path === undefined) route.path = expected[i]!.path;
        if (expected.some((x, j) => j !== i && x.host === route.host && (x.path ?? '') === (route.path ?? ''))) continue;
        text = updateRoute(text, config, `${expected[i]!.host}${expected[i]!.path ?? ''}`, route).text;
        expected[i] = route;
      } else if (kind === 2) {
        const on = r.int(2) === 0;
        text = setRouteEnabled(text, config, `${expected[i]!.host}${expected[i]!.path ?? ''}`, on).text;
        const next: Record<string, unknown> = { ...expected[i]! };
        if (on) delete next.enabled;
        else next.enabled = false;
        expected[i] = next as unknown as RouteConfig;
      } else if (kind === 3) {
        text = removeRoute(text, config, `${expected[i]!.host}${expected[i]!.path ?? ''}`).text;
        expected = expected.filter((_, j) => j !== i);
      } else {
        const change: Record<string, unknown> = {};
        change.httpPort = r.pick([8080, 8081, undefined]);
        if (r.int(2)) change.recording = r.pick([{ enabled: false }, { enabled: true, maxExchanges: 500 }, undefined]);
        text = updateSettings(text, change).text;
        for (const [k, v] of Object.entries(change)) {
          if (v === undefined) delete settings[k];
          else settings[k] = v;
        }
      }
      let got: GatehouseConfig;
      try {
        got = parse(text);
      } catch (err) {
        assert.fail(`${where}\nbecame unparsable: ${(err as Error).message}`);
      }
      const { routes: gotRoutes, ...gotSettings } = JSON.parse(text) as { routes: RouteConfig[] };
      assert.deepEqual(gotRoutes, expected, `${where}\nbecame:\n${text}`);
      assert.deepEqual(gotSettings, settings, `${where}\nsettings became:\n${text}`);
      assert.deepEqual(got.routes.length, expected.length, where);
      // Routes the edit did not name keep their text exactly.
      const edited = kind === 1 || kind === 2 ? expected[i]!.host : undefined; // settings edits name no route
      const beforeTexts = routeTexts(before);
      for (const [host, t] of routeTexts(text)) {
        if (host === edited || !beforeTexts.has(host)) continue;
        assert.equal(t, beforeTexts.get(host), `${where}\nroute ${host} was rewritten; the file became:\n${text}`);
      }
    }
  }
});

/** Each route's source text by its host. */
function routeTexts(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const routesStart = text.indexOf('"routes"');
  let depth = 0;
  let start = -1;
  for (let k = text.indexOf('[', routesStart) + 1; k < text.length; k++) {
    const c = text[k];
    if (c === '"') {
      k = text.indexOf('"', k + 1);
      while (text[k - 1] === '\\') k = text.indexOf('"', k + 1);
      continue;
    }
    if (c === '{') {
      if (depth === 0) start = k;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) {
        const body = text.slice(start, k + 1);
        out.set((JSON.parse(body) as RouteConfig).host, body);
      }
    } else if (c === ']' && depth === 0) break;
  }
  return out;
}
