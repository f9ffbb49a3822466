import * as net from 'node:net';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (a === '::1' || a === 'localhost') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/**
 * The warning to print when the listen addresses reach beyond this machine
 * (the user opted in to LAN access with "listen"), or undefined when they are
 * all loopback. Pure.
 */
export function lanExposureWarning(listen: readonly string[]): string | undefined {
  const exposed = listen.filter((a) => !isLoopbackAddress(a));
  if (exposed.length === 0) return undefined;
  return (
    `listening on ${exposed.join(', ')} (from "listen"): your routes and dev servers are reachable from other machines on the network, ` +
    'with no authentication; remove these addresses from "listen" to keep Gatehouse on loopback only'
  );
}
