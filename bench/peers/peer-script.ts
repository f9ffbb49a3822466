// What the Node peer scripts (node-floor-server.ts, node-http-proxy-server.ts) share: the
// JSON argument startNodeScriptPeer passes, and listening on both ports until a signal.
import type * as net from 'node:net';

export interface PeerScriptConfig {
  httpPort: number;
  httpsPort: number;
  nginxPort: number;
  nodePort: number;
  cert: string;
  key: string;
  nodePaths: string[];
  /** The Node floor's upstream client: undici (the default) or the bare llhttp one (bare-h1-client.ts). */
  client?: 'undici' | 'bare';
}

export function peerScriptConfig(): PeerScriptConfig {
  return JSON.parse(process.argv[2]!) as PeerScriptConfig;
}

/** Listens on 127.0.0.1 with both servers, prints "<name> listening" once both are up, exits on SIGTERM/SIGINT. */
export function listenBoth(cfg: PeerScriptConfig, plain: net.Server, secure: net.Server, name: string): void {
  let up = 0;
  const ready = () => {
    if (++up === 2) console.log(`${name} listening`);
  };
  plain.listen(cfg.httpPort, '127.0.0.1', 4096, ready);
  secure.listen(cfg.httpsPort, '127.0.0.1', 4096, ready);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
