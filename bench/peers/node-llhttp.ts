import { startNodeScriptPeer } from './node-script-peer';
import type { Peer } from './peer';

/**
 * The llhttp sketch (bench/peers/node-llhttp-server.ts): a bare HTTP/1.1 proxy on raw sockets
 * with Node's own llhttp parser, no node:http objects and no undici. Not a product: what a
 * Gatehouse-owned HTTP/1.1 layer could at best reach on this machine, next to the Node floor
 * (node:http + undici) and the Node splice (no HTTP at all), on the nginx-backend HTTP/1.1 loads.
 */
export const nodeLlhttpPeer: Peer = {
  id: 'node-llhttp',
  label: 'llhttp sketch',
  unavailable: () => undefined,
  version: async () => `Node ${process.versions.node}, llhttp ${process.versions.llhttp}`,
  async start(ctx) {
    const s = await startNodeScriptPeer(ctx, {
      id: 'node-llhttp',
      label: 'llhttp sketch',
      script: 'node-llhttp-server.ts',
      h2: false,
      notes: [
        'net/tls sockets + Node’s llhttp parser (legacy _http_common), request and response heads rewritten with forwarding headers added, one nginx connection per client connection; nginx-backend HTTP/1.1 loads only (a measurement sketch, not a proxy to use)',
      ],
    });
    return { ...s, url: (target, scheme) => (target === 'nginx' ? s.url(target, scheme) : undefined) };
  },
};
