import * as fs from 'node:fs';
import { startNodeScriptPeer } from './node-script-peer';
import type { Peer } from './peer';

/**
 * The Node floor (bench/peers/node-floor-server.ts): node:http/http2 + undici dispatch and
 * nothing else. Not a product: the least any proxy on Gatehouse's stack can cost, measured
 * in the same run, so "Gatehouse ÷ Node floor" is Gatehouse's own overhead and
 * "Node floor ÷ Caddy" is what the platform allows.
 */
export const nodeFloorPeer: Peer = {
  id: 'node-floor',
  label: 'Node floor',
  unavailable: () => undefined,
  version: async () => {
    const pkg = JSON.parse(fs.readFileSync(require.resolve('undici/package.json'), 'utf8')) as { version: string };
    return `Node ${process.versions.node}, undici ${pkg.version}`;
  },
  start: (ctx) =>
    startNodeScriptPeer(ctx, {
      id: 'node-floor',
      label: 'Node floor',
      script: 'node-floor-server.ts',
      h2: true,
      notes: ['node:http / node:http2 streams (core API, no compat layer, as Gatehouse) + undici Pool.dispatch, raw headers passed through, nothing else: the least a proxy on this stack costs'],
    }),
};
