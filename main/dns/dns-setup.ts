import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyPlan, type Plan, type PlannedCommand } from '../trust/privileged-plan';
import type { SystemContext } from '../trust/system-context';
import { hasHostsBlock, hostsEntries, withHostsBlock, withoutHostsBlock } from './hosts-block';
import { isManagedFile, macosResolverFile, resolvedDropIn, routedSuffixes } from './resolver-files';

/**
 * `gatehouse dns setup` / `dns teardown`: points the OS resolver at the built-in
 * DNS responder for the configured suffixes —
 *   macOS: /etc/resolver/<suffix> files;
 *   Linux with systemd-resolved: a drop-in routing ~suffix to the responder;
 *   otherwise, or with --hosts: a managed block in the hosts file.
 * Produces a Plan (commands, some needing root) plus a description of each change.
 * Paths are injectable so tests never touch the real /etc.
 */

export interface DnsSetupPaths {
  hosts: string;
  resolverDir: string;
  resolvedDropIn: string;
}

export function defaultDnsSetupPaths(platform: NodeJS.Platform): DnsSetupPaths {
  return {
    hosts: platform === 'win32' ? 'C:\\Windows\\System32\\drivers\\etc\\hosts' : '/etc/hosts',
    resolverDir: '/etc/resolver',
    resolvedDropIn: '/etc/systemd/resolved.conf.d/gatehouse.conf',
  };
}

export type DnsSetupMethod = 'macos-resolver' | 'systemd-resolved' | 'hosts-file';

export interface DnsSetupRequest {
  /** Permitted suffixes (test, localhost, extras). */
  suffixes: readonly string[];
  /** The responder's port. */
  port: number;
  /** Hosts of the configured routes (for the hosts-file method). */
  routeHosts: readonly string[];
  /** Force the hosts-file method. */
  useHostsFile?: boolean;
  paths?: DnsSetupPaths;
}

export interface DnsChangePlan {
  method?: DnsSetupMethod;
  plan: Plan;
  /** One line per change, for people ("write /etc/resolver/test: …"). */
  changes: string[];
  warnings: string[];
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether changing `file` needs root. */
function needsRoot(ctx: SystemContext, file: string): boolean {
  return !ctx.isRoot && !ctx.canWrite(file);
}

function writeCommand(ctx: SystemContext, file: string, content: string): PlannedCommand {
  return { cmd: 'tee', args: [file], input: content, root: needsRoot(ctx, file) };
}

export async function systemdResolvedActive(ctx: SystemContext): Promise<boolean> {
  if (ctx.platform !== 'linux' || !ctx.hasProgram('systemctl')) return false;
  const r = await ctx.run({ cmd: 'systemctl', args: ['is-active', 'systemd-resolved'] });
  return r.code === 0 && r.stdout.trim() === 'active';
}

export async function chooseDnsMethod(ctx: SystemContext, useHostsFile: boolean | undefined): Promise<DnsSetupMethod> {
  if (useHostsFile) return 'hosts-file';
  if (ctx.platform === 'darwin') return 'macos-resolver';
  if (await systemdResolvedActive(ctx)) return 'systemd-resolved';
  return 'hosts-file';
}

function hostsSetup(req: DnsSetupRequest, ctx: SystemContext, paths: DnsSetupPaths): DnsChangePlan {
  const { names, wildcards } = hostsEntries(req.routeHosts);
  const warnings: string[] = [];
  if (wildcards.length) {
    warnings.push(
      `wildcard routes cannot go in a hosts file: ${wildcards.join(', ')} — list the names you use as routes, ` +
        'or use the DNS responder (`gatehouse dns setup` without --hosts where systemd-resolved or macOS is available)',
    );
  }
  if (ctx.platform === 'win32') {
    warnings.push(`on Windows, edit ${paths.hosts} as administrator, or use *.localhost names (they need no setup)`);
    return { method: 'hosts-file', plan: emptyPlan(), changes: [], warnings };
  }
  const current = read(paths.hosts) ?? '';
  const next = withHostsBlock(current, names);
  if (next === current) {
    return { method: 'hosts-file', plan: emptyPlan(`${paths.hosts} already lists ${names.length} host(s)`), changes: [], warnings };
  }
  return {
    method: 'hosts-file',
    plan: { commands: [writeCommand(ctx, paths.hosts, next)], notes: [] },
    changes: [
      names.length
        ? `${paths.hosts}: managed block lists ${names.join(', ')} → 127.0.0.1 and ::1`
        : `${paths.hosts}: managed block is empty (no routes with plain host names)`,
    ],
    warnings,
  };
}

export async function planDnsSetup(req: DnsSetupRequest, ctx: SystemContext): Promise<DnsChangePlan> {
  const paths = req.paths ?? defaultDnsSetupPaths(ctx.platform);
  const method = await chooseDnsMethod(ctx, req.useHostsFile);
  const suffixes = routedSuffixes(req.suffixes);
  if (method === 'hosts-file') return hostsSetup(req, ctx, paths);

  const commands: PlannedCommand[] = [];
  const changes: string[] = [];
  const warnings: string[] = [];
  if (method === 'macos-resolver') {
    const content = macosResolverFile(req.port);
    const dirMissing = !fs.existsSync(paths.resolverDir);
    if (dirMissing) commands.push({ cmd: 'mkdir', args: ['-p', paths.resolverDir], root: needsRoot(ctx, paths.resolverDir) });
    for (const suffix of suffixes) {
      const file = path.join(paths.resolverDir, suffix);
      const existing = read(file);
      if (existing === content) continue;
      if (existing !== undefined && !isManagedFile(existing)) {
        warnings.push(`${file} exists and was not written by Gatehouse; left alone (remove it to let Gatehouse manage .${suffix})`);
        continue;
      }
      commands.push(writeCommand(ctx, file, content));
      changes.push(`${file}: .${suffix} → 127.0.0.1 port ${req.port}`);
    }
    if (changes.length && ctx.hasProgram('dscacheutil')) commands.push({ cmd: 'dscacheutil', args: ['-flushcache'], root: false, optional: true });
  } else {
    const content = resolvedDropIn(req.port, req.suffixes);
    const existing = read(paths.resolvedDropIn);
    if (existing !== content) {
      commands.push({ cmd: 'mkdir', args: ['-p', path.dirname(paths.resolvedDropIn)], root: needsRoot(ctx, path.dirname(paths.resolvedDropIn)) });
      commands.push(writeCommand(ctx, paths.resolvedDropIn, content));
      commands.push({ cmd: 'systemctl', args: ['restart', 'systemd-resolved'], root: !ctx.isRoot });
      changes.push(`${paths.resolvedDropIn}: systemd-resolved sends ${suffixes.map((s) => `*.${s}`).join(', ')} to 127.0.0.1:${req.port}`);
    }
  }
  const plan = commands.length ? { commands, notes: [] } : emptyPlan('DNS is already set up');
  return { method, plan, changes, warnings };
}

/** Undoes every kind of setup that is present (resolver files, drop-in, hosts block), whatever method made it. */
export async function planDnsTeardown(req: { paths?: DnsSetupPaths }, ctx: SystemContext): Promise<DnsChangePlan> {
  const paths = req.paths ?? defaultDnsSetupPaths(ctx.platform);
  const commands: PlannedCommand[] = [];
  const changes: string[] = [];

  let names: string[] = [];
  try {
    names = fs.readdirSync(paths.resolverDir);
  } catch {
    names = [];
  }
  for (const name of names) {
    const file = path.join(paths.resolverDir, name);
    if (isManagedFile(read(file))) {
      commands.push({ cmd: 'rm', args: ['-f', file], root: needsRoot(ctx, file) });
      changes.push(`removed ${file}`);
    }
  }

  if (isManagedFile(read(paths.resolvedDropIn))) {
    commands.push({ cmd: 'rm', args: ['-f', paths.resolvedDropIn], root: needsRoot(ctx, paths.resolvedDropIn) });
    changes.push(`removed ${paths.resolvedDropIn}`);
    if (await systemdResolvedActive(ctx)) commands.push({ cmd: 'systemctl', args: ['restart', 'systemd-resolved'], root: !ctx.isRoot });
  }

  const hosts = read(paths.hosts);
  if (hosts !== undefined && hasHostsBlock(hosts) && ctx.platform !== 'win32') {
    commands.push(writeCommand(ctx, paths.hosts, withoutHostsBlock(hosts)));
    changes.push(`${paths.hosts}: removed the Gatehouse block`);
  }
  const plan = commands.length ? { commands, notes: [] } : emptyPlan('nothing to remove: no Gatehouse DNS setup found');
  return { plan, changes, warnings: [] };
}
