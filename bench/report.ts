import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadResult, SubjectResult } from './interleave';
import { PEERS, SUBJECT_ORDER, type BenchResults } from './results-model';
import { evaluateTargets } from './targets';

const num = (x: number, digits: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function figure(l: LoadResult, r: SubjectResult | undefined): string {
  if (!r) return '';
  if (r.skipped) return r.skipped === 'not offered' ? 'n/a' : 'skipped';
  if (l.addedOverDirect) {
    if (r.added?.p50 === undefined) return r.median === undefined ? 'error' : `${num(r.median, 3)}`;
    const us = (ms: number) => `${ms >= 0 ? '+' : ''}${num(ms * 1000, 0)} µs`;
    return `${us(r.added.p50)}${r.added.p99 !== undefined ? ` (p99 ${us(r.added.p99)})` : ''}`;
  }
  if (r.median === undefined) return 'error';
  return num(r.median, l.unit === 'ms' ? 3 : l.unit === 'MB/s' || r.median >= 100 ? 0 : 1);
}

function gatehouseRatio(l: LoadResult, peer: string): string {
  const g = l.subjects['gatehouse'];
  const p = l.subjects[peer];
  if (!g || !p || g.skipped || p.skipped) return '—';
  if (l.addedOverDirect) {
    const a = g.added?.p50;
    const b = p.added?.p50;
    if (a === undefined || b === undefined || b <= 0) return '—';
    return `${num(a / b, 2)}×`;
  }
  if (g.median === undefined || p.median === undefined || p.median === 0) return '—';
  return `${num(g.median / p.median, 2)}×`;
}

export function renderMarkdown(r: BenchResults): string {
  const label = (id: string) => r.subjects.find((s) => s.id === id)?.label ?? id;
  const present = SUBJECT_ORDER.filter((id) => r.subjects.some((s) => s.id === id));
  const m = r.machine;
  const out: string[] = [];
  out.push(`# Gatehouse benchmark`);
  out.push('');
  out.push(
    `Taken ${r.startedAt.replace('T', ' ').slice(0, 16)} UTC on ${m.nproc} × ${m.cpuModel}, ${m.memoryGB} GB, ${m.kernel}, Node ${m.node}; ` +
      `\`npm run bench${r.args?.length ? ` -- ${r.args.join(' ')}` : r.mode === 'quick' ? ' -- --quick' : ''}\`, ${r.rounds} interleaved rounds, medians; run took ${Math.round(r.durationS)} s; ` +
      `load average ${m.loadAverageAtStart.join(' / ')} at start, ${r.loadAverageAtEnd.join(' / ')} at end.`,
  );
  out.push(
    `Everything on one machine over loopback: load tool, proxy and backend share the ${m.nproc} cores. Tools: wrk ${m.tools['wrk']}, h2load ${m.tools['h2load']}, OpenSSL ${m.tools['openssl']}.`,
  );
  out.push('');
  out.push('## Figures');
  out.push('');
  out.push(`| Load | unit | ${present.map(label).join(' | ')} |`);
  out.push(`|---|---|${present.map(() => '---:').join('|')}|`);
  for (const l of r.loads) {
    if (l.skipped) {
      out.push(`| ${l.title} | ${l.unit} | ${present.map(() => 'skipped').join(' | ')} |`);
      continue;
    }
    const unit = l.addedOverDirect ? 'added over direct' : l.unit;
    out.push(`| ${l.title} | ${unit} | ${present.map((id) => (id === 'direct' && l.addedOverDirect ? `${figure({ ...l, addedOverDirect: false }, l.subjects[id])} ms` : figure(l, l.subjects[id]))).join(' | ')} |`);
    if (l.id === 'stream') {
      const rss = (id: string) => {
        const x = l.subjects[id];
        if (!x || x.skipped || x.extra['rssGrowthMB'] === undefined) return '';
        const held = x.extra['recordedGrowthMB'];
        const recorder = held === undefined ? '' : `; recorder +${num(Math.max(0, held), 1)}`;
        return `+${num(x.extra['rssGrowthMB'], 1)} (${num(x.extra['rssStartMB'] ?? 0, 0)}→${num(x.extra['rssPeakMB'] ?? 0, 0)}${recorder})`;
      };
      out.push(`| ↳ RSS during the 10 MB transfers (growth, start→peak; of it, what the recorder holds on purpose: captured bodies) | MB | ${present.map(rss).join(' | ')} |`);
    }
  }
  out.push('');
  const ratioCols = [...PEERS.filter((p) => present.includes(p)), ...(present.includes('gatehouse-norec') ? ['gatehouse-norec'] : [])];
  out.push('## Gatehouse (recording on) as a ratio to each peer');
  out.push('');
  out.push('Throughput rows: above 1× means Gatehouse is faster. Latency rows: added latency ÷ the peer’s added latency, below 1× means Gatehouse adds less.');
  out.push('');
  out.push(`| Load | ${ratioCols.map((c) => `÷ ${label(c)}`).join(' | ')} |`);
  out.push(`|---|${ratioCols.map(() => '---:').join('|')}|`);
  for (const l of r.loads) {
    if (l.skipped) continue;
    out.push(`| ${l.title} | ${ratioCols.map((c) => gatehouseRatio(l, c)).join(' | ')} |`);
  }
  out.push('');
  out.push('## Targets (issue 6)');
  out.push('');
  out.push('| Target | Measured | Status |');
  out.push('|---|---|---|');
  for (const t of evaluateTargets(r)) out.push(`| ${t.text} | ${t.figure} | ${t.status === 'met' ? '✅ met' : t.status === 'not met' ? '❌ not met' : '— not measured'} |`);
  out.push('');
  out.push('## Gatehouse alone');
  out.push('');
  out.push('| Measure | Figures | Notes |');
  out.push('|---|---|---|');
  for (const e of Object.values(r.extras)) {
    const figs = Object.entries(e.figures)
      .map(([k, v]) => {
        const unit = /Ms$/.test(k) ? ' ms' : /MB$/.test(k) ? ' MB' : '';
        return `${unit ? k.slice(0, -2) : k} ${num(v, Number.isInteger(v) || Math.abs(v) >= 100 ? 0 : unit === ' MB' ? 1 : 2)}${unit}`;
      })
      .join(', ');
    out.push(`| ${e.title} | ${e.skipped ? `not measured: ${e.skipped}` : figs} | ${e.notes.join('; ')} |`);
  }
  out.push('');
  out.push('## Subjects');
  out.push('');
  for (const s of r.subjects) out.push(`- **${s.label}**${s.version ? ` ${s.version}` : ''}: ${s.skipped ? `skipped — ${s.skipped}` : s.notes.join('; ')}`);
  const problems: string[] = [];
  for (const l of r.loads) {
    if (l.skipped) problems.push(`${l.id}: skipped — ${l.skipped}`);
    for (const [id, x] of Object.entries(l.subjects)) {
      if (x.skipped && x.skipped !== 'not offered') problems.push(`${l.id} / ${id}: ${x.skipped}`);
      for (const w of x.warnings) problems.push(`${l.id} / ${id}: ${w}`);
      x.rounds.forEach((rd, i) => rd?.error && problems.push(`${l.id} / ${id} round ${i + 1}: ${rd.error.split('\n')[0]}`));
    }
  }
  if (problems.length || r.notes.length) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const n of [...r.notes, ...problems]) out.push(`- ${n}`);
  }
  out.push('');
  return out.join('\n');
}

export function writeResults(r: BenchResults, dir: string): { md: string; json: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const md = path.join(dir, 'latest.md');
  const json = path.join(dir, 'latest.json');
  const text = renderMarkdown(r);
  fs.writeFileSync(md, text);
  fs.writeFileSync(json, JSON.stringify({ ...r, targets: evaluateTargets(r) }, null, 2));
  fs.writeFileSync(path.join(dir, `bench-${stamp}.json`), JSON.stringify({ ...r, targets: evaluateTargets(r) }, null, 2));
  return { md, json };
}
