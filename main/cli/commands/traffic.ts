import { shownSize, type ExchangeSummary } from '../../../shared/exchange-types';
import { callControl, findRunningInstance } from '../../control/control-client';
import { COMMON_OPTIONS, COMMON_USAGE, parseCommandArgs, pathsFrom } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { EXIT_OK, println, UsageError, type CliContext } from '../cli-context';

/** `gatehouse traffic ls [--json]`: the running instance's recorded exchanges, through its control API. */

const USAGE = `Usage: gatehouse traffic ls [--json] [--limit N]

List the exchanges the running Gatehouse has recorded (oldest first).

  --json            print the exchanges as JSON (one array of summaries)
  --limit N         only the newest N exchanges
${COMMON_USAGE}`;

const OPTIONS = { ...COMMON_OPTIONS, json: { type: 'boolean' }, limit: { type: 'string' } } as const;

/** Upper bound on pages fetched (the recorder holds a bounded number anyway). */
const MAX_PAGES = 1000;

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

function row(x: ExchangeSummary): string[] {
  const time = new Date(x.startedAt).toISOString().slice(11, 23);
  const status = x.state === 'pending' ? '…' : x.errorCode && x.status === undefined ? 'ERR' : String(x.status ?? '');
  const duration = x.endedAt !== undefined ? `${Math.round(x.endedAt - x.startedAt)} ms` : '';
  const what = `${x.scheme}://${x.host}${x.url}`;
  const notes = [x.websocket ? `ws ${x.wsMessageCount ?? 0} msg` : '', x.replayOf ? `replay of ${x.replayOf}` : '', x.errorCode ?? '', x.source === 'import' ? 'imported' : '']
    .filter(Boolean)
    .join(', ');
  return [x.id, time, x.method, status, duration, formatSize(shownSize(x)), what + (notes ? `  (${notes})` : '')];
}

function printTable(items: ExchangeSummary[], ctx: CliContext): void {
  if (items.length === 0) {
    println(ctx.stdout, 'no recorded exchanges yet');
    return;
  }
  const header = ['ID', 'TIME', 'METHOD', 'STATUS', 'DURATION', 'SIZE', 'URL'];
  const rows = items.map(row);
  const widths = header.map((h, i) => (i === header.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  for (const r of [header, ...rows]) println(ctx.stdout, r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

export const trafficCommand: CliCommand = {
  name: 'traffic',
  summary: 'list the exchanges the running Gatehouse recorded',
  usage: USAGE,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      println(sub === undefined ? ctx.stderr : ctx.stdout, USAGE);
      return sub === undefined ? 2 : EXIT_OK;
    }
    if (sub !== 'ls' && sub !== 'list') throw new UsageError(`unknown traffic command "${sub}"; use ls`, 'traffic');
    const { values } = parseCommandArgs('traffic ls', rest, OPTIONS, false);
    if (values.help) {
      println(ctx.stdout, USAGE);
      return EXIT_OK;
    }
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive whole number, not "${values.limit}"`, 'traffic ls');
    }
    const endpoint = findRunningInstance(pathsFrom(values, ctx).dataDir);
    let items: ExchangeSummary[] = [];
    if (limit !== undefined) {
      const page = await callControl(endpoint, 'exchanges.list', { order: 'newest-first', limit: Math.min(limit, 1000) });
      items = page.items.reverse();
    } else {
      let cursor: string | undefined;
      for (let n = 0; n < MAX_PAGES; n++) {
        const page = await callControl(endpoint, 'exchanges.list', { limit: 1000, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
    }
    if (values.json) println(ctx.stdout, JSON.stringify(items, null, 2));
    else printTable(items, ctx);
    return EXIT_OK;
  },
};
