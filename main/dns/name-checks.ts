import * as dns from 'node:dns';
import * as net from 'node:net';
import type { DoctorCheck } from '../trust/doctor-check';

/** Doctor checks: does each configured host resolve to this machine through the system resolver? */

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemLookup: Lookup = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

function isLoopback(address: string): boolean {
  return address === '::1' || (net.isIPv4(address) && address.startsWith('127.')) || address.startsWith('::ffff:127.');
}

export async function checkNames(hosts: readonly string[], lookup: Lookup = systemLookup): Promise<DoctorCheck[]> {
  const names = [...new Set(hosts.map((h) => h.toLowerCase()))];
  const checks: DoctorCheck[] = [];
  const wildcards = names.filter((h) => h.startsWith('*.'));
  for (const host of names.filter((h) => !h.startsWith('*.'))) {
    try {
      const addresses = (await lookup(host)).map((a) => a.address);
      if (addresses.length > 0 && addresses.every(isLoopback)) {
        checks.push({ area: 'dns', status: 'ok', message: `${host} resolves to ${addresses.join(', ')}` });
      } else {
        checks.push({
          area: 'dns',
          status: 'fail',
          message: `${host} resolves to ${addresses.join(', ') || 'nothing'}, not to this machine`,
          fix: 'run `gatehouse dns setup` (or `gatehouse dns setup --hosts`), or check /etc/hosts for an old entry',
        });
      }
    } catch (err) {
      checks.push({
        area: 'dns',
        status: 'fail',
        message: `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        fix: host.endsWith('.localhost')
          ? 'browsers resolve *.localhost themselves; for other tools run `gatehouse dns setup --hosts`'
          : 'run `gatehouse dns setup` while Gatehouse runs, or `gatehouse dns setup --hosts`',
      });
    }
  }
  for (const w of wildcards) {
    checks.push({ area: 'dns', status: 'ok', message: `${w}: wildcard (resolves through the DNS responder only; not checked)` });
  }
  return checks;
}
