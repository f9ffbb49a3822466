import * as path from 'node:path';
import { startProcess, waitForOutput } from '../processes';
import { proxyUrl, type Subject } from '../subjects/subject';
import { PROXY_PATHS, type PeerContext } from './peer';

/**
 * Starts a Node peer that lives in a script of this folder (run through tsx) and takes
 * {httpPort, httpsPort, nginxPort, nodePort, cert, key, nodePaths} as its one JSON argument.
 */
export async function startNodeScriptPeer(
  ctx: PeerContext,
  o: { id: string; label: string; script: string; h2: boolean; notes: string[]; config?: Record<string, unknown> },
): Promise<Subject> {
  const { backends: b, cert } = ctx;
  const config = {
    httpPort: ctx.httpPort,
    httpsPort: ctx.httpsPort,
    nginxPort: b.nginxPort,
    nodePort: b.nodePort,
    cert: cert.certFile,
    key: cert.keyFile,
    nodePaths: [PROXY_PATHS.node, PROXY_PATHS.ws],
    ...o.config,
  };
  const p = startProcess(o.id, process.execPath, ['--import', 'tsx', path.join(__dirname, o.script), JSON.stringify(config)]);
  try {
    await waitForOutput(p, /listening/, 15_000);
  } catch (err) {
    await p.stop();
    throw err;
  }
  return {
    id: o.id,
    label: o.label,
    role: 'peer',
    url: (target, scheme) => proxyUrl({ http: ctx.httpPort, https: ctx.httpsPort }, target, scheme, PROXY_PATHS),
    h2: o.h2,
    pid: p.pid,
    notes: o.notes,
    stop: () => p.stop(),
  };
}
