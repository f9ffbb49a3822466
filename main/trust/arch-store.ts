import { emptyPlan, type Plan } from './privileged-plan';
import type { SystemContext } from './system-context';
import { ROOT_NAME_PREFIX, type RootCa, type StoreStatus, type TrustStore } from './trust-store';
import * as fs from 'node:fs';

/**
 * Arch Linux (and other p11-kit systems without update-ca-certificates):
 * `trust anchor --store` adds the root and regenerates the compat bundles;
 * `trust anchor --remove` takes it out again. Roots are found by label.
 */

export interface P11KitAnchor {
  uri: string;
  label: string;
}

/** Parses `trust list --filter=ca-anchors` output into (uri, label) pairs. Pure. */
export function parseTrustList(output: string): P11KitAnchor[] {
  const anchors: P11KitAnchor[] = [];
  let uri: string | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('pkcs11:')) {
      uri = line.trim();
      continue;
    }
    const m = /^\s+label:\s*(.*)$/.exec(line);
    if (m && uri) {
      anchors.push({ uri, label: m[1]!.trim() });
      uri = undefined;
    }
  }
  return anchors;
}

export class ArchStore implements TrustStore {
  readonly id = 'p11-kit';
  readonly label = 'Linux system store (Arch/p11-kit: trust anchor)';

  constructor(private readonly ctx: SystemContext) {}

  static detect(ctx: SystemContext): boolean {
    return ctx.platform === 'linux' && ctx.hasProgram('trust') && fs.existsSync('/etc/ca-certificates/trust-source');
  }

  private async anchors(): Promise<P11KitAnchor[]> {
    const r = await this.ctx.run({ cmd: 'trust', args: ['list', '--filter=ca-anchors'] });
    return r.code === 0 ? parseTrustList(r.stdout).filter((a) => a.label.startsWith(ROOT_NAME_PREFIX)) : [];
  }

  async status(ca: RootCa): Promise<StoreStatus> {
    const base = { store: this.id, label: this.label };
    const found = (await this.anchors()).some((a) => a.label === ca.commonName);
    return found ? { ...base, state: 'trusted' } : { ...base, state: 'not-trusted', fix: 'run `gatehouse trust`' };
  }

  async installPlan(ca: RootCa): Promise<Plan> {
    const anchors = await this.anchors();
    if (anchors.some((a) => a.label === ca.commonName)) return emptyPlan(`${this.label}: already trusted`);
    return {
      commands: [
        ...anchors.map((a) => ({ cmd: 'trust', args: ['anchor', '--remove', a.uri], root: true })),
        { cmd: 'trust', args: ['anchor', '--store', ca.certPath], root: true },
      ],
      notes: anchors.length ? [`replacing ${anchors.length} older Gatehouse root(s)`] : [],
    };
  }

  async removePlan(): Promise<Plan> {
    const anchors = await this.anchors();
    if (anchors.length === 0) return emptyPlan(`${this.label}: no Gatehouse root installed`);
    return {
      commands: anchors.map((a) => ({ cmd: 'trust', args: ['anchor', '--remove', a.uri], root: true })),
      notes: [],
    };
  }
}
