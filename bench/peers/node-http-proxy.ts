import * as fs from 'node:fs';
import { startNodeScriptPeer } from './node-script-peer';
import type { Peer } from './peer';

/** node-http-proxy (npm http-proxy): the Node peer. HTTP/1.1 and HTTPS (http/1.1) only; no HTTP/2. */
export const nodeHttpProxyPeer: Peer = {
  id: 'node-http-proxy',
  label: 'node-http-proxy',
  unavailable: () => {
    try {
      require.resolve('http-proxy');
      return undefined;
    } catch {
      return 'npm package http-proxy is not installed (npm install)';
    }
  },
  version: async () => {
    const pkg = JSON.parse(fs.readFileSync(require.resolve('http-proxy/package.json'), 'utf8')) as { version: string };
    return `${pkg.version} on Node ${process.versions.node}`;
  },
  start: (ctx) =>
    startNodeScriptPeer(ctx, {
      id: 'node-http-proxy',
      label: 'node-http-proxy',
      script: 'node-http-proxy-server.ts',
      h2: false,
      notes: ['http-proxy with a keep-alive agent; no HTTP/2'],
    }),
};
