import * as fs from 'node:fs';
import * as path from 'node:path';
import { startProcess, waitForOutput } from '../processes';
import { proxyUrl } from '../subjects/subject';
import { PROXY_PATHS, type Peer } from './peer';

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
    const p = startProcess('node-http-proxy', process.execPath, [
      '--import',
      'tsx',
      path.join(__dirname, 'node-http-proxy-server.ts'),
      JSON.stringify(config),
    ]);
    try {
      await waitForOutput(p, /listening/, 15_000);
    } catch (err) {
      await p.stop();
      throw err;
    }
    return {
      id: 'node-http-proxy',
      label: 'node-http-proxy',
      role: 'peer',
      url: (target, scheme) => proxyUrl({ http: ctx.httpPort, https: ctx.httpsPort }, target, scheme, PROXY_PATHS),
      h2: false,
      pid: p.pid,
      notes: ['http-proxy with a keep-alive agent; no HTTP/2'],
      stop: () => p.stop(),
    };
  },
};
