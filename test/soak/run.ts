/**
 * Soak test (not part of `npm test`): mixed load against a headless Gatehouse
 * instance with recording on, for 10 minutes by default.
 *
 *   npm run soak                 # 10 minutes
 *   npm run soak -- --minutes 1  # shorter
 *
 * Load: HTTP/1.1 (undici), HTTP/2 over TLS (node:http2), WebSockets opened,
 * used and closed, a route toggled through the control API every 3 s, the
 * config file edited by hand every 7 s. Reports requests served, errors by
 * kind, RSS and heap every 10 s, and open sockets at the end. Exits non-zero on
 * unexpected errors or sockets left over.
 */
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { startBackend, startWsBackend } from '../support/backends';
import { startTestInstance } from '../support/instance-harness';
import { openDescriptors } from '../support/open-handles';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error('--minutes must be a positive number');
  process.exit(2);
}

const counts = { http1: 0, http2: 0, wsOpened: 0, wsMessages: 0, toggles: 0, configEdits: 0, expectedOff: 0 };
const errors = new Map<string, number>();
const fail = (kind: string, err?: unknown) => {
  const key = err ? `${kind}: ${(err as { code?: string }).code ?? (err as Error).message ?? String(err)}` : kind;
  errors.set(key, (errors.get(key) ?? 0) + 1);
};
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const baselineFds = openDescriptors();
  const backend = await startBackend(undefined, { name: 'soak' });
  const wsBackend = await startWsBackend();
  const routes = [
    { host: 'app.test', target: backend.url, redirectToHttps: false },
    { host: 'toggle.test', target: backend.url, redirectToHttps: false },
    { host: 'ws.test', target: wsBackend.url, redirectToHttps: false },
  ];
  const gh = await startTestInstance({ routes, recording: { enabled: true, maxExchanges: 5000, bodyCap: 16 * 1024 } });
  const httpPort = gh.instance.engine.httpPort;
  const httpsPort = gh.instance.info().httpsPort!;
  const caPem = fs.readFileSync(path.join(gh.dataDir, 'ca', 'root.pem'), 'utf8');
  const agent = new Agent({ connections: 16, keepAliveTimeout: 2_000 });
  const started = Date.now();
  const until = started + minutes * 60_000;
  let toggleOn = true;
  /**
   * Bumped before and after each toggle, so it is odd while a toggle is under way: a request
   * that started then, or overlapped one, may see either state (the API applies the change
   * before it returns, so the engine can be off before toggleOn says so).
   */
  let toggleEpoch = 0;
  /** routes.toggle applies the change before it returns; the 1 s grace after it only absorbs requests already in flight. */
  let lastToggleAt = 0;
  const running = () => Date.now() < until;
  /** Toggles and hand edits both rewrite the config file: run them one at a time so the soak's own edits never race each other. */
  let fileLock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = fileLock.then(fn, fn);
    fileLock = next.catch(() => undefined);
    return next;
  };
  console.log(`soak: ${minutes} min against http://127.0.0.1:${httpPort} and https://127.0.0.1:${httpsPort} (pid ${process.pid})`);

  async function http1Loop(i: number): Promise<void> {
    for (let n = 0; running(); n++) {
      const host = n % 5 === 0 ? 'toggle.test' : 'app.test';
      const wasOn = toggleOn;
      const epoch = toggleEpoch;
      const sinceToggle = Date.now() - lastToggleAt;
      try {
        const body = n % 7 === 0 ? Buffer.alloc(32 * 1024, 1) : undefined;
        const res = await request(`http://127.0.0.1:${httpPort}/h1/${i}/${n}`, { dispatcher: agent, method: body ? 'POST' : 'GET', headers: { host }, ...(body ? { body } : {}) });
        await res.body.text();
        if (res.statusCode === 200) counts.http1++;
        else if (host === 'toggle.test' && (!wasOn || !toggleOn || epoch % 2 === 1 || epoch !== toggleEpoch || sinceToggle < 1_000) && res.statusCode === 404) counts.expectedOff++;
        else fail(`http1 status ${res.statusCode} (${host})`);
      } catch (err) {
        fail('http1', err);
      }
    }
  }

  async function http2Loop(): Promise<void> {
    while (running()) {
      const session = http2.connect(`https://127.0.0.1:${httpsPort}`, { ca: caPem, servername: 'app.test' });
      session.on('error', (err) => fail('http2 session', err));
      try {
        for (let n = 0; n < 200 && running(); n++) {
          const status = await new Promise<number>((resolve, reject) => {
            const req = session.request({ ':path': `/h2/${n}`, ':authority': 'app.test' });
            req.on('response', (h) => resolve(Number(h[':status'])));
            req.on('error', reject);
            req.resume();
            req.end();
          });
          if (status === 200) counts.http2++;
          else fail(`http2 status ${status}`);
        }
      } catch (err) {
        fail('http2', err);
      } finally {
        session.close();
      }
    }
  }

  async function wsLoop(): Promise<void> {
    while (running()) {
      try {
        const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`, { headers: { host: 'ws.test' } });
        let got = 0;
        ws.on('message', () => got++);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        counts.wsOpened++;
        for (let m = 0; m < 20; m++) ws.send(`message ${m}`);
        const deadline = Date.now() + 5_000;
        while (got < 21 && Date.now() < deadline) await sleep(5);
        counts.wsMessages += got;
        if (got < 21) fail('ws missing echoes');
        ws.close();
        await new Promise((r) => ws.once('close', r));
      } catch (err) {
        fail('ws', err);
      }
    }
  }

  async function toggleLoop(): Promise<void> {
    while (running()) {
      await sleep(3_000);
      if (!running()) break;
      const next = !toggleOn;
      toggleEpoch++;
      const res = await exclusive(() => gh.call('routes.toggle', { id: 'toggle.test', enabled: next })).catch((err: unknown) => (fail('toggle', err), undefined));
      if (res?.status === 200) {
        toggleOn = next;
        lastToggleAt = Date.now();
        counts.toggles++;
      } else if (res) fail(`toggle status ${res.status}`);
      toggleEpoch++;
    }
  }

  async function configEditLoop(): Promise<void> {
    for (let n = 0; running(); n++) {
      await sleep(7_000);
      if (!running()) break;
      await exclusive(async () => {
        try {
          const config = JSON.parse(fs.readFileSync(gh.configPath, 'utf8')) as { routes: Array<{ host: string }> };
          config.routes = config.routes.filter((r) => r.host !== 'edit.test');
          if (n % 2 === 0) config.routes.push({ host: 'edit.test', target: backend.url } as never);
          fs.writeFileSync(gh.configPath, JSON.stringify(config, null, 2));
          counts.configEdits++;
          await sleep(300); // let the watcher apply it before the next toggle
        } catch (err) {
          fail('config edit', err);
        }
      });
    }
  }

  const sampler = setInterval(() => {
    // the test backends remember every request they saw (for assertions elsewhere); here that would be the soak's own leak
    backend.seen.length = 0;
    wsBackend.upgrades.length = 0;
    const m = process.memoryUsage();
    const rec = gh.instance.recorder.state();
    console.log(
      `t=${Math.round((Date.now() - started) / 1000)}s rss=${mb(m.rss)} heap=${mb(m.heapUsed)}/${mb(m.heapTotal)} ` +
        `http1=${counts.http1} http2=${counts.http2} ws=${counts.wsOpened} recorded=${rec.count} (${mb(rec.totalBytes)}) errors=${[...errors.values()].reduce((a, b) => a + b, 0)}`,
    );
  }, 10_000);

  await Promise.all([
    ...Array.from({ length: 6 }, (_, i) => http1Loop(i)),
    http2Loop(),
    http2Loop(),
    wsLoop(),
    wsLoop(),
    toggleLoop(),
    configEditLoop(),
  ]);
  clearInterval(sampler);

  const problem = gh.instance.configProblem;
  if (problem) fail('config problem at the end');
  await agent.close();
  await gh.close();
  await wsBackend.close();
  await backend.close();
  let end = openDescriptors();
  for (let i = 0; i < 50 && (end.sockets > baselineFds.sockets || end.fds > baselineFds.fds); i++) {
    await sleep(100);
    end = openDescriptors();
  }
  const m = process.memoryUsage();
  console.log('--- soak report ---');
  console.log(`duration: ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  console.log(`served: http1=${counts.http1} http2=${counts.http2} websockets=${counts.wsOpened} (${counts.wsMessages} messages)`);
  console.log(`route toggles=${counts.toggles} config edits=${counts.configEdits} expected 404s while toggled off=${counts.expectedOff}`);
  console.log(`errors: ${errors.size === 0 ? 'none' : ''}`);
  for (const [k, v] of errors) console.log(`  ${v} × ${k}`);
  console.log(`memory at the end: rss=${mb(m.rss)} heap=${mb(m.heapUsed)}`);
  console.log(`open sockets at the end: ${end.sockets} (baseline ${baselineFds.sockets}); fds ${end.fds} (baseline ${baselineFds.fds})`);
  process.exitCode = errors.size === 0 && end.sockets <= baselineFds.sockets ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
