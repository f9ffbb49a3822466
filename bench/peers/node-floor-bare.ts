import { startNodeScriptPeer } from './node-script-peer';
import type { Peer } from './peer';

/**
 * The Node floor with a bare upstream client (bench/peers/bare-h1-client.ts, on Node's own
 * llhttp) in place of undici. Not a product: next to the Node floor in the same run, the
 * difference is what undici costs per request, on the nginx-backend HTTP/1.1, HTTPS and
 * HTTP/2 loads.
 */
export const nodeFloorBarePeer: Peer = {
  id: 'node-floor-bare',
  label: 'Node floor, bare client',
  unavailable: () => undefined,
  version: async () => `Node ${process.versions.node}, llhttp ${process.versions.llhttp}`,
  async start(ctx) {
    const s = await startNodeScriptPeer(ctx, {
      id: 'node-floor-bare',
      label: 'Node floor, bare client',
      script: 'node-floor-server.ts',
      h2: true,
      config: { client: 'bare' },
      notes: [
        'the Node floor with bare-h1-client.ts (Node’s llhttp through the legacy _http_common, one request per connection at a time, no timeouts, no bodies) in place of undici: the difference to the Node floor is what undici costs; nginx-backend loads only (a measurement, not a client to use)',
      ],
    });
    return { ...s, url: (target, scheme) => (target === 'nginx' ? s.url(target, scheme) : undefined) };
  },
};
