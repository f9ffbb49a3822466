import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseConfigText } from '../../main/config/config-parse';
import { defaultConfigText } from '../../main/config/config-store';
import {
  BALANCE_POLICIES,
  type GatehouseConfig,
  type RecordingConfig,
  type RouteConfig,
  type TargetObject,
  type TimeoutsConfig,
} from '../../shared/config';
import schema from '../../shared/config.schema.json';

/**
 * shared/config.ts and shared/config.schema.json describe the same file. Each
 * list below must name every field of its type (the compiler checks that), and
 * the schema must have exactly those properties (this test checks that).
 */
const ROUTE_FIELDS = {
  host: true, path: true, target: true, targets: true, balance: true, stripPath: true, enabled: true,
  preserveHost: true, verifyTls: true, https: true, redirectToHttps: true, record: true,
  headers: true, rewrite: true, securityHeaders: true, rateLimit: true, spa: true, compress: true, healthCheck: true, latency: true, bandwidth: true, cache: true,
} as const satisfies Record<keyof RouteConfig, true>;
const CONFIG_FIELDS = {
  $schema: true, routes: true, httpPort: true, httpsPort: true, dnsPort: true, listen: true,
  trustedProxies: true, suffixes: true, timeouts: true, recording: true,
} as const satisfies Record<keyof GatehouseConfig, true>;
const TIMEOUT_FIELDS = {
  requestHeaders: true, keepAlive: true, upstreamConnect: true, upstreamHeaders: true, upstreamBody: true, clientBody: true,
} as const satisfies Record<keyof TimeoutsConfig, true>;
const RECORDING_FIELDS = { enabled: true, maxExchanges: true, maxTotalBytes: true, bodyCap: true } as const satisfies Record<keyof RecordingConfig, true>;
const TARGET_FIELDS = { url: true, weight: true } as const satisfies Record<keyof TargetObject, true>;

const keys = (o: object) => Object.keys(o).sort();

test('the JSON Schema has exactly the fields of the TypeScript types', () => {
  const d = schema.definitions;
  assert.deepEqual(keys(schema.properties), keys(CONFIG_FIELDS));
  assert.deepEqual(keys(d.route.properties), keys(ROUTE_FIELDS));
  assert.deepEqual(keys(schema.properties.timeouts.properties), keys(TIMEOUT_FIELDS));
  assert.deepEqual(keys(schema.properties.recording.properties), keys(RECORDING_FIELDS));
  assert.deepEqual(keys(d.target.oneOf[1]!.properties!), keys(TARGET_FIELDS));
  assert.deepEqual(d.route.properties.balance.enum, [...BALANCE_POLICIES]);
});

test('the default config written on first run is valid and points at the schema copy', () => {
  const r = parseConfigText(defaultConfigText(), 'config.json');
  assert.ok(r.ok);
  assert.equal(r.config.$schema, './gatehouse.schema.json');
  assert.deepEqual(r.config.routes, [{ host: 'app.test', target: 'http://127.0.0.1:3000' }]);
});
