import { emptyPlan, type Plan } from './privileged-plan';
import type { SystemContext } from './system-context';
import { ROOT_NAME_PREFIX, type RootCa, type StoreStatus, type TrustStore } from './trust-store';

/**
 * Windows: the current user's Root store via certutil (no administrator needed;
 * Windows shows its own confirmation dialog). Chrome and Edge use this store.
 */

export interface WindowsStoreEntry {
  subject: string;
  sha1: string;
}

/** Parses `certutil -user -store Root` output into (subject, SHA-1) pairs. Pure. */
export function parseCertutilStore(output: string): WindowsStoreEntry[] {
  const entries: WindowsStoreEntry[] = [];
  let subject: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    const s = /^Subject:\s*(.*)$/.exec(line);
    if (s) subject = s[1]!.trim();
    const h = /^Cert Hash\(sha1\):\s*([0-9a-fA-F ]+)$/.exec(line);
    if (h && subject !== undefined) {
      entries.push({ subject, sha1: h[1]!.replace(/\s+/g, '').toUpperCase() });
      subject = undefined;
    }
  }
  return entries;
}

export class WindowsStore implements TrustStore {
  readonly id = 'windows-user-root';
  readonly label = 'Windows current-user Root store';

  constructor(private readonly ctx: SystemContext) {}

  static detect(ctx: SystemContext): boolean {
    return ctx.platform === 'win32';
  }

  private async ours(): Promise<WindowsStoreEntry[]> {
    const r = await this.ctx.run({ cmd: 'certutil', args: ['-user', '-store', 'Root'] });
    if (r.code !== 0) return [];
    return parseCertutilStore(r.stdout).filter((e) => e.subject.includes(`CN=${ROOT_NAME_PREFIX}`));
  }

  async status(ca: RootCa): Promise<StoreStatus> {
    const base = { store: this.id, label: this.label };
    const found = (await this.ours()).some((e) => e.sha1 === ca.sha1);
    return found ? { ...base, state: 'trusted' } : { ...base, state: 'not-trusted', fix: 'run `gatehouse trust`' };
  }

  async installPlan(ca: RootCa): Promise<Plan> {
    const ours = await this.ours();
    if (ours.some((e) => e.sha1 === ca.sha1)) return emptyPlan(`${this.label}: already trusted`);
    return {
      commands: [
        ...ours.map((e) => ({ cmd: 'certutil', args: ['-delstore', '-user', 'Root', e.sha1], root: false })),
        { cmd: 'certutil', args: ['-addstore', '-user', 'Root', ca.certPath], root: false },
      ],
      notes: ['Windows asks you to confirm adding the certificate'],
    };
  }

  async removePlan(): Promise<Plan> {
    const ours = await this.ours();
    if (ours.length === 0) return emptyPlan(`${this.label}: no Gatehouse root installed`);
    return {
      commands: ours.map((e) => ({ cmd: 'certutil', args: ['-delstore', '-user', 'Root', e.sha1], root: false })),
      notes: [],
    };
  }
}
