import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatehouseAnchors, listDir, readText } from './anchor-files';
import { emptyPlan, type Plan, type PlannedCommand } from './privileged-plan';
import type { SystemContext } from './system-context';
import {
  ANCHOR_FILE_PREFIX,
  bundleContains,
  type RootCa,
  type StoreStatus,
  type TrustStore,
} from './trust-store';

/**
 * Debian/Ubuntu system store: the root goes to
 * /usr/local/share/ca-certificates/gatehouse-<id>.crt and update-ca-certificates
 * regenerates /etc/ssl/certs (links + ca-certificates.crt bundle).
 *
 * Removal deletes our anchor file and the links update-ca-certificates made for
 * it (it only cleans orphan links when something else changed), then
 * regenerates: the bundle comes back byte-identical.
 */

export interface DebianStorePaths {
  anchors: string;
  certsDir: string;
  bundle: string;
}

export const DEBIAN_PATHS: DebianStorePaths = {
  anchors: '/usr/local/share/ca-certificates',
  certsDir: '/etc/ssl/certs',
  bundle: '/etc/ssl/certs/ca-certificates.crt',
};

export class DebianStore implements TrustStore {
  readonly id = 'debian';
  readonly label = 'Linux system store (Debian/Ubuntu: update-ca-certificates)';

  constructor(private readonly paths: DebianStorePaths = DEBIAN_PATHS) {}

  static detect(ctx: SystemContext, paths: DebianStorePaths = DEBIAN_PATHS): boolean {
    return ctx.platform === 'linux' && ctx.hasProgram('update-ca-certificates') && fs.existsSync(paths.anchors);
  }

  private anchorFile(ca: RootCa): string {
    return path.join(this.paths.anchors, `${ANCHOR_FILE_PREFIX}${ca.shortId}.crt`);
  }

  /** Our anchor files (current and older roots). */
  private ourAnchors(): string[] {
    return gatehouseAnchors(this.paths.anchors, '.crt');
  }

  /** Links in /etc/ssl/certs that update-ca-certificates made for our anchors (name link and hash links). */
  private ourLinks(): string[] {
    const out: string[] = [];
    for (const name of listDir(this.paths.certsDir)) {
      const full = path.join(this.paths.certsDir, name);
      let target: string;
      try {
        target = fs.readlinkSync(full);
      } catch {
        continue; // not a link
      }
      const base = path.basename(target);
      if (base.startsWith(ANCHOR_FILE_PREFIX) && (base.endsWith('.crt') || base.endsWith('.pem'))) out.push(full);
    }
    return out;
  }

  async status(ca: RootCa): Promise<StoreStatus> {
    const base = { store: this.id, label: this.label };
    const anchor = readText(this.anchorFile(ca));
    const inBundle = bundleContains(readText(this.paths.bundle) ?? '', ca);
    if (anchor !== undefined && inBundle) return { ...base, state: 'trusted', detail: this.anchorFile(ca) };
    if (anchor !== undefined) {
      return {
        ...base,
        state: 'not-trusted',
        detail: `${this.anchorFile(ca)} exists but ${this.paths.bundle} does not contain it`,
        fix: 'run `sudo update-ca-certificates`, or `gatehouse trust`',
      };
    }
    return { ...base, state: 'not-trusted', fix: 'run `gatehouse trust`' };
  }

  async installPlan(ca: RootCa): Promise<Plan> {
    if ((await this.status(ca)).state === 'trusted') return emptyPlan(`${this.label}: already trusted`);
    const target = this.anchorFile(ca);
    const stale = this.ourAnchors().filter((f) => f !== target);
    const commands: PlannedCommand[] = [
      ...stale.map((f) => ({ cmd: 'rm', args: ['-f', f], root: true })),
      ...(stale.length ? this.ourLinks().map((l) => ({ cmd: 'rm', args: ['-f', l], root: true })) : []),
      { cmd: 'install', args: ['-m', '0644', ca.certPath, target], root: true },
      { cmd: 'update-ca-certificates', args: [], root: true },
    ];
    return { commands, notes: stale.length ? [`replacing ${stale.length} older Gatehouse root(s)`] : [] };
  }

  async removePlan(): Promise<Plan> {
    const anchors = this.ourAnchors();
    const links = this.ourLinks();
    if (anchors.length === 0 && links.length === 0) return emptyPlan(`${this.label}: no Gatehouse root installed`);
    return {
      commands: [
        ...[...links, ...anchors].map((f) => ({ cmd: 'rm', args: ['-f', f], root: true })),
        { cmd: 'update-ca-certificates', args: [], root: true },
      ],
      notes: [],
    };
  }
}
