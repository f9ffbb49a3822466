import * as fs from 'node:fs';
import * as path from 'node:path';
import * as dns from 'node:dns';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { DEFAULT_DNS_PORT, DEFAULT_HTTP_PORT, DEFAULT_LISTEN, DEFAULT_HTTPS_PORT, FALLBACK_HTTP_PORT, FALLBACK_HTTPS_PORT, fileTargetPath, formatConfigIssue, routeId, routeTargets, type GatehouseConfig } from '../../../shared/config';
import type { DoctorCheck } from '../../trust/doctor-check';
import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { configOrDefaults } from '../config-or-defaults';
import { EXIT_FAILURE, EXIT_OK, println } from '../cli-context';
import { systemContextFor } from './trust';

/** `gatehouse doctor`: checks the HTTPS/DNS setup end to end and says how to fix what is wrong. */

const USAGE = `Usage: gatehouse doctor [--json]

Checks, each with its fix:
  - the config file is valid (when it is not, that is a failed check: the checks
    below that need it — route hosts, upstreams, the config's suffixes and ports —
    are skipped and listed as such; the others still run, on the default ports)
  - the local CA exists, is valid and is name-constrained to the configured suffixes
  - it is trusted, per store (OS store, Chrome/Chromium and Firefox NSS databases)
  - every route's host resolves to this machine
  - the HTTP, HTTPS and DNS ports are bound by Gatehouse (or free to bind)
  - every enabled route's upstream accepts connections
Exits 1 when a check fails. Changes nothing.

  --json            print the checks as JSON
${COMMON_USAGE}`;

const OPTIONS = { ...COMMON_OPTIONS, json: { type: 'boolean' } } as const;
const CONNECT_TIMEOUT_MS = 1_500;

function connect(opts: net.NetConnectOpts): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(opts);
    const done = (err?: string) => {
      socket.destroy();
      resolve(err);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done('timed out'));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Errors that mean "this machine has no IPv6 loopback", which the listeners skip too. */
const IPV6_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL', 'EPROTONOSUPPORT']);

function bindOnce(port: number, host: string, udp: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const fail = (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message);
    if (udp) {
      const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', (e) => {
        socket.close();
        fail(e);
      });
      socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(undefined)));
      return;
    }
    const server = net.createServer();
    server.once('error', fail);
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Whether `port` can be bound on every address the listener will use (TCP, and UDP too for
 * DNS): the first failure with its address, or undefined when all are free.
 */
async function tryBind(port: number, hosts: readonly string[], udp = false): Promise<{ code: string; where: string } | undefined> {
  for (const host of hosts) {
    for (const overUdp of udp ? [false, true] : [false]) {
      const code = await bindOnce(port, host, overUdp);
      if (code === undefined || (net.isIPv6(host) && IPV6_UNAVAILABLE.has(code))) continue;
      return { code, where: `${net.isIPv6(host) ? `[${host}]` : host}${udp ? (overUdp ? ' (UDP)' : ' (TCP)') : ''}` };
    }
  }
  return undefined;
}

async function dnsAnswers(port: number): Promise<string | undefined> {
  const resolver = new dns.promises.Resolver({ timeout: CONNECT_TIMEOUT_MS, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  try {
    const a = await resolver.resolve4('gatehouse-doctor.test');
    return a.includes('127.0.0.1') ? undefined : `answered ${a.join(', ')}`;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  } finally {
    resolver.cancel();
  }
}

async function portChecks(config: GatehouseConfig, running: { httpPort?: number; httpsPort?: number; dnsPort?: number } | null): Promise<DoctorCheck[]> {
  if (running) {
    const checks: DoctorCheck[] = [];
    for (const [label, port] of [
      ['HTTP', running.httpPort],
      ['HTTPS', running.httpsPort],
    ] as const) {
      if (port === undefined) {
        checks.push({ area: 'ports', status: label === 'HTTPS' ? 'fail' : 'warn', message: `the running Gatehouse reports no ${label} port`, fix: 'restart it and read its start-up messages' });
        continue;
      }
      const err = await connect({ host: '127.0.0.1', port });
      checks.push(
        err
          ? { area: 'ports', status: 'fail', message: `${label} port ${port} does not accept connections (${err})`, fix: 'restart Gatehouse' }
          : { area: 'ports', status: 'ok', message: `${label} is served on port ${port}` },
      );
    }
    if (running.dnsPort === undefined) {
      checks.push({ area: 'ports', status: 'warn', message: 'the DNS responder is not running', fix: 'pick a free port with `gatehouse start --dns-port N` (or "dnsPort" in the config)' });
    } else {
      const err = await dnsAnswers(running.dnsPort);
      checks.push(
        err
          ? { area: 'ports', status: 'fail', message: `the DNS responder on port ${running.dnsPort} does not answer (${err})`, fix: 'restart Gatehouse' }
          : { area: 'ports', status: 'ok', message: `DNS responder answers on 127.0.0.1:${running.dnsPort}` },
      );
    }
    return checks;
  }
  const checks: DoctorCheck[] = [{ area: 'ports', status: 'warn', message: 'Gatehouse is not running', fix: '`gatehouse start` (or open the app)' }];
  for (const [label, port, fallback, flag, optional] of [
    // Only the default ports fall back; a port set in the config is used or the start fails.
    ['HTTP', config.httpPort ?? DEFAULT_HTTP_PORT, config.httpPort === undefined ? FALLBACK_HTTP_PORT : undefined, '--http-port', false],
    ['HTTPS', config.httpsPort ?? DEFAULT_HTTPS_PORT, config.httpsPort === undefined ? FALLBACK_HTTPS_PORT : undefined, '--https-port', false],
    // Without its port the DNS responder is left out with a warning; the start goes on.
    ['DNS', config.dnsPort ?? DEFAULT_DNS_PORT, undefined, '--dns-port', true],
  ] as const) {
    // HTTP and HTTPS listen on every configured address; the DNS responder on 127.0.0.1, over TCP and UDP.
    const busy = label === 'DNS' ? await tryBind(port, ['127.0.0.1'], true) : await tryBind(port, config.listen ?? DEFAULT_LISTEN);
    if (!busy) {
      checks.push({ area: 'ports', status: 'ok', message: `${label} port ${port} is free` });
      continue;
    }
    const err = busy.code;
    const status = fallback !== undefined || optional ? 'warn' : 'fail';
    const outcome = fallback !== undefined ? `; Gatehouse will use ${fallback}` : optional ? '' : '; `gatehouse start` will fail (a port you set does not fall back)';
    checks.push(
      err === 'EACCES'
        ? { area: 'ports', status, message: `${label} port ${port} needs privileges${outcome}`, fix: `\`sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80\` (Linux), or pass ${flag} N` }
        : { area: 'ports', status, message: `${label} port ${port} on ${busy.where} is in use by another program (${err})${outcome}`, fix: `stop that program or pass ${flag} N` },
    );
  }
  return checks;
}

function staticRootCheck(id: string, dir: string): DoctorCheck {
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  return isDir
    ? { area: 'upstream', status: 'ok', message: `${id}: serves files from ${dir}` }
    : { area: 'upstream', status: 'fail', message: `${id}: ${dir} is not a directory`, fix: `build your site into ${dir} or point the route's file: target at the right folder (relative to the config file)` };
}

async function upstreamChecks(config: GatehouseConfig, baseDir: string): Promise<DoctorCheck[]> {
  const { parseTarget } = require('../../engine/target') as typeof import('../../engine/target');
  const checks: DoctorCheck[] = [];
  for (const route of config.routes.filter((r) => r.enabled !== false)) {
    for (const t of routeTargets(route)) {
      const dir = fileTargetPath(t.url);
      if (dir !== undefined) {
        checks.push(staticRootCheck(routeId(route), path.resolve(baseDir, dir)));
        continue;
      }
      let target;
      try {
        target = parseTarget(t);
      } catch (err) {
        checks.push({ area: 'upstream', status: 'fail', message: `${routeId(route)}: target ${t.url} is invalid (${(err as Error).message})`, fix: 'fix the target in the config' });
        continue;
      }
      const err = await connect(target.socketPath ? { path: target.socketPath } : { host: target.hostname, port: target.port });
      checks.push(
        err
          ? {
              area: 'upstream',
              status: 'fail',
              message: `${routeId(route)} → ${target.display}: nothing accepts connections (${err})`,
              fix: `start the dev server for ${routeId(route)} (it should listen on ${target.display}), or change the route's target`,
            }
          : { area: 'upstream', status: 'ok', message: `${routeId(route)} → ${target.display} is reachable` },
      );
    }
  }
  return checks;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check the CA, trust, name resolution, ports and upstreams, with fixes',
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs('doctor', args, OPTIONS, false);
    if (values.help) {
      println(ctx.stdout, USAGE);
      return EXIT_OK;
    }
    const paths = pathsFrom(values, ctx);
    const { readInstanceFile } = require('../../instance/instance-file') as typeof import('../../instance/instance-file');
    const { checkCa, trustChecks } = require('../../trust/ca-checks') as typeof import('../../trust/ca-checks');
    const { checkNames } = require('../../dns/name-checks') as typeof import('../../dns/name-checks');
    const trust = require('../../trust/trust-manager') as typeof import('../../trust/trust-manager');
    const { rootCaFromPem } = require('../../trust/trust-store') as typeof import('../../trust/trust-store');
    const { formatDoctorCheck } = require('../../trust/doctor-check') as typeof import('../../trust/doctor-check');

    const { ConfigError } = require('../../config/config-error') as typeof import('../../config/config-error');

    // An invalid config is one failed check: the checks that do not need it still run.
    const checks: DoctorCheck[] = [];
    const running = readInstanceFile(paths.dataDir);
    let config: GatehouseConfig | undefined;
    try {
      const exists = fs.existsSync(paths.configFile);
      config = await configOrDefaults(paths.configFile, ctx);
      checks.push({ area: 'config', status: 'ok', message: exists ? `config ${paths.configFile} is valid` : `no config file at ${paths.configFile}; the default settings apply` });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const message =
        err.code === 'CONFIG_INVALID' && err.issues.length > 0
          ? [`the config ${paths.configFile} is not valid:`, ...err.issues.map((i) => `    ${formatConfigIssue(i)}`)].join('\n')
          : `the config ${paths.configFile} cannot be used: ${err.message}`;
      checks.push({ area: 'config', status: 'fail', message, fix: `fix ${paths.configFile}, then run \`gatehouse doctor\` again` });
      checks.push({
        area: 'config',
        status: 'warn',
        message:
          "skipped, as they need the config: each route's host resolving to this machine, each route's upstream, " +
          `the CA's name constraints against the config's suffixes${running ? '' : ', and ports the config sets (the default ports are checked instead)'}`,
        fix: 'fix the config and run `gatehouse doctor` again',
      });
    }
    const ca = checkCa(paths.dataDir, config ? config.suffixes : null);
    checks.push(...ca.checks);
    if (ca.root) {
      const root = rootCaFromPem(ca.root.certPath, ca.root.pem);
      checks.push(...trustChecks(await trust.trustStatus(root, trust.detectStores(systemContextFor(ctx)))));
    }
    if (config) checks.push(...(await checkNames(config.routes.map((r) => r.host))));
    // A running Gatehouse reports its own ports; else the config's, or the defaults without one.
    checks.push(...(await portChecks(config ?? { routes: [] }, running)));
    if (config) checks.push(...(await upstreamChecks(config, path.dirname(paths.configFile))));

    const failed = checks.filter((c) => c.status === 'fail').length;
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ ok: failed === 0, checks }, null, 2));
    } else {
      for (const c of checks) println(ctx.stdout, formatDoctorCheck(c));
      const warned = checks.filter((c) => c.status === 'warn').length;
      println(ctx.stdout, '');
      println(ctx.stdout, failed === 0 ? `all good${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}` : `${failed} problem${failed > 1 ? 's' : ''} found`);
    }
    return failed === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
