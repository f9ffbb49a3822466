/** A thing the loads are pointed at: the backend itself, Gatehouse, or a peer proxy. */
export type Target = 'nginx' | 'node' | 'ws';
export type Scheme = 'http' | 'https';

export interface Subject {
  /** Stable id used in the JSON: direct, gatehouse, gatehouse-norec, nginx, caddy, haproxy, node-http-proxy, node-floor, node-floor-bare, node-floor-cluster, node-llhttp, node-splice. */
  id: string;
  label: string;
  role: 'baseline' | 'gatehouse' | 'peer';
  /** Base URL (ending in the target's path) for a target and scheme, or undefined when not offered. */
  url(target: Target, scheme: Scheme): string | undefined;
  /** Serves HTTP/2 over TLS (ALPN h2) on its HTTPS URL. */
  h2: boolean;
  /** Root process whose tree's RSS is this subject's memory. */
  pid: number;
  /** false: count the root process alone (Gatehouse's only child is tsx's esbuild helper). */
  rssTree?: boolean;
  /** Versions and config notes for the report. */
  notes: string[];
  /**
   * Bytes the subject's traffic recorder holds now (Gatehouse: recording.get's totalBytes),
   * so an RSS figure can be split into what it keeps on purpose and the rest; absent for peers.
   */
  recordedBytes?(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface ProxyPorts {
  http: number;
  https: number;
}

/** URLs for a proxy that serves every target on one HTTP and one HTTPS port. */
export function proxyUrl(ports: ProxyPorts, target: Target, scheme: Scheme, paths: Record<Target, string>): string {
  if (target === 'ws') return `${scheme === 'https' ? 'wss' : 'ws'}://localhost:${scheme === 'https' ? ports.https : ports.http}${paths.ws}`;
  return `${scheme}://localhost:${scheme === 'https' ? ports.https : ports.http}${paths[target]}`;
}
