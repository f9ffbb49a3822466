import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatehouseAnchors, readText } from './anchor-files';
import { emptyPlan, type Plan } from './privileged-plan';
import type { SystemContext } from './system-context';
import { ANCHOR_FILE_PREFIX, bundleContains, type RootCa, type StoreStatus, type TrustStore } from './trust-store';

/**
 * Fedora/RHEL/CentOS system store: the root goes to
 * /etc/pki/ca-trust/source/anchors/gatehouse-<id>.pem and `update-ca-trust extract`
 * regenerates the extracted bundles.
 */

export interface FedoraStorePaths {
  anchors: string;
  bundle: string;
}

export const FEDORA_PATHS: FedoraStorePaths = {
  anchors: '/etc/pki/ca-trust/source/anchors',
  bundle: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
};

export class FedoraStore implements TrustStore {
  readonly id = 'fedora';
  readonly label = 'Linux system store (Fedora/RHEL: update-ca-trust)';

  constructor(private readonly paths: FedoraStorePaths = FEDORA_PATHS) {}

  static detect(ctx: SystemContext, paths: FedoraStorePaths = FEDORA_PATHS): boolean {
    return ctx.platform === 'linux' && ctx.hasProgram('update-ca-trust') && fs.existsSync(paths.anchors);
  }

  private anchorFile(ca: RootCa): string {
    return path.join(this.paths.anchors, `${ANCHOR_FILE_PREFIX}${ca.shortId}.pem`);
  }

  async status(ca: RootCa): Promise<StoreStatus> {
    const base = { store: this.id, label: this.label };
    const present = readText(this.anchorFile(ca)) !== undefined;
    const inBundle = bundleContains(readText(this.paths.bundle) ?? '', ca);
    if (present && inBundle) return { ...base, state: 'trusted', detail: this.anchorFile(ca) };
    if (present) {
      return {
        ...base,
        state: 'not-trusted',
        detail: `${this.anchorFile(ca)} exists but was not extracted into ${this.paths.bundle}`,
        fix: 'run `sudo update-ca-trust extract`, or `gatehouse trust`',
      };
    }
    return { ...base, state: 'not-trusted', fix: 'run `gatehouse trust`' };
  }

  async installPlan(ca: RootCa): Promise<Plan> {
    if ((await this.status(ca)).state === 'trusted') return emptyPlan(`${this.label}: already trusted`);
    const target = this.anchorFile(ca);
    const stale = gatehouseAnchors(this.paths.anchors, '.pem').filter((f) => f !== target);
    return {
      commands: [
        ...stale.map((f) => ({ cmd: 'rm', args: ['-f', f], root: true })),
        { cmd: 'install', args: ['-m', '0644', ca.certPath, target], root: true },
        { cmd: 'update-ca-trust', args: ['extract'], root: true },
      ],
      notes: stale.length ? [`replacing ${stale.length} older Gatehouse root(s)`] : [],
    };
  }

  async removePlan(): Promise<Plan> {
    const anchors = gatehouseAnchors(this.paths.anchors, '.pem');
    if (anchors.length === 0) return emptyPlan(`${this.label}: no Gatehouse root installed`);
    return {
      commands: [
        ...anchors.map((f) => ({ cmd: 'rm', args: ['-f', f], root: true })),
        { cmd: 'update-ca-trust', args: ['extract'], root: true },
      ],
      notes: [],
    };
  }
}
