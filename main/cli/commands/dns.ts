import { DEFAULT_DNS_PORT } from '../../../shared/config';
import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom, portOption } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { configOrDefaults } from '../config-or-defaults';
import { EXIT_FAILURE, EXIT_OK, println, UsageError, type CliContext } from '../cli-context';
import { systemContextFor } from './trust';

/** `gatehouse dns setup|teardown [--hosts]`: make *.test names resolve to this machine. */

const USAGE = `Usage: gatehouse dns <setup|teardown> [--hosts] [--dns-port N]

Point this machine's resolver at Gatehouse's DNS responder (which answers
127.0.0.1 / ::1 for the suffixes test, localhost and the config's "suffixes"):
  macOS                    /etc/resolver/<suffix> files
  Linux + systemd-resolved a drop-in, /etc/systemd/resolved.conf.d/gatehouse.conf
  otherwise, or --hosts    a managed block in /etc/hosts: two lines per route host (127.0.0.1 and ::1)
                           (wildcard routes cannot be listed there)
\`teardown\` removes whatever setup made, leaving the files as they were.
The responder runs while Gatehouse runs (\`gatehouse start --dns-port N\`).
Names ending in .localhost need none of this: browsers resolve them already.

  --hosts           use the hosts file even where a resolver drop-in would work
  --dns-port N      the responder's port (default: the config's dnsPort, else ${DEFAULT_DNS_PORT})
${COMMON_USAGE}`;

const OPTIONS = { ...COMMON_OPTIONS, hosts: { type: 'boolean' }, 'dns-port': { type: 'string' } } as const;

/** Test seams: point the setup at temporary files instead of /etc (never needed by users). */
function pathOverrides(ctx: CliContext, platform: NodeJS.Platform) {
  const { defaultDnsSetupPaths } = require('../../dns/dns-setup') as typeof import('../../dns/dns-setup');
  const d = defaultDnsSetupPaths(platform);
  return {
    hosts: ctx.env.GATEHOUSE_HOSTS_FILE || d.hosts,
    resolverDir: ctx.env.GATEHOUSE_RESOLVER_DIR || d.resolverDir,
    resolvedDropIn: ctx.env.GATEHOUSE_RESOLVED_DROPIN || d.resolvedDropIn,
  };
}

export const dnsCommand: CliCommand = {
  name: 'dns',
  summary: 'set up (or tear down) name resolution for *.test',
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs('dns', args, OPTIONS, true);
    if (values.help) {
      println(ctx.stdout, USAGE);
      return EXIT_OK;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'setup' && sub !== 'teardown') {
      throw new UsageError(sub === undefined ? 'missing a dns command: setup or teardown' : `unknown dns command "${sub}"; use setup or teardown`, 'dns');
    }
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]} for "gatehouse dns ${sub}"`, 'dns');
    const port = portOption('dns-port', values['dns-port'], 'dns');

    const dnsSetup = require('../../dns/dns-setup') as typeof import('../../dns/dns-setup');
    const { executePlan } = require('../../trust/privileged-plan') as typeof import('../../trust/privileged-plan');
    const sys = systemContextFor(ctx);
    const setupPaths = pathOverrides(ctx, sys.platform);

    let change: Awaited<ReturnType<typeof dnsSetup.planDnsSetup>>;
    if (sub === 'setup') {
      const { permittedSuffixes } = require('../../tls/permitted-names') as typeof import('../../tls/permitted-names');
      const config = await configOrDefaults(pathsFrom(values, ctx).configFile, ctx);
      change = await dnsSetup.planDnsSetup(
        {
          suffixes: permittedSuffixes(config.suffixes),
          port: port ?? config.dnsPort ?? DEFAULT_DNS_PORT,
          routeHosts: config.routes.map((r) => r.host),
          useHostsFile: values.hosts === true,
          paths: setupPaths,
        },
        sys,
      );
      if (change.method) println(ctx.stdout, `method: ${describeMethod(change.method)}`);
    } else {
      change = await dnsSetup.planDnsTeardown({ paths: setupPaths }, sys);
    }
    for (const w of change.warnings) println(ctx.stderr, `warning: ${w}`);
    const outcome = await executePlan(change.plan, sys);
    switch (outcome.outcome) {
      case 'nothing-to-do':
        for (const n of change.plan.notes) println(ctx.stdout, n);
        if (change.plan.notes.length === 0) println(ctx.stdout, 'nothing to change');
        return EXIT_OK;
      case 'done':
        for (const c of change.changes) println(ctx.stdout, `changed: ${c}`);
        if (sub === 'setup' && change.method !== 'hosts-file') {
          println(ctx.stdout, 'names resolve through the Gatehouse DNS responder while Gatehouse runs');
        }
        return EXIT_OK;
      case 'manual':
        println(ctx.stdout, 'This needs root. Run these commands as an administrator:');
        for (const line of outcome.manual) println(ctx.stdout, `  ${line.split('\n').join('\n  ')}`);
        println(ctx.stdout, 'They would change:');
        for (const c of change.changes) println(ctx.stdout, `  ${c}`);
        return EXIT_FAILURE;
      default:
        println(ctx.stderr, `gatehouse: dns ${sub} failed: ${outcome.error ?? 'unknown error'}`);
        return EXIT_FAILURE;
    }
  },
};

function describeMethod(method: string): string {
  switch (method) {
    case 'macos-resolver':
      return 'macOS /etc/resolver files';
    case 'systemd-resolved':
      return 'systemd-resolved drop-in';
    default:
      return 'managed block in the hosts file';
  }
}
