import { ArchStore } from './arch-store';
import { DebianStore, DEBIAN_PATHS, type DebianStorePaths } from './debian-store';
import { FedoraStore, FEDORA_PATHS, type FedoraStorePaths } from './fedora-store';
import { MacosKeychainStore } from './macos-keychain-store';
import { findNssDatabases } from './nss-databases';
import { NssStore } from './nss-store';
import { executePlan, type PlanOutcome } from './privileged-plan';
import type { SystemContext } from './system-context';
import type { RootCa, StoreStatus, TrustStore } from './trust-store';
import { WindowsStore } from './windows-store';

/**
 * `gatehouse trust` / `untrust` / `trust --status` over every store that
 * applies to this machine: the OS store, then the user's NSS databases.
 */

export interface StoreSelection {
  debianPaths?: DebianStorePaths;
  fedoraPaths?: FedoraStorePaths;
  /** Include the OS store (default true). */
  system?: boolean;
  /** Include NSS databases (default true). */
  nss?: boolean;
}

export function detectStores(ctx: SystemContext, selection: StoreSelection = {}): TrustStore[] {
  const stores: TrustStore[] = [];
  if (selection.system !== false) {
    const debian = selection.debianPaths ?? DEBIAN_PATHS;
    const fedora = selection.fedoraPaths ?? FEDORA_PATHS;
    if (DebianStore.detect(ctx, debian)) stores.push(new DebianStore(debian));
    else if (FedoraStore.detect(ctx, fedora)) stores.push(new FedoraStore(fedora));
    else if (ArchStore.detect(ctx)) stores.push(new ArchStore(ctx));
    else if (MacosKeychainStore.detect(ctx)) stores.push(new MacosKeychainStore(ctx));
    else if (WindowsStore.detect(ctx)) stores.push(new WindowsStore(ctx));
  }
  if (selection.nss !== false) {
    for (const db of findNssDatabases(ctx)) stores.push(new NssStore(ctx, db));
  }
  return stores;
}

export interface StoreChange {
  store: string;
  label: string;
  outcome: PlanOutcome['outcome'] | 'unavailable';
  notes: string[];
  ran: string[];
  /** Exact lines to run by hand when Gatehouse could not (no elevation available, or a failure). */
  manual: string[];
  error?: string;
  fix?: string;
}

export interface TrustReport {
  action: 'trust' | 'untrust';
  changes: StoreChange[];
  /** True when every available store ended in the wanted state. */
  ok: boolean;
}

async function apply(
  action: 'trust' | 'untrust',
  ca: RootCa,
  stores: readonly TrustStore[],
  ctx: SystemContext,
): Promise<TrustReport> {
  const changes: StoreChange[] = [];
  for (const store of stores) {
    const status = await store.status(ca);
    const base = { store: store.id, label: store.label };
    if (status.state === 'unavailable') {
      changes.push({ ...base, outcome: 'unavailable', notes: [], ran: [], manual: [], error: status.detail, fix: status.fix });
      continue;
    }
    const plan = action === 'trust' ? await store.installPlan(ca) : await store.removePlan(ca);
    const result = await executePlan(plan, ctx);
    changes.push({ ...base, outcome: result.outcome, notes: plan.notes, ran: result.ran, manual: result.manual, error: result.error });
  }
  return { action, changes, ok: changes.every((c) => c.outcome === 'done' || c.outcome === 'nothing-to-do' || c.outcome === 'unavailable') };
}

export function trustRoot(ca: RootCa, stores: readonly TrustStore[], ctx: SystemContext): Promise<TrustReport> {
  return apply('trust', ca, stores, ctx);
}

export function untrustRoot(ca: RootCa, stores: readonly TrustStore[], ctx: SystemContext): Promise<TrustReport> {
  return apply('untrust', ca, stores, ctx);
}

export function trustStatus(ca: RootCa, stores: readonly TrustStore[]): Promise<StoreStatus[]> {
  return Promise.all(stores.map((s) => s.status(ca)));
}

export function nodeExtraCaHint(ca: Pick<RootCa, 'certPath'>): string {
  return (
    'Node.js ignores the OS store. To make Node-based tools (npm scripts, test runners, undici/fetch) trust Gatehouse:\n' +
    `  export NODE_EXTRA_CA_CERTS="${ca.certPath}"`
  );
}

const MARK: Record<StoreChange['outcome'], string> = {
  done: '✓',
  'nothing-to-do': '✓',
  failed: '✗',
  manual: '!',
  unavailable: '-',
};

export function formatTrustReport(report: TrustReport, ca: RootCa): string[] {
  const verb = report.action === 'trust' ? 'trusted' : 'removed';
  const lines = [`Gatehouse root: ${ca.commonName} (SHA-256 ${ca.sha256})`];
  if (report.changes.length === 0) lines.push('  no trust stores found on this machine');
  for (const c of report.changes) {
    const what =
      c.outcome === 'done'
        ? verb
        : c.outcome === 'nothing-to-do'
          ? report.action === 'trust'
            ? 'already trusted'
            : 'nothing to remove'
          : c.outcome === 'failed'
            ? `failed — ${c.error ?? 'unknown error'}`
            : c.outcome === 'manual'
              ? 'needs root — run the commands below'
              : `skipped — ${c.fix ?? c.error ?? 'not available'}`;
    lines.push(`  ${MARK[c.outcome]} ${c.label}: ${what}`);
    for (const n of c.notes) if (!/already trusted|no Gatehouse root installed|skipped —/.test(n)) lines.push(`      ${n}`);
  }
  const manual = report.changes.flatMap((c) => (c.outcome === 'manual' || c.outcome === 'failed' ? c.manual : []));
  if (manual.length) {
    lines.push('', 'Run these commands as an administrator to finish:');
    lines.push(...manual.map((m) => `  ${m}`));
  }
  if (report.action === 'trust') lines.push('', nodeExtraCaHint(ca));
  return lines;
}

export function formatStatus(statuses: readonly StoreStatus[], ca: RootCa): string[] {
  const lines = [`Gatehouse root: ${ca.commonName} (SHA-256 ${ca.sha256})`, `  file: ${ca.certPath}`];
  if (statuses.length === 0) lines.push('  no trust stores found on this machine');
  for (const s of statuses) {
    const mark = s.state === 'trusted' ? '✓' : s.state === 'unavailable' ? '-' : '✗';
    const state = s.state === 'trusted' ? 'trusted' : s.state === 'unavailable' ? 'unavailable' : 'NOT trusted';
    lines.push(`  ${mark} ${s.label}: ${state}${s.detail ? ` (${s.detail})` : ''}${s.fix && s.state !== 'trusted' ? ` — fix: ${s.fix}` : ''}`);
  }
  return lines;
}
