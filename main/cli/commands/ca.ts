import type { GatehouseConfig } from '../../../shared/config';
import type { CertificateAuthority } from '../../tls/certificate-authority';
import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { configOrDefaults } from '../config-or-defaults';
import { EXIT_OK, println, UsageError, type CliContext } from '../cli-context';

/** `gatehouse ca path|show`: where the local root certificate is, and what it says. */

const USAGE = `Usage: gatehouse ca <path|show|reset> [--json]

  path              print the root certificate's file (for NODE_EXTRA_CA_CERTS, curl --cacert, …)
  show              print its SHA-256 fingerprint, subject, validity and constraints
  reset             when the CA is damaged (missing key, unreadable root): move the old
                    files aside (ca.damaged-<time>/) and create a new CA; trust it again after
  --json            (show) print the same as JSON

The CA is created on first use in the data directory. It may only issue
certificates for the suffixes test, localhost and the config's "suffixes"
(X.509 name constraints), so its key cannot impersonate real sites.
${COMMON_USAGE}`;

const OPTIONS = { ...COMMON_OPTIONS, json: { type: 'boolean' } } as const;

/** Reads the config (never creating it) and opens (or creates) the CA with its suffixes: shared by ca, trust, untrust. */
export async function openCa(
  values: { config?: string | undefined; 'data-dir'?: string | undefined },
  ctx: CliContext,
  recreate = false,
): Promise<{ ca: CertificateAuthority; config: GatehouseConfig; dataDir: string; configFile: string }> {
  const paths = pathsFrom(values, ctx);
  // Loaded on use, so --help and usage errors stay instant.
  const { ensureDataDir } = require('../../config/data-dir') as typeof import('../../config/data-dir');
  const { CertificateAuthority } = require('../../tls/certificate-authority') as typeof import('../../tls/certificate-authority');
  const config = await configOrDefaults(paths.configFile, ctx);
  ensureDataDir(paths.dataDir);
  const logger = {
    info: (m: string) => println(ctx.stderr, m),
    warn: (m: string) => println(ctx.stderr, `warning: ${m}`),
    error: (m: string) => println(ctx.stderr, `error: ${m}`),
  };
  const ca = await CertificateAuthority.open({ dataDir: paths.dataDir, suffixes: config.suffixes, logger, recreate });
  return { ca, config, dataDir: paths.dataDir, configFile: paths.configFile };
}

export const caCommand: CliCommand = {
  name: 'ca',
  summary: "show the local certificate authority (path, fingerprint, constraints)",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs('ca', args, OPTIONS, true);
    if (values.help) {
      println(ctx.stdout, USAGE);
      return EXIT_OK;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'path' && sub !== 'show' && sub !== 'reset') {
      throw new UsageError(sub === undefined ? 'missing a ca command: path, show or reset' : `unknown ca command "${sub}"; use path, show or reset`, 'ca');
    }
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]} for "gatehouse ca ${sub}"`, 'ca');
    const { ca } = await openCa(values, ctx, sub === 'reset');
    if (sub === 'reset') {
      println(ctx.stdout, `The local CA is ready: ${ca.rootCertPath}`);
      println(ctx.stdout, 'If you had trusted an earlier root, run `gatehouse trust` now: it replaces the old root in every store.');
      return EXIT_OK;
    }
    if (sub === 'path') {
      println(ctx.stdout, ca.rootCertPath);
      return EXIT_OK;
    }
    const { describeCa, formatCaDescription } = require('../../tls/ca-description') as typeof import('../../tls/ca-description');
    const description = describeCa(ca.rootCertificate, ca.rootCertPath);
    if (values.json) println(ctx.stdout, JSON.stringify(description, null, 2));
    else for (const line of formatCaDescription(description)) println(ctx.stdout, line);
    return EXIT_OK;
  },
};
