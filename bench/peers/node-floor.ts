import * as fs from 'node:fs';
import * as path from 'node:path';
import { startProcess, waitForOutput } from '../processes';
import { proxyUrl } from '../subjects/subject';
import { PROXY_PATHS, type Peer } from './peer';

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
  async start(ctx) {
    const { backends: b, cert } = ctx;
    const config = {
      httpPort: ctx.httpPort,
      httpsPort: ctx.httpsPort,
      nginxPort: b.nginxPort,
      nodePort: b.nodePort,
      cert: cert.certFile,
      key: cert.keyFile,
      nodePaths: [PROXY_PATHS.node, PROXY_PATHS.ws],
    };
    const p = startProcess('node-floor', process.execPath, ['--import', 'tsx', path.join(__dirname, 'node-floor-server.ts'), JSON.stringify(config)]);
    try {
      await waitForOutput(p, /listening/, 15_000);
    } catch (err) {
      await p.stop();
      throw err;
    }
    return {
      id: 'node-floor',
      label: 'Node floor',
      role: 'peer',
      url: (target, scheme) => proxyUrl({ http: ctx.httpPort, https: ctx.httpsPort }, target, scheme, PROXY_PATHS),
      h2: true,
      pid: p.pid,
      notes: ['node:http / node:http2 + undici Pool.dispatch, raw headers passed through, nothing else: the least a proxy on this stack costs'],
      stop: () => p.stop(),
    };
  },
};
