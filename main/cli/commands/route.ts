import * as fs from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import type { RouteView } from '../../../shared/api-contract';
import { normalizeRoutePath, parseRouteSpec, routeId, routeTargets, type RouteConfig } from '../../../shared/config';
import { readInstanceFile } from '../../instance/instance-file';
import { balanceOption, COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { CliFailure, EXIT_OK, println, UsageError, type CliContext } from '../cli-context';
import type { ConfigStore } from '../../config/config-store';

/** `gatehouse route ls|add|rm|enable|disable`: edits the config file; a running Gatehouse picks the change up. */

const SUBCOMMANDS = ['ls', 'add', 'rm', 'enable', 'disable'] as const;
type Sub = (typeof SUBCOMMANDS)[number];
const ALIASES: Record<string, Sub> = { list: 'ls', remove: 'rm' };

const USAGE: Record<Sub, string> = {
  ls: `Usage: gatehouse route ls [--json]

List the configured routes.

  --json            print the routes as JSON (id, route, enabled)
${COMMON_USAGE}`,
  add: `Usage: gatehouse route add <host>[/path] <target…> [--strip-path] [--balance POLICY] [--http-only] [--disabled]

Add a route. A target is a port (3000 = http://127.0.0.1:3000), host:port,
http://host:port, https://host:port or unix:/path/to.sock. Several targets are
balanced by POLICY: round-robin (default), least-connections, ip-hash, weighted.

  --strip-path      remove the /path prefix before forwarding
  --balance POLICY  how to choose among several targets
  --http-only       serve it over plain HTTP only ("https": false): for hosts the
                    local CA cannot issue for, such as an IP address or a name
                    outside the suffixes
  --disabled        add the route switched off
${COMMON_USAGE}

Examples:
  gatehouse route add app.test 3000
  gatehouse route add app.test/api http://127.0.0.1:4000 --strip-path
  gatehouse route add '*.shop.test' 3001 3002 --balance least-connections`,
  rm: `Usage: gatehouse route rm <host>[/path]

Remove a route.

${COMMON_USAGE}`,
  enable: `Usage: gatehouse route enable <host>[/path]

Switch a route on.

${COMMON_USAGE}`,
  disable: `Usage: gatehouse route disable <host>[/path]

Switch a route off (it stays in the config; requests get a "route disabled" page).

${COMMON_USAGE}`,
};

const ROUTE_USAGE = `Usage: gatehouse route <command> [options]

Edit the routes in the config file; a running Gatehouse applies the change within a second.

Commands:
  ls [--json]                                   list routes
  add <host>[/path] <target…> [--strip-path]    add a route
  rm <host>[/path]                              remove a route
  enable <host>[/path]                          switch a route on
  disable <host>[/path]                         switch a route off

Run \`gatehouse route <command> --help\` for details.`;

export const routeCommand: CliCommand = {
  name: 'route',
  summary: 'list, add, remove, enable or disable routes',
  usage: ROUTE_USAGE,
  async run(args, ctx) {
    const [first, ...rest] = args;
    if (first === undefined) throw new UsageError(`missing a route command: ${SUBCOMMANDS.join(', ')}`, 'route');
    if (first === '--help' || first === '-h' || first === 'help') {
      println(ctx.stdout, ROUTE_USAGE);
      return EXIT_OK;
    }
    const sub = (SUBCOMMANDS as readonly string[]).includes(first) ? (first as Sub) : ALIASES[first];
    if (!sub) throw new UsageError(`unknown route command "${first}"; use one of ${SUBCOMMANDS.join(', ')}`, 'route');
    return runSub(sub, rest, ctx);
  },
};

async function runSub(sub: Sub, args: string[], ctx: CliContext): Promise<number> {
  const command = `route ${sub}`;
  const options: NonNullable<ParseArgsConfig['options']> = {
    ...COMMON_OPTIONS,
    ...(sub === 'ls' ? { json: { type: 'boolean' as const } } : {}),
    ...(sub === 'add'
      ? {
          'strip-path': { type: 'boolean' as const },
          balance: { type: 'string' as const },
          disabled: { type: 'boolean' as const },
          'http-only': { type: 'boolean' as const },
        }
      : {}),
  };
  const { values, positionals } = parseCommandArgs(command, args, options, sub !== 'ls');
  const v = values as Record<string, string | boolean | undefined>;
  if (v.help) {
    println(ctx.stdout, USAGE[sub]);
    return EXIT_OK;
  }
  const paths = pathsFrom({ config: v.config as string | undefined, 'data-dir': v['data-dir'] as string | undefined }, ctx);
  // Loaded on use, so --help and usage errors stay instant.
  const { ConfigStore } = require('../../config/config-store') as typeof import('../../config/config-store');
  const store = new ConfigStore(paths.configFile);

  switch (sub) {
    case 'ls': {
      // Read only: a missing file is reported (CONFIG_MISSING), never created with the defaults.
      const { config } = await store.read();
      const views: RouteView[] = config.routes.map((route) => ({ id: routeId(route), route, enabled: route.enabled !== false }));
      if (v.json) println(ctx.stdout, JSON.stringify(views, null, 2));
      else printTable(views, ctx);
      return EXIT_OK;
    }
    case 'add': {
      const [spec, ...targets] = positionals;
      if (spec === undefined) throw new UsageError('missing <host>[/path] and target, e.g. gatehouse route add app.test 3000', command);
      if (targets.length === 0) throw new UsageError(`missing a target for ${spec}, e.g. gatehouse route add ${spec} 3000`, command);
      const route = buildRoute(spec, targets.map((t) => targetFromArg(t, command)), {
        stripPath: v['strip-path'] === true,
        balance: balanceOption(v.balance as string | undefined, command),
        disabled: v.disabled === true,
        httpOnly: v['http-only'] === true,
      });
      await createConfigForAdd(store, paths.dataDir, ctx);
      try {
        await store.addRoute(route);
      } catch (err) {
        // The config's own advice names the field; on the command line the same is a flag.
        if (err instanceof Error && route.https !== false && /set "https": false on this route/.test(err.message)) {
          err.message += `\n  to add it for plain HTTP from here: gatehouse route add ${args.join(' ')} --http-only`;
        }
        throw err;
      }
      println(ctx.stdout, `added ${describe(route)}`);
      printPickup(ctx, paths.dataDir);
      return EXIT_OK;
    }
    case 'rm': {
      const ref = onlyRouteRef(positionals, command);
      const removed = await store.removeRoute(ref);
      println(ctx.stdout, `removed ${routeId(removed)}`);
      printPickup(ctx, paths.dataDir);
      return EXIT_OK;
    }
    case 'enable':
    case 'disable': {
      const ref = onlyRouteRef(positionals, command);
      const route = await store.setRouteEnabled(ref, sub === 'enable');
      println(ctx.stdout, `${sub === 'enable' ? 'enabled' : 'disabled'} ${routeId(route)}`);
      printPickup(ctx, paths.dataDir);
      return EXIT_OK;
    }
  }
}

/**
 * `route add` is the one route command that may create the config file (with the
 * defaults, as `gatehouse start` does) — but not while a running Gatehouse still
 * serves routes it read from that file: the defaults would replace them.
 */
async function createConfigForAdd(store: ConfigStore, dataDir: string, ctx: CliContext): Promise<void> {
  if (fs.existsSync(store.file)) return;
  const running = readInstanceFile(dataDir);
  if (running && running.configPath === store.file) {
    throw new CliFailure(
      `the config file ${store.file} does not exist, but the running Gatehouse (pid ${running.pid}) still serves the routes it last read from it; ` +
        'creating it now would replace them with the default route. Restore the file (or stop Gatehouse) and try again',
    );
  }
  if (await store.createIfMissing()) println(ctx.stdout, `created ${store.file} with the default route (app.test → http://127.0.0.1:3000)`);
}

function onlyRouteRef(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`missing <host>[/path], e.g. gatehouse ${command} app.test`, command);
  if (positionals.length > 1) throw new UsageError(`one route at a time; got ${positionals.length}: ${positionals.join(' ')}`, command);
  return routeSpecArg(positionals[0]!, command);
}

/**
 * A route is named by host and path, never by a URL: "http://y.test" would
 * otherwise split at its "/" into the host "http:". Same advice as the config file's.
 */
function routeSpecArg(spec: string, command: string): string {
  const { hostOfUrl } = require('../../config/schema-issues') as typeof import('../../config/schema-issues');
  const host = hostOfUrl(spec);
  if (host !== undefined) {
    throw new UsageError(`a host is a name, not a URL: write "${host}", e.g. gatehouse ${command} ${host}${command === 'route add' ? ' 3000' : ''}`, command);
  }
  return spec;
}

/** "3000" → http://127.0.0.1:3000; "host:port" → http://host:port; URLs and unix: as given. */
export function targetFromArg(arg: string, command?: string): string {
  const port = /^(?:\d+|(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d+))$/.exec(arg);
  if (port) {
    const n = Number(port[1] ?? arg);
    if (n < 1 || n > 65535) throw new UsageError(`"${arg}": port ${n} is out of range (1–65535)`, command);
    return port[1] === undefined ? `http://127.0.0.1:${n}` : `http://${arg}`;
  }
  if (/^(https?:\/\/|unix:)/i.test(arg)) return arg;
  throw new UsageError(`"${arg}" is not a target; use a port (3000), host:port, http://host:port, https://host:port or unix:/path/to.sock`, command);
}

export function buildRoute(
  spec: string,
  targets: string[],
  opts: { stripPath: boolean; balance: RouteConfig['balance']; disabled: boolean; httpOnly?: boolean },
): RouteConfig {
  const { host, path } = parseRouteSpec(routeSpecArg(spec, 'route add'));
  const route: RouteConfig = { host };
  if (path !== '/') route.path = normalizeRoutePath(path);
  if (targets.length === 1) route.target = targets[0]!;
  else route.targets = targets;
  if (opts.balance) route.balance = opts.balance;
  if (opts.stripPath) route.stripPath = true;
  if (opts.httpOnly) route.https = false;
  if (opts.disabled) route.enabled = false;
  return route;
}

function describe(route: RouteConfig): string {
  const targets = routeTargets(route).map((t) => t.url).join(', ');
  const notes = [route.stripPath ? 'strip path' : '', route.balance ?? '', route.https === false ? 'HTTP only' : '', route.enabled === false ? 'disabled' : ''].filter(Boolean);
  return `${routeId(route)} → ${targets}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

function printPickup(ctx: CliContext, dataDir: string): void {
  const running = readInstanceFile(dataDir);
  println(
    ctx.stdout,
    running ? `the running Gatehouse (pid ${running.pid}) applies this within a second` : 'Gatehouse is not running; `gatehouse start` will use it',
  );
}

function printTable(views: RouteView[], ctx: CliContext): void {
  if (views.length === 0) {
    println(ctx.stdout, 'no routes; add one with: gatehouse route add app.test 3000');
    return;
  }
  const rows = views.map((v) => {
    const r = v.route;
    const options = [
      r.stripPath ? 'strip-path' : '',
      routeTargets(r).length > 1 ? (r.balance ?? 'round-robin') : '',
      r.preserveHost === false ? 'target-host' : '',
      r.https === false ? 'http-only' : r.redirectToHttps === false ? 'no-https-redirect' : '',
    ]
      .filter(Boolean)
      .join(' ');
    return [v.id, v.enabled ? 'on' : 'off', routeTargets(r).map((t) => t.url).join(', '), options];
  });
  const header = ['ROUTE', 'STATE', 'TARGETS', 'OPTIONS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) {
    println(ctx.stdout, row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  }
}
