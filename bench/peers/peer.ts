import type { Backends } from '../backends/backend';
import { NODE_PATH, WS_PATH } from '../backends/backend';
import type { PeerCertificate } from '../certs';
import type { Subject, Target } from '../subjects/subject';

export interface PeerContext {
  dir: string;
  backends: Backends;
  cert: PeerCertificate;
  httpPort: number;
  httpsPort: number;
}

export interface Peer {
  id: string;
  label: string;
  /** Why this peer cannot run here (not installed), or undefined when it can. */
  unavailable(): string | undefined;
  version(): Promise<string>;
  start(ctx: PeerContext): Promise<Subject>;
}

/** Every proxy (peers and Gatehouse) serves the same paths: / → nginx backend, /node and /ws → Node backend. */
export const PROXY_PATHS: Record<Target, string> = { nginx: '/', node: NODE_PATH, ws: WS_PATH };
