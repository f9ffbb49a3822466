import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { parseConfigText } from '../../main/config/config-parse';
import type { GatehouseConfig } from '../../shared/config';
import { startBackend, type Backend } from '../support/backends';
import { startTestInstance, type TestInstance } from '../support/instance-harness';
import { seededRandom } from '../support/seeded-random';
import { waitFor } from '../support/wait-for';

/**
 * The config file under attack, through the real watcher and instance: seeded
 * random mutations of a valid config, truncations, binary files. An invalid file
 * never changes the running routes and is never rewritten by Gatehouse (byte
 * compare); a valid one is applied; the process never crashes and keeps serving.
 * Then file-level faults: deleted, replaced by a symlink, edited while
 * Gatehouse writes it.
 */
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 20261123);
const ITERATIONS = Number(process.env.GATEHOUSE_FUZZ_ITERATIONS ?? 40);

describe('config file fuzzing and faults', () => {
  let backend: Backend;
  let gh: TestInstance;
  let base: GatehouseConfig;
  let baseText: string;
  let problems = 0;
  let applied = 0;

  before(async () => {
    backend = await startBackend(undefined, { name: 'fuzz' });
    base = {
      routes: [
        { host: 'app.test', target: backend.url, redirectToHttps: false },
        { host: 'api.test', path: '/v1', targets: [backend.url, { url: backend.url, weight: 2 }], balance: 'weighted' },
      ],
      timeouts: { upstreamConnect: '2s' },
      recording: { enabled: true, bodyCap: 4096 },
    };
    baseText = JSON.stringify(base, null, 2) + '\n';
    gh = await startTestInstance(base, { configText: baseText });
    gh.instance.onConfigProblem(() => problems++);
    gh.instance.onConfigApplied(() => applied++);
  });
  after(async () => {
    await gh.close();
    await backend.close();
  });

  const serves = async () => {
    const res = await request(`http://127.0.0.1:${gh.instance.engine.httpPort}/probe`, { headers: { host: 'app.test' } });
    assert.equal(res.statusCode, 200);
    await res.body.text();
  };

  /** Writes `bytes` and waits until the instance has reacted as the parser (the oracle) predicts. */
  async function writeAndSettle(bytes: Buffer, label: string): Promise<'applied' | 'rejected' | 'same'> {
    const before = JSON.stringify(gh.instance.config);
    const p0 = problems;
    const a0 = applied;
    fs.writeFileSync(gh.configPath, bytes);
    const verdict = parseConfigText(bytes.toString('utf8'), gh.configPath);
    if (verdict.ok && JSON.stringify(verdict.config) === before) {
      await sleep(250);
      assert.equal(JSON.stringify(gh.instance.config), before, label);
      return 'same';
    }
    if (verdict.ok) {
      await waitFor(() => applied > a0 || problems > p0, `${label}: reaction to a valid file`, 5_000);
      return applied > a0 ? 'applied' : 'rejected';
    }
    await waitFor(() => problems > p0, `${label}: the invalid file is reported`, 5_000);
    assert.equal(JSON.stringify(gh.instance.config), before, `${label}: the running routes are unchanged`);
    assert.ok(gh.instance.configProblem, `${label}: the problem is visible`);
    assert.deepEqual(fs.readFileSync(gh.configPath), bytes, `${label}: the user's file is not rewritten`);
    return 'rejected';
  }

  /** Saves like an editor does (temp file + rename), so the watcher never reads a half-written file. */
  const saveAtomically = (text: string) => {
    const tmp = `${gh.configPath}.${process.pid}.swp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, gh.configPath);
  };

  async function restoreBase(): Promise<void> {
    const a0 = applied;
    if (fs.existsSync(gh.configPath) && fs.lstatSync(gh.configPath).isSymbolicLink()) fs.rmSync(gh.configPath);
    saveAtomically(baseText);
    const same = JSON.stringify(gh.instance.config) === JSON.stringify(parseConfigText(baseText, gh.configPath).ok ? base : null);
    if (!same || gh.instance.configProblem) await waitFor(() => applied > a0 && !gh.instance.configProblem, 'the base config is back', 5_000);
  }

  test(`seeded mutations (seed ${SEED}, ${ITERATIONS} files)`, async () => {
    const rnd = seededRandom(SEED);
    const text = Buffer.from(baseText);
    const mutations: Array<[string, () => Buffer]> = [
      ['truncate', () => text.subarray(0, rnd.int(text.length))],
      ['flip bytes', () => { const b = Buffer.from(text); for (let i = 0, n = 1 + rnd.int(4); i < n; i++) b[rnd.int(b.length)] = rnd.int(256); return b; }],
      ['insert junk', () => { const at = rnd.int(text.length); return Buffer.concat([text.subarray(0, at), Buffer.from(rnd.pick(['{', '}', ',', '"', ':', 'null', '[]', '\u0000', '\ufeff', '/*', '1e999', '-0', '"\\ud800"'])), text.subarray(at)]); }],
      ['delete span', () => { const at = rnd.int(text.length); return Buffer.concat([text.subarray(0, at), text.subarray(at + 1 + rnd.int(20))]); }],
      ['binary', () => Buffer.from(Array.from({ length: 1 + rnd.int(2048) }, () => rnd.int(256)))],
      ['wrong type', () => {
        const c = JSON.parse(baseText);
        const value = rnd.pick<unknown>([42, -1, 'x', null, true, [], {}, 1e308, '\u0000', 'http://[::1', 99999]);
        const field = rnd.pick(['routes', 'routes.0.host', 'routes.0.target', 'routes.1.targets', 'routes.1.balance', 'routes.1.path', 'httpPort', 'listen', 'timeouts.upstreamConnect', 'recording.bodyCap', 'trustedProxies', 'suffixes']);
        const keys = field.split('.');
        let o = c;
        for (const k of keys.slice(0, -1)) o = o[k];
        o[keys[keys.length - 1]!] = value;
        return Buffer.from(JSON.stringify(c, null, 2));
      }],
      ['duplicate key', () => Buffer.from(baseText.replace('"routes"', '"routes": [], "routes"'))],
      ['huge', () => Buffer.from(JSON.stringify({ routes: Array.from({ length: 2000 }, (_, i) => ({ host: `h${i}.test`, target: backend.url })), junk: 'x'.repeat(200_000 + rnd.int(1000)) }))],
    ];
    const tally: Record<string, number> = {};
    for (let i = 0; i < ITERATIONS; i++) {
      const [name, make] = rnd.pick(mutations);
      const outcome = await writeAndSettle(make(), `#${i} ${name} (seed ${SEED})`);
      tally[`${name}:${outcome}`] = (tally[`${name}:${outcome}`] ?? 0) + 1;
      if (outcome !== 'same') await restoreBase();
      if (i % 8 === 0) await serves();
    }
    console.log(`config fuzz: ${ITERATIONS} files, seed ${SEED}: ${JSON.stringify(tally)}`);
    await serves();
  });

  test('empty file and a lone BOM: rejected, routes kept, file untouched', async () => {
    for (const b of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf])]) {
      assert.equal(await writeAndSettle(b, `bytes ${b.toString('hex') || 'empty'}`), 'rejected');
      await restoreBase();
    }
  });

  test('deleted: routes kept, a re-created file applies', async () => {
    const p0 = problems;
    fs.rmSync(gh.configPath);
    await waitFor(() => problems > p0, 'the deletion is reported');
    assert.deepEqual(gh.instance.config, base);
    await serves();
    assert.equal(fs.existsSync(gh.configPath), false, 'Gatehouse does not re-create the file behind the user');
    await restoreBase();
  });

  test('replaced by a symlink: the link target is read, and Gatehouse edits write through the link', async () => {
    const real = path.join(path.dirname(gh.configPath), 'dotfiles-config.json');
    const linked = { ...base, routes: [...base.routes, { host: 'linked.test', target: backend.url }] };
    fs.writeFileSync(real, JSON.stringify(linked, null, 2));
    const a0 = applied;
    fs.rmSync(gh.configPath);
    fs.symlinkSync(real, gh.configPath);
    await waitFor(() => applied > a0 && gh.instance.config.routes.some((r) => r.host === 'linked.test'), 'the linked config applies');
    const add = await gh.call('routes.add', { route: { host: 'via-api.test', target: backend.url } });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    assert.ok(fs.lstatSync(gh.configPath).isSymbolicLink(), 'still a symlink');
    assert.match(fs.readFileSync(real, 'utf8'), /via-api\.test/);
    fs.rmSync(gh.configPath);
    await restoreBase();
  });

  test('edited by hand while Gatehouse writes it: no edit is lost', async () => {
    for (let i = 0; i < 5; i++) {
      const hand = JSON.parse(fs.readFileSync(gh.configPath, 'utf8')) as GatehouseConfig;
      hand.routes.push({ host: `hand${i}.test`, target: backend.url });
      const apiCall = gh.call('routes.add', { route: { host: `api${i}.test`, target: backend.url } });
      saveAtomically(JSON.stringify(hand, null, 2));
      const res = await apiCall;
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const final = fs.readFileSync(gh.configPath, 'utf8');
      assert.match(final, new RegExp(`hand${i}\\.test`), `hand edit ${i} survived`);
      // the API edit either landed in the file, or it was made first and the hand edit (based on the old text) replaced it:
      // that is the user's own overwrite, not Gatehouse losing an edit; it must then not claim success silently twice
      if (!final.includes(`api${i}.test`)) {
        const again = await gh.call('routes.add', { route: { host: `api${i}.test`, target: backend.url } });
        assert.equal(again.status, 200);
      }
      assert.match(fs.readFileSync(gh.configPath, 'utf8'), new RegExp(`api${i}\\.test`));
    }
    await waitFor(() => gh.instance.config.routes.some((r) => r.host === 'api4.test') && gh.instance.config.routes.some((r) => r.host === 'hand4.test'), 'both edits are running');
    await serves();
  });

  test(
    'after API edits, saving the file back to its original content takes effect',
    async () => {
      await restoreBase();
      assert.deepEqual(gh.instance.config.routes.map((r) => r.host), base.routes.map((r) => r.host));
    },
  );
});
