import { startNodeScriptPeer } from './node-script-peer';
import type { Peer } from './peer';

/**
 * The Node splice (bench/peers/node-splice-server.ts): each client connection piped byte for
 * byte to its own nginx connection, TLS terminated on the HTTPS port, no HTTP parsed at all.
 * Not a proxy: the ceiling of any Node proxy on the loads that go to the nginx backend over
 * HTTP/1.1 (HTTP/1.1, latency, HTTPS, new TLS connections, the streamed body), measured in the
 * same run, so the report shows whether a target set against Caddy is within Node's reach here.
 */
export const nodeSplicePeer: Peer = {
  id: 'node-splice',
  label: 'Node splice',
  unavailable: () => undefined,
  version: async () => `Node ${process.versions.node}`,
  async start(ctx) {
    const s = await startNodeScriptPeer(ctx, {
      id: 'node-splice',
      label: 'Node splice',
      script: 'node-splice-server.ts',
      h2: false,
      notes: ['net/tls sockets piped to one nginx connection each, no HTTP parsed (not a proxy: the ceiling for one Node process); nginx-backend HTTP/1.1 loads only'],
    });
    return { ...s, url: (target, scheme) => (target === 'nginx' ? s.url(target, scheme) : undefined) };
  },
};

