import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { EXIT_FAILURE, EXIT_OK, println, UsageError, type CliContext } from '../cli-context';
import { openCa } from './ca';

/** `gatehouse trust [--status [--json]]` and (in untrust.ts) `gatehouse untrust`. */

const USAGE = `Usage: gatehouse trust [--status [--json]]

Install Gatehouse's local root certificate in this machine's trust stores:
  - the OS store: Debian/Ubuntu (update-ca-certificates), Fedora/RHEL
    (update-ca-trust), Arch (trust anchor), macOS keychain, Windows user Root store;
  - NSS databases of Chrome/Chromium (~/.pki/nssdb, snap, flatpak) and every
    Firefox profile (needs certutil: libnss3-tools / nss-tools).
System stores need root: Gatehouse asks through sudo (or pkexec in a desktop
session), or prints the exact commands when it cannot ask.
Older Gatehouse roots are replaced. \`gatehouse untrust\` removes them all.

  --status          only report, per store, whether the root is trusted
  --json            (with --status) print the report as JSON
${COMMON_USAGE}`;

const OPTIONS = { ...COMMON_OPTIONS, status: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export function systemContextFor(ctx: CliContext) {
  const { realSystemContext } = require('../../trust/system-context') as typeof import('../../trust/system-context');
  return realSystemContext({ platform: ctx.platform, homeDir: ctx.homedir, env: { ...ctx.env } });
}

export async function runTrustAction(action: 'trust' | 'untrust', args: string[], ctx: CliContext, usage: string): Promise<number> {
  const { values } = parseCommandArgs(action, args, action === 'trust' ? OPTIONS : COMMON_OPTIONS, false);
  const v = values as { help?: boolean; status?: boolean; json?: boolean; config?: string; 'data-dir'?: string };
  if (v.help) {
    println(ctx.stdout, usage);
    return EXIT_OK;
  }
  // Checked before anything is read or installed: `trust --json` must never install the CA.
  if (v.json && !v.status) throw new UsageError('--json only goes with --status: gatehouse trust --status --json', action);
  const trust = require('../../trust/trust-manager') as typeof import('../../trust/trust-manager');
  const { rootCaFromPem } = require('../../trust/trust-store') as typeof import('../../trust/trust-store');
  const { ca } = await openCa(v, ctx);
  const root = rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  const sys = systemContextFor(ctx);
  const stores = trust.detectStores(sys);
  if (sys.isRoot && ctx.env.SUDO_USER && sys.platform !== 'win32' && !v.status) {
    println(
      ctx.stderr,
      `warning: running under sudo, so browser databases are looked for in ${sys.homeDir}, not ${ctx.env.SUDO_USER}'s home — ` +
        'run `gatehouse trust` without sudo (it asks for sudo itself where needed) to reach your browsers',
    );
  }

  if (v.status) {
    const statuses = await trust.trustStatus(root, stores);
    if (v.json) {
      const ca = { certPath: root.certPath, commonName: root.commonName, sha256: root.sha256 };
      println(ctx.stdout, JSON.stringify({ ca, trusted: statuses.every((s) => s.state !== 'not-trusted'), stores: statuses }, null, 2));
    } else {
      for (const line of trust.formatStatus(statuses, root)) println(ctx.stdout, line);
    }
    return EXIT_OK;
  }

  const report = action === 'trust' ? await trust.trustRoot(root, stores, sys) : await trust.untrustRoot(root, stores, sys);
  for (const line of trust.formatTrustReport(report, root)) println(ctx.stdout, line);
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

export const trustCommand: CliCommand = {
  name: 'trust',
  summary: 'trust the local CA in the OS and browser stores (--status to check)',
  usage: USAGE,
  run: (args, ctx) => runTrustAction('trust', args, ctx, USAGE),
};
