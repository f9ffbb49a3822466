/**
 * Where Gatehouse's CPU time goes, read from a V8 CPU profile (`node --cpu-prof`): self
 * time per layer of the stack (Gatehouse's engine and recorder, undici, node:http,
 * node:http2, streams and sockets, the event loop, socket writes, the garbage collector)
 * and per function, for the samples inside one load's time window, per request.
 *
 * Pure: bench/profile.ts runs the loads and writes the files; this only reads profiles.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The JSON V8 writes for `--cpu-prof` (times in microseconds of the monotonic clock). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Layers in the order the report lists them. */
export const LAYERS = [
  'Gatehouse: engine',
  'Gatehouse: recorder',
  'Gatehouse: other',
  "a benchmark peer's own script (bench/peers)",
  'undici (upstream HTTP/1.1 client, JS)',
  'undici: llhttp (WebAssembly)',
  'node:http (JS)',
  'node:http2 (JS)',
  'Node streams, sockets and TLS (JS)',
  'Node event loop, ticks and events (JS)',
  'socket writes (native, the syscall included)',
  'other native calls (string and buffer copies, parsers)',
  'V8: garbage collector',
  'V8: (program), native code outside JS',
  'other',
] as const;
export type Layer = (typeof LAYERS)[number];

const STREAM_MODULES = /^node:(internal\/streams\/|stream|internal\/stream_base_commons|net$|tls$|_tls_|internal\/tls|internal\/net)/;
const LOOP_MODULES = /^node:(internal\/process\/task_queues|internal\/timers|timers$|events$|internal\/async_hooks|internal\/per_context\/primordials|internal\/util$|internal\/validators)/;

/** The layer a function belongs to, by its script (and, for native functions, its name). */
export function layerOf(frame: CpuProfileNode['callFrame']): Layer | 'idle' {
  const { functionName: fn, url } = frame;
  if (url === '') {
    if (fn === '(idle)') return 'idle';
    if (fn === '(garbage collector)') return 'V8: garbage collector';
    if (fn === '(program)' || fn === '(root)') return 'V8: (program), native code outside JS';
    if (/^(writev|writeBuffer|writeLatin1String|writeUtf8String|writeAsciiString|writeUcs2String|shutdown)$/.test(fn)) {
      return 'socket writes (native, the syscall included)';
    }
    return 'other native calls (string and buffer copies, parsers)';
  }
  if (/[/\\]dist[/\\]main[/\\]engine[/\\]/.test(url)) return 'Gatehouse: engine';
  if (/[/\\]dist[/\\]main[/\\]recorder[/\\]/.test(url)) return 'Gatehouse: recorder';
  if (/[/\\]dist[/\\](main|shared)[/\\]/.test(url)) return 'Gatehouse: other';
  if (/[/\\]bench[/\\]peers[/\\]/.test(url)) return "a benchmark peer's own script (bench/peers)";
  if (url.startsWith('wasm://')) return 'undici: llhttp (WebAssembly)';
  if (/[/\\]node_modules[/\\]undici[/\\]/.test(url)) return 'undici (upstream HTTP/1.1 client, JS)';
  if (/^node:(_http_|http$|https$)/.test(url)) return 'node:http (JS)';
  if (url.startsWith('node:internal/http2/') || url === 'node:http2') return 'node:http2 (JS)';
  if (STREAM_MODULES.test(url)) return 'Node streams, sockets and TLS (JS)';
  if (LOOP_MODULES.test(url)) return 'Node event loop, ticks and events (JS)';
  return 'other';
}

/** `name file:line` of a function, as flame-graph viewers show it. */
export function frameLabel(frame: CpuProfileNode['callFrame']): string {
  const file = frame.url === '' ? '' : ` ${frame.url.replace(/^.*[/\\]/, '')}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${file}`;
}

export interface ProfileWindow {
  /** Monotonic-clock microseconds, the profile's own clock (V8 and process.hrtime share it on Linux). */
  startUs: number;
  endUs: number;
}

export interface LayerShare {
  layer: Layer;
  usPerRequest: number;
  /** Of the busy (not idle) time in the window. */
  share: number;
}

export interface FunctionShare {
  fn: string;
  layer: Layer;
  usPerRequest: number;
  share: number;
}

export interface ProfileSummary {
  requests: number;
  /** Sampled time in the window, idle included, in ms. */
  windowMs: number;
  busyUsPerRequest: number;
  /** Samples that fell inside the window (a window with few is noise). */
  samples: number;
  layers: LayerShare[];
  top: FunctionShare[];
  /** Every function with at least 0.01 µs per request, most first (for comparing two profiles). */
  functions: FunctionShare[];
}

export interface FunctionDifference {
  fn: string;
  layer: Layer;
  aUs: number;
  bUs: number;
  diffUs: number;
}

/**
 * The functions whose time per request differs most between two profiles (a − b, by
 * absolute difference, largest first); a function missing from one counts 0 there.
 */
export function functionDifferences(a: readonly FunctionShare[], b: readonly FunctionShare[], n: number): FunctionDifference[] {
  const rows = new Map<string, FunctionDifference>();
  for (const f of a) rows.set(f.fn, { fn: f.fn, layer: f.layer, aUs: f.usPerRequest, bUs: 0, diffUs: f.usPerRequest });
  for (const f of b) {
    const row = rows.get(f.fn);
    if (row) {
      row.bUs = f.usPerRequest;
      row.diffUs = row.aUs - f.usPerRequest;
    } else rows.set(f.fn, { fn: f.fn, layer: f.layer, aUs: 0, bUs: f.usPerRequest, diffUs: -f.usPerRequest });
  }
  return [...rows.values()].sort((x, y) => Math.abs(y.diffUs) - Math.abs(x.diffUs) || x.fn.localeCompare(y.fn)).slice(0, n);
}

/**
 * Self time per layer and per function of the samples in `window`, per request. Each
 * sample is charged the time delta that follows it (the time until the next sample).
 */
export function summarizeProfile(profile: CpuProfile, window: ProfileWindow, requests: number, topN = 15): ProfileSummary {
  if (!(requests > 0)) throw new RangeError(`requests must be positive, got ${requests}`);
  const byId = new Map<number, CpuProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const { samples, timeDeltas } = profile;
  if (samples.length !== timeDeltas.length) throw new Error(`malformed profile: ${samples.length} samples but ${timeDeltas.length} time deltas`);
  const layerUs = new Map<Layer, number>();
  const fnUs = new Map<string, { layer: Layer; us: number }>();
  let busy = 0;
  let total = 0;
  let inWindow = 0;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i]!;
    if (t < window.startUs || t >= window.endUs) continue;
    const node = byId.get(samples[i]!);
    if (!node) throw new Error(`malformed profile: sample ${i} names node ${samples[i]}, which is not in it`);
    // The time until the next sample (the profile's end for the last one).
    const dt = i + 1 < samples.length ? timeDeltas[i + 1]! : Math.max(0, profile.endTime - t);
    inWindow++;
    total += dt;
    const layer = layerOf(node.callFrame);
    if (layer === 'idle') continue;
    busy += dt;
    layerUs.set(layer, (layerUs.get(layer) ?? 0) + dt);
    const label = frameLabel(node.callFrame);
    const f = fnUs.get(label);
    if (f) f.us += dt;
    else fnUs.set(label, { layer, us: dt });
  }
  if (inWindow === 0) {
    throw new Error(
      `no samples between ${window.startUs} and ${window.endUs} µs: the profile covers ${profile.startTime}–${profile.endTime} µs (is it from this run?)`,
    );
  }
  const share = (us: number) => (busy > 0 ? us / busy : 0);
  const layers = LAYERS.filter((l) => layerUs.has(l)).map((layer) => ({
    layer,
    usPerRequest: layerUs.get(layer)! / requests,
    share: share(layerUs.get(layer)!),
  }));
  const functions = [...fnUs.entries()]
    .sort((a, b) => b[1].us - a[1].us)
    .map(([fn, { layer, us }]) => ({ fn, layer, usPerRequest: us / requests, share: share(us) }));
  return {
    requests,
    windowMs: total / 1000,
    busyUsPerRequest: busy / requests,
    samples: inWindow,
    layers,
    top: functions.slice(0, topN),
    functions: functions.filter((f) => f.usPerRequest >= 0.01),
  };
}
