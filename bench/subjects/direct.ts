import { NODE_PATH, WS_PATH, type Backends } from '../backends/backend';
import type { Subject } from './subject';

/** The baseline: the loads go straight to the backends. */
export function directSubject(b: Backends): Subject {
  return {
    id: 'direct',
    label: 'direct',
    role: 'baseline',
    url(target, scheme) {
      if (target === 'nginx') return scheme === 'http' ? `http://localhost:${b.nginxPort}/` : `https://localhost:${b.nginxTlsPort}/`;
      if (target === 'node') return scheme === 'http' ? `http://localhost:${b.nodePort}${NODE_PATH}` : undefined;
      return scheme === 'http' ? `ws://localhost:${b.nodePort}${WS_PATH}` : undefined;
    },
    h2: true,
    pid: b.nginxPid,
    notes: ['nginx backend (1 worker) for / and HTTPS; Node backend for /node and WebSocket'],
    stop: async () => {},
  };
}
