import * as path from 'node:path';
import { emptyPlan, type Plan, type PlannedCommand } from './privileged-plan';
import type { SystemContext } from './system-context';
import { ROOT_NAME_PREFIX, type RootCa, type StoreStatus, type TrustStore } from './trust-store';

/**
 * macOS keychains via `security`: the login keychain (the user confirms with
 * their password in a system dialog), or the System keychain when run as root
 * (`sudo gatehouse trust`). Roots are found by name and SHA-1.
 */

export const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

/** SHA-1 hashes in `security find-certificate -a -Z` output. Pure. */
export function parseSha1Hashes(output: string): string[] {
  return [...output.matchAll(/SHA-1 hash:\s*([0-9A-Fa-f]{40})/g)].map((m) => m[1]!.toUpperCase());
}

export class MacosKeychainStore implements TrustStore {
  readonly id = 'macos-keychain';
  readonly label: string;
  private readonly loginKeychain: string;

  constructor(private readonly ctx: SystemContext) {
    this.loginKeychain = path.join(ctx.homeDir, 'Library', 'Keychains', 'login.keychain-db');
    this.label = ctx.isRoot ? 'macOS System keychain' : 'macOS login keychain';
  }

  static detect(ctx: SystemContext): boolean {
    return ctx.platform === 'darwin';
  }

  private async hashesIn(keychain: string): Promise<string[]> {
    const r = await this.ctx.run({ cmd: 'security', args: ['find-certificate', '-a', '-Z', '-c', ROOT_NAME_PREFIX, keychain] });
    return r.code === 0 ? parseSha1Hashes(r.stdout) : [];
  }

  async status(ca: RootCa): Promise<StoreStatus> {
    const base = { store: this.id, label: this.label };
    const [login, system] = await Promise.all([this.hashesIn(this.loginKeychain), this.hashesIn(SYSTEM_KEYCHAIN)]);
    if (login.includes(ca.sha1)) return { ...base, state: 'trusted', detail: 'login keychain' };
    if (system.includes(ca.sha1)) return { ...base, state: 'trusted', detail: 'System keychain' };
    return { ...base, state: 'not-trusted', fix: 'run `gatehouse trust` (or `sudo gatehouse trust` for the System keychain)' };
  }

  private deleteCommands(hashes: string[], keychain: string, root: boolean): PlannedCommand[] {
    return hashes.map((h) => ({ cmd: 'security', args: ['delete-certificate', '-Z', h, keychain], root }));
  }

  async installPlan(ca: RootCa): Promise<Plan> {
    if ((await this.status(ca)).state === 'trusted') return emptyPlan(`${this.label}: already trusted`);
    const system = this.ctx.isRoot;
    const keychain = system ? SYSTEM_KEYCHAIN : this.loginKeychain;
    const stale = (await this.hashesIn(keychain)).filter((h) => h !== ca.sha1);
    return {
      commands: [
        ...this.deleteCommands(stale, keychain, system),
        {
          cmd: 'security',
          args: ['add-trusted-cert', ...(system ? ['-d'] : []), '-r', 'trustRoot', '-k', keychain, ca.certPath],
          root: system,
        },
      ],
      notes: system ? [] : ['macOS asks for your password to change the login keychain\'s trust settings'],
    };
  }

  async removePlan(ca: RootCa): Promise<Plan> {
    const [login, system] = await Promise.all([this.hashesIn(this.loginKeychain), this.hashesIn(SYSTEM_KEYCHAIN)]);
    if (login.length === 0 && system.length === 0) return emptyPlan(`${this.label}: no Gatehouse root installed`);
    const commands: PlannedCommand[] = [];
    if (login.includes(ca.sha1)) {
      commands.push({ cmd: 'security', args: ['remove-trusted-cert', ca.certPath], root: false, optional: true });
    }
    commands.push(...this.deleteCommands(login, this.loginKeychain, false));
    if (system.includes(ca.sha1)) {
      commands.push({ cmd: 'security', args: ['remove-trusted-cert', '-d', ca.certPath], root: true, optional: true });
    }
    commands.push(...this.deleteCommands(system, SYSTEM_KEYCHAIN, true));
    return { commands, notes: [] };
  }
}
