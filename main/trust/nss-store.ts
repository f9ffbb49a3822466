import { emptyPlan, type Plan, type PlannedCommand } from './privileged-plan';
import type { SystemContext } from './system-context';
import { bundleContains, ROOT_NAME_PREFIX, type RootCa, type StoreStatus, type TrustStore } from './trust-store';
import type { NssDatabase } from './nss-databases';

/**
 * One NSS database (Chrome/Chromium on Linux, a Firefox profile), changed with
 * NSS's certutil. The root's nickname is its CN, so older Gatehouse roots are
 * found and replaced; whether the current root is trusted is decided by the
 * certificates' content, whatever their nickname. No root needed: the databases
 * belong to the user.
 */

export const CERTUTIL_PACKAGES =
  'install certutil: libnss3-tools (Debian/Ubuntu), nss-tools (Fedora/RHEL), nss (Arch), `brew install nss` (macOS)';

export interface NssEntry {
  nickname: string;
  trust: string;
}

/** Parses `certutil -L -d <db>` (nickname, then trust attributes such as "C,,"). Pure. */
export function parseCertutilList(output: string): NssEntry[] {
  const entries: NssEntry[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.*\S)\s{2,}(\S*,\S*,\S*)\s*$/.exec(line);
    if (m && !/^Certificate Nickname/.test(line)) entries.push({ nickname: m[1]!, trust: m[2]! });
  }
  return entries;
}

export class NssStore implements TrustStore {
  readonly id: string;
  readonly label: string;

  constructor(
    private readonly ctx: SystemContext,
    private readonly db: NssDatabase,
  ) {
    this.id = `nss:${db.dir}`;
    this.label = db.label;
  }

  private get dbArg(): string {
    return `${this.db.kind}:${this.db.dir}`;
  }

  private available(): boolean {
    return this.ctx.hasProgram('certutil');
  }

  /** Every certificate the database lists (none when it does not exist yet). */
  private async listed(): Promise<NssEntry[]> {
    if (this.db.create) return [];
    const r = await this.ctx.run({ cmd: 'certutil', args: ['-L', '-d', this.dbArg] });
    return r.code === 0 ? parseCertutilList(r.stdout) : [];
  }

  /** The entries Gatehouse put there (nicknamed after a root's CN). */
  private async entries(): Promise<NssEntry[]> {
    return (await this.listed()).filter((e) => e.nickname.startsWith(ROOT_NAME_PREFIX));
  }

  /** Whether the certificate(s) under `nickname` include this root (compared by content). */
  private async holds(nickname: string, ca: RootCa): Promise<boolean> {
    const r = await this.ctx.run({ cmd: 'certutil', args: ['-L', '-d', this.dbArg, '-n', nickname, '-a'] });
    return r.code === 0 && bundleContains(r.stdout, ca);
  }

  async status(ca: RootCa): Promise<StoreStatus> {
    const base = { store: this.id, label: this.label };
    if (!this.available()) return { ...base, state: 'unavailable', detail: 'certutil is not installed', fix: CERTUTIL_PACKAGES };
    if (this.db.create) {
      return { ...base, state: 'not-trusted', detail: 'database not created yet', fix: 'run `gatehouse trust`' };
    }
    // Found by content, not by name: the root may have been imported by hand under a nickname
    // of the user's own, and an entry under its CN may hold another certificate.
    const all = await this.listed();
    const trustsAsCa = (e: NssEntry) => e.trust.split(',')[0]!.includes('C');
    const candidates = [...all.filter((e) => e.nickname === ca.commonName), ...all.filter((e) => e.nickname !== ca.commonName && trustsAsCa(e))];
    let untrusted: NssEntry | undefined;
    for (const e of candidates) {
      if (!(await this.holds(e.nickname, ca))) continue;
      if (trustsAsCa(e)) {
        return e.nickname === ca.commonName
          ? { ...base, state: 'trusted' }
          : { ...base, state: 'trusted', detail: `under the nickname "${e.nickname}" (added outside Gatehouse; \`gatehouse untrust\` leaves it)` };
      }
      untrusted = e;
    }
    return {
      ...base,
      state: 'not-trusted',
      detail: untrusted ? `present without CA trust (${untrusted.trust})` : undefined,
      fix: 'run `gatehouse trust`',
    };
  }

  async installPlan(ca: RootCa): Promise<Plan> {
    if (!this.available()) return emptyPlan(`${this.label}: skipped — ${CERTUTIL_PACKAGES}`);
    if ((await this.status(ca)).state === 'trusted') return emptyPlan(`${this.label}: already trusted`);
    const commands: PlannedCommand[] = [];
    if (this.db.create) {
      commands.push(
        { cmd: 'mkdir', args: ['-p', this.db.dir], root: false },
        { cmd: 'certutil', args: ['-N', '--empty-password', '-d', this.dbArg], root: false },
      );
    }
    for (const e of await this.entries()) {
      commands.push({ cmd: 'certutil', args: ['-D', '-d', this.dbArg, '-n', e.nickname], root: false });
    }
    commands.push({
      cmd: 'certutil',
      args: ['-A', '-d', this.dbArg, '-t', 'C,,', '-n', ca.commonName, '-i', ca.certPath],
      root: false,
    });
    return { commands, notes: [] };
  }

  async removePlan(): Promise<Plan> {
    if (!this.available()) return emptyPlan(`${this.label}: skipped — ${CERTUTIL_PACKAGES}`);
    const entries = await this.entries();
    if (entries.length === 0) return emptyPlan(`${this.label}: no Gatehouse root installed`);
    return {
      commands: entries.map((e) => ({ cmd: 'certutil', args: ['-D', '-d', this.dbArg, '-n', e.nickname], root: false })),
      notes: [],
    };
  }
}
