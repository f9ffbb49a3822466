import * as path from 'node:path';
import type { PeerCertificate } from '../certs';
import { startProcess, waitForOutput } from '../processes';
import { waitForPort } from '../ports';
import type { Backends } from './backend';
import { startNginxBackend } from './nginx-backend';

export async function startBackends(
  dir: string,
  ports: { nginx: number; nginxTls: number; node: number },
  cert: PeerCertificate,
): Promise<Backends> {
  const nginx = await startNginxBackend(path.join(dir, 'nginx-backend'), ports.nginx, ports.nginxTls, cert);
  const node = startProcess('node-backend', process.execPath, [
    '--import',
    'tsx',
    path.join(__dirname, 'node-backend-server.ts'),
    String(ports.node),
  ]);
  try {
    await waitForOutput(node, /listening/, 15_000);
    await waitForPort(ports.node, 5_000);
  } catch (err) {
    await Promise.all([node.stop(), nginx.stop()]);
    throw err;
  }
  return {
    nginxPort: ports.nginx,
    nginxTlsPort: ports.nginxTls,
    nodePort: ports.node,
    nginxPid: nginx.pid,
    nodePid: node.pid,
    stop: async () => {
      await Promise.all([node.stop(), nginx.stop()]);
    },
  };
}
