import { routeId, routeTargets } from '../../../shared/config';
import type { Logger } from '../../engine/logger';
import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom, portOption } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { EXIT_OK, println, UsageError, type CliContext } from '../cli-context';

/** `gatehouse start`: run Gatehouse in this terminal until SIGINT/SIGTERM. */

/** How long in-flight requests get to finish on shutdown. */
const SHUTDOWN_GRACE_MS = 3_000;

const USAGE = `Usage: gatehouse start [--headless] [--config FILE] [--data-dir DIR] [--http-port N] [--https-port N] [--dashboard-port N]

Run Gatehouse in this terminal until Ctrl+C (SIGINT) or SIGTERM. Edits of the
config file (by hand or with \`gatehouse route …\`) are applied while it runs.
On shutdown the listeners close and in-flight requests get ${SHUTDOWN_GRACE_MS / 1000} s to finish.

  --headless        no desktop window (always so for this command; the desktop app is \`npm start\`)
  --http-port N     HTTP port (default: the config's httpPort, else 80 with fallback 8080; 0 = any free port)
  --https-port N    HTTPS port (default: the config's httpsPort, else 443 with fallback 8443)
                    A port you choose (here or in the config) never falls back: if it
                    cannot be bound, start fails and says why.
  --dns-port N      DNS responder port on 127.0.0.1 (default: the config's dnsPort, else 15353)
  --dashboard-port N
                    dashboard and control API port on 127.0.0.1 (default: a free port,
                    new on every start). Fix it to reach a remote Gatehouse through an
                    SSH tunnel: \`ssh -L N:127.0.0.1:N host\`, the same N on both ends.
${COMMON_USAGE}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  headless: { type: 'boolean' },
  'http-port': { type: 'string' },
  'https-port': { type: 'string' },
  'dns-port': { type: 'string' },
  'dashboard-port': { type: 'string' },
} as const;

function cliLogger(ctx: CliContext): Logger {
  return {
    info: (m) => println(ctx.stdout, m),
    warn: (m) => println(ctx.stderr, `warning: ${m}`),
    error: (m) => println(ctx.stderr, `error: ${m}`),
  };
}

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run Gatehouse in this terminal until Ctrl+C',
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs('start', args, OPTIONS, false);
    if (values.help) {
      println(ctx.stdout, USAGE);
      return EXIT_OK;
    }
    const httpPort = portOption('http-port', values['http-port'], 'start');
    const httpsPort = portOption('https-port', values['https-port'], 'start');
    const dnsPort = portOption('dns-port', values['dns-port'], 'start');
    const dashboardPort = portOption('dashboard-port', values['dashboard-port'], 'start');
    if (httpPort !== undefined && httpPort !== 0 && httpPort === httpsPort) {
      throw new UsageError(`HTTP and HTTPS cannot share port ${httpPort}; give --http-port and --https-port different ports`, 'start');
    }
    const paths = pathsFrom(values, ctx);
    const logger = cliLogger(ctx);

    // Loaded on use, so --help and usage errors stay instant.
    const { GatehouseInstance } = require('../../instance/gatehouse-instance') as typeof import('../../instance/gatehouse-instance');
    const instance = await GatehouseInstance.start({
      configPath: paths.configFile,
      dataDir: paths.dataDir,
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(httpsPort !== undefined ? { httpsPort } : {}),
      ...(dnsPort !== undefined ? { dnsPort } : {}),
      ...(dashboardPort !== undefined ? { controlPort: dashboardPort } : {}),
      headless: true,
      logger,
    });

    const info = instance.info();
    println(ctx.stdout, `Gatehouse ${info.version} running (pid ${info.pid})`);
    println(ctx.stdout, `  config: ${paths.configFile}`);
    println(ctx.stdout, `  data:   ${paths.dataDir}`);
    if (instance.dashboardUrl) println(ctx.stdout, `  dashboard: ${instance.dashboardUrl}`);
    for (const route of instance.config.routes) {
      const state = route.enabled === false ? ' (disabled)' : '';
      println(ctx.stdout, `  route:  ${routeId(route)} → ${routeTargets(route).map((t) => t.url).join(', ')}${state}`);
    }
    println(ctx.stdout, 'Press Ctrl+C to stop.');

    const signal = await ctx.shutdownRequested();
    println(ctx.stdout, `${signal}: stopping (in-flight requests get ${SHUTDOWN_GRACE_MS / 1000} s)…`);
    await instance.stop(SHUTDOWN_GRACE_MS);
    println(ctx.stdout, 'stopped');
    return EXIT_OK;
  },
};
