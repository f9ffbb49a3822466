import * as os from 'node:os';
import { nodeFloorPeer } from './node-floor';
import { startNodeScriptPeer } from './node-script-peer';
import type { Peer } from './peer';

const WORKERS = Math.max(2, os.availableParallelism());

/**
 * The Node floor run as one process per core (bench/peers/node-floor-cluster-server.ts),
 * on the loads that go to the nginx backend (HTTP/1.1, latency, HTTPS, new TLS connections,
 * HTTP/2, the streamed body). Gatehouse's engine is one process; this is the ceiling a
 * multi-process engine could approach on the same stack, measured in the same run, so the
 * report can say whether a second process would reach the targets set against Caddy.
 */
export const nodeFloorClusterPeer: Peer = {
  id: 'node-floor-cluster',
  label: `Node floor ×${WORKERS}`,
  unavailable: () => undefined,
  version: () => nodeFloorPeer.version(),
  async start(ctx) {
    const s = await startNodeScriptPeer(ctx, {
      id: 'node-floor-cluster',
      label: `Node floor ×${WORKERS}`,
      script: 'node-floor-cluster-server.ts',
      h2: true,
      notes: [`the Node floor forked into ${WORKERS} processes (node:cluster, shared listening sockets, the kernel spreading connections); nginx-backend loads only`],
    });
    return { ...s, url: (target, scheme) => (target === 'nginx' ? s.url(target, scheme) : undefined) };
  },
};
