/** What the backends serve, and where. */
export const SMALL_BODY = 'Hello from the Gatehouse benchmark backend.\n';
export const LARGE_PATH = '/10mb.bin';
export const LARGE_SIZE = 10 * 1024 * 1024;
/** Path prefixes served by the Node backend (everything else goes to the nginx backend). */
export const NODE_PATH = '/node';
export const WS_PATH = '/ws';

export interface Backends {
  /** nginx serving SMALL_BODY at / and a LARGE_SIZE static file at LARGE_PATH, plain HTTP. */
  nginxPort: number;
  /** the same nginx over TLS (h2 + http/1.1), used for the direct-to-backend HTTPS figures. */
  nginxTlsPort: number;
  /** Node http server: SMALL_BODY for any GET, WebSocket echo on WS_PATH. */
  nodePort: number;
  nginxPid: number;
  nodePid: number;
  stop(): Promise<void>;
}
