import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Backends } from '../backends/backend';
import { runH2load } from '../load/h2load';
import { runToEnd, waitForOutput } from '../processes';
import { freePorts } from '../ports';
import type { ExtraResult } from '../results-model';
import { percentile } from '../stats';
import { ROOT, startGatehouse } from '../subjects/gatehouse';
import { findExecutable } from '../workspace';

export const RENDERER_TITLE = 'Renderer: time to show 100k rows; frame times while 5k exchanges/s arrive';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ROWS = 100_000;
const ROW_COUNT = "Number(document.querySelector('[role=grid]')?.getAttribute('aria-rowcount') ?? 0)";
const FRAME_SCRIPT = `new Promise((resolve) => {
  const deltas = [];
  let longTasks = 0;
  let obs;
  try {
    obs = new PerformanceObserver((list) => { longTasks += list.getEntries().length; });
    obs.observe({ type: 'longtask', buffered: false });
  } catch (e) {}
  const start = performance.now();
  let last = start;
  const tick = (t) => {
    deltas.push(t - last);
    last = t;
    if (t - start < DURATION) requestAnimationFrame(tick);
    else { if (obs) obs.disconnect(); resolve({ deltas: deltas.slice(1), longTasks }); }
  };
  requestAnimationFrame(tick);
})`;
const ARRIVALS_PER_SEC = 5_000;
/** Imports are sent every this many ms, ARRIVALS_PER_SEC × IMPORT_EVERY_MS / 1000 exchanges each. */
const IMPORT_EVERY_MS = 50;

/** A HAR of n small GET exchanges (what the proxied load records), as har.import takes it. */
function smallHar(n: number, host: string): string {
  const started = new Date().toISOString();
  const entry = (i: number) => ({
    startedDateTime: started,
    time: 1,
    request: { method: 'GET', url: `http://${host}/imported/${i}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: host }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Content-Type', value: 'text/plain' }],
      cookies: [],
      content: { size: 25, mimeType: 'text/plain', text: 'hello from nginx backend\n' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 25,
    },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  });
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'gatehouse-bench', version: '1' }, entries: Array.from({ length: n }, (_, i) => entry(i)) } });
}

/**
 * Sends har.import calls of `perCall` exchanges every IMPORT_EVERY_MS for `seconds`
 * (each waits for the previous one); returns the exchanges imported per second.
 */
async function importAtRate(dashboard: string, har: string, perCall: number, seconds: number): Promise<number> {
  const url = new URL(dashboard);
  const token = url.searchParams.get('token') ?? '';
  const body = JSON.stringify({ har });
  const t0 = performance.now();
  let imported = 0;
  for (let k = 0; ; k++) {
    const due = t0 + k * IMPORT_EVERY_MS;
    if (due >= t0 + seconds * 1000) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await fetch(`${url.origin}/api/har.import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const answer = (await res.json()) as { ok: boolean; result?: { imported: number }; error?: { message: string } };
    if (!answer.ok) throw new Error(`har.import failed: ${answer.error?.message ?? res.status}`);
    imported += answer.result!.imported;
  }
  return imported / ((performance.now() - t0) / 1000);
}
/** When the page asked for the traffic snapshot and when the answer had arrived (resource timing), or null. */
const SNAPSHOT_TIMING = `(() => {
  const e = performance.getEntriesByType('resource').find((x) => new URL(x.name).pathname.endsWith('/exchanges.snapshot'));
  return e ? { asked: e.startTime, answered: e.responseEnd } : null;
})()`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/renderer when it is missing or older than renderer/ (vite build, bounded). */
async function ensureRendererBuilt(log: (line: string) => void): Promise<string | undefined> {
  const index = path.join(ROOT, 'dist', 'renderer', 'index.html');
  const src = path.join(ROOT, 'renderer');
  if (!fs.existsSync(src)) return 'there is no renderer/ yet';
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(src)) return undefined;
  log('  building the renderer (vite build)…');
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = await runToEnd('vite build', process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], 300_000, { cwd: ROOT });
  if (r.code !== 0 || !fs.existsSync(index)) return `the renderer does not build: ${r.output.trim().split('\n').slice(-3).join(' ')}`;
  return undefined;
}

/**
 * In each of `rounds` rounds a fresh Gatehouse recording up to 100k exchanges is
 * filled with 100k small ones; a fresh Chromium (playwright-core, Debian's
 * /usr/bin/chromium) opens the dashboard's Traffic view at once and we time, with the
 * page's performance clock, until the list reports 100k rows and has rows on screen;
 * the figure is the median round. Then, on the last round's page, while h2load sends
 * 5k requests/s through Gatehouse (and again while har.import adds 5k/s),
 * requestAnimationFrame deltas give the frame times.
 */
export async function measureRenderer(o: { dir: string; backends: Backends; rounds: number; frameSeconds: number; log(line: string): void }): Promise<ExtraResult> {
  const result: ExtraResult = { title: RENDERER_TITLE, figures: {}, notes: [] };
  const chromium = findExecutable('chromium') ?? (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  if (!chromium) return { ...result, skipped: 'chromium is not installed (Debian package chromium)' };
  const notBuilt = await ensureRendererBuilt(o.log);
  if (notBuilt) return { ...result, skipped: notBuilt };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium: pw } = require('playwright-core') as typeof import('playwright-core');
  // Each round: a fresh Gatehouse, the 100k fill, a fresh Chromium opening the Traffic view
  // at once. One load on this machine varies by several hundred ms (Chromium's start-up
  // competes with the engine for 2 cores), so the figure is the median of the rounds.
  const loads: RowsLoad[] = [];
  let open: Opened | undefined;
  try {
    for (let round = 0; round < o.rounds; round++) {
      await open?.close();
      open = undefined;
      const opened = await openFilled(o, chromium, pw, round);
      if (typeof opened === 'string') return { ...result, skipped: opened };
      open = opened;
      if (open.fillSucceeded < ROWS) result.notes.push(`round ${round + 1}: only ${open.fillSucceeded} of ${ROWS} fill requests succeeded`);
      const load = await timeRows(open.page, Math.min(ROWS, open.fillSucceeded));
      loads.push(load);
      o.log(
        `  round ${round + 1}: ${load.rows} rows shown ${load.shownMs.toFixed(0)} ms after navigation` +
          (load.snapshot ? ` (snapshot asked at ${load.snapshot.asked.toFixed(0)} ms, answered by ${load.snapshot.answered.toFixed(0)} ms)` : ''),
      );
    }
    const median = [...loads].sort((a, b) => a.shownMs - b.shownMs)[Math.floor((loads.length - 1) / 2)]!;
    result.figures['rows100kMs'] = median.shownMs;
    result.figures['rows100kMinMs'] = Math.min(...loads.map((l) => l.shownMs));
    result.figures['rows100kMaxMs'] = Math.max(...loads.map((l) => l.shownMs));
    result.figures['rows'] = median.rows;
    if (median.snapshot) {
      result.figures['snapshotAskedMs'] = median.snapshot.asked;
      result.figures['snapshotAnsweredMs'] = median.snapshot.answered;
    }
    const { page, dashboard, http, browser } = open!;

    const ms = o.frameSeconds * 1000;
    // Plain-text scripts: functions passed to page.evaluate would carry tsx's __name helpers.
    const frames = page.evaluate(FRAME_SCRIPT.replace('DURATION', String(ms))) as Promise<{ deltas: number[]; longTasks: number }>;
    const clients = 20; // h2load paces each client with a timer; 20 × 250/s reaches ~5k/s where 10 × 500/s stalls near 3.4k/s
    const load = runH2load({ url: `http://localhost:${http}/`, clients, streams: 1, threads: 1, seconds: o.frameSeconds, h1: true, rps: ARRIVALS_PER_SEC / clients });
    const [f, l] = await Promise.all([frames, load]);
    result.figures['frameP50Ms'] = percentile(f.deltas, 50)!;
    result.figures['frameP95Ms'] = percentile(f.deltas, 95)!;
    result.figures['frameMaxMs'] = Math.max(...f.deltas);
    result.figures['longTasks'] = f.longTasks;
    result.figures['arrivalsPerSec'] = l.requestsPerSec;
    result.notes.push(
      `headless Chromium ${browser.version()}, 1400×900; rows = the Traffic list's aria-rowcount with rows rendered, timed from navigation, ` +
        `the median of ${loads.length} rounds (each a fresh Gatehouse, the 100k fill, a fresh Chromium at once): ${loads.map((l) => l.shownMs.toFixed(0)).join(', ')} ms; ` +
        `snapshotAsked / snapshotAnswered = when the page asked for exchanges.snapshot and when the answer had arrived (resource timing), in the median round; ` +
        `frames = requestAnimationFrame deltas over ${o.frameSeconds} s while h2load --h1 --rps sent ${Math.round(l.requestsPerSec)} exchanges/s (asked ${ARRIVALS_PER_SEC}) into a full 100k list`,
    );
    o.log(`  frames p50 ${result.figures['frameP50Ms']!.toFixed(1)} ms, p95 ${result.figures['frameP95Ms']!.toFixed(1)} ms at ${l.requestsPerSec.toFixed(0)} exchanges/s`);

    // The same page, with the exchanges arriving through har.import instead of the proxy:
    // the renderer gets the same events (exchange.started in the recorder's 75 ms batches,
    // the ring dropping its oldest), and the engine can reach 5k/s next to Chromium.
    const perCall = Math.round((ARRIVALS_PER_SEC * IMPORT_EVERY_MS) / 1000);
    const importFrames = page.evaluate(FRAME_SCRIPT.replace('DURATION', String(ms))) as Promise<{ deltas: number[]; longTasks: number }>;
    const [fi, perSec] = await Promise.all([importFrames, importAtRate(dashboard, smallHar(perCall, `localhost:${http}`), perCall, o.frameSeconds)]);
    result.figures['importFrameP50Ms'] = percentile(fi.deltas, 50)!;
    result.figures['importFrameP95Ms'] = percentile(fi.deltas, 95)!;
    result.figures['importFrameMaxMs'] = Math.max(...fi.deltas);
    result.figures['importLongTasks'] = fi.longTasks;
    result.figures['importArrivalsPerSec'] = perSec;
    // The imported exchanges must really have reached the list (newest first: on screen).
    const listed = await page
      .waitForFunction(`document.querySelector('[role=grid]')?.textContent?.includes('/imported/') === true`, undefined, { timeout: 5_000 })
      .then(
        () => true,
        () => false,
      );
    if (!listed) {
      result.notes.push('the imported exchanges did not show in the list: importFrames does not count');
      for (const k of ['importFrameP50Ms', 'importFrameP95Ms', 'importFrameMaxMs', 'importArrivalsPerSec']) delete result.figures[k];
    }
    result.notes.push(
      `importFrames = the same while har.import added ${Math.round(perSec)} small exchanges/s (${perCall} every ${IMPORT_EVERY_MS} ms): ` +
        `the renderer receives the same events as for proxied ones, and the engine keeps up with 5k/s next to Chromium on this machine, which proxying does not`,
    );
    o.log(`  frames (imports) p50 ${result.figures['importFrameP50Ms']!.toFixed(1)} ms, p95 ${result.figures['importFrameP95Ms']!.toFixed(1)} ms at ${perSec.toFixed(0)} exchanges/s`);
  } finally {
    await open?.close();
  }
  return result;
}

interface RowsLoad {
  shownMs: number;
  rows: number;
  snapshot: { asked: number; answered: number } | null;
}

interface Opened {
  dashboard: string;
  http: number;
  fillSucceeded: number;
  browser: import('playwright-core').Browser;
  page: import('playwright-core').Page;
  close(): Promise<void>;
}

/**
 * A fresh Gatehouse recording up to 100k exchanges, filled with 100k small ones, and a
 * fresh Chromium navigating to its Traffic view (committed, not loaded); or why not.
 */
async function openFilled(
  o: { dir: string; backends: Backends },
  chromium: string,
  pw: typeof import('playwright-core').chromium,
  round: number,
): Promise<Opened | string> {
  const [http, https] = await freePorts(2);
  const g = await startGatehouse({ dir: path.join(o.dir, `round-${round + 1}`), backends: o.backends, recording: true, maxExchanges: ROWS, httpPort: http!, httpsPort: https! });
  let browser: import('playwright-core').Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await g.process.stop();
  };
  try {
    const dashboard = await waitForOutput(g.process, /dashboard:\s+(\S+)/, 15_000).then(
      (m) => m[1],
      () => undefined,
    );
    if (!dashboard) {
      await close();
      return 'Gatehouse printed no dashboard URL (no control server in this build)';
    }
    const fill = await runH2load({ url: `http://localhost:${http}/`, clients: 50, streams: 1, threads: 2, requests: ROWS, h1: true });
    browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_ARGS, headless: true });
    // bypassCSP: the dashboard's CSP forbids eval, which page.evaluate of a script string needs.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    await page.goto(`${dashboard}#/traffic`, { waitUntil: 'commit', timeout: 30_000 });
    return { dashboard, http: http!, fillSucceeded: fill.requests.succeeded, browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Waits until the list reports `want` rows with rows on screen: when, by the page's clock. */
async function timeRows(page: import('playwright-core').Page, want: number): Promise<RowsLoad> {
  await page.waitForFunction(`${ROW_COUNT} >= ${want} && document.querySelectorAll('[role=grid] [role=row]').length > 0`, undefined, {
    polling: 'raf',
    timeout: 60_000,
  });
  const shownMs = (await page.evaluate('performance.now()')) as number;
  return {
    shownMs,
    rows: (await page.evaluate(ROW_COUNT)) as number,
    snapshot: (await page.evaluate(SNAPSHOT_TIMING)) as { asked: number; answered: number } | null,
  };
}

