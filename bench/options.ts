/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** seconds per measurement, by kind of load */
  seconds: { throughput: number; latency: number; tls: number; stream: number; ws: number; node: number };
  /** Requests of each of HTTP, HTTPS and HTTP/2 that every subject gets before anything is measured. */
  warmupRequests: number;
  /** Loads to run (ids); empty = all. */
  only: string[];
  /** Subjects to run (ids); empty = all. */
  subjects: string[];
  /** Skip the Node-backend second case. */
  nodeBackend: boolean;
  coldCerts: number;
  recordedExchanges: number;
  startups: number;
  renderer: boolean;
  outDir: string;
}

export const USAGE = `npm run bench [-- options]
  --quick             about 4 minutes: 1 s per measurement, no Node-backend case, fewer samples,
                      RSS after 20k exchanges instead of 100k, no renderer
  --rounds N          interleaved rounds per load (default 3, minimum 3 for the table)
  --only a,b          only these loads (ids: h1, latency, https, tls-new, h2, stream, ws, node-h1, node-latency,
                      cold-cert, memory, startup, renderer, recording-ab)
  --subjects a,b      only these subjects (direct, gatehouse, gatehouse-norec, nginx, caddy, haproxy, node-http-proxy, node-floor,
                      node-floor-bare, node-floor-cluster, node-llhttp, node-splice)
  --no-renderer       skip the renderer measurements (--renderer: run them even with --quick)
  --warmup N          requests of each of HTTP, HTTPS and HTTP/2 per subject before measuring (default 30000; 5000 with --quick)
  --exchanges N       recorded exchanges for the RSS figure (default 100000; 20000 with --quick)
  --out DIR           where to write latest.md / latest.json (default bench/results)`;

export function parseOptions(argv: readonly string[], defaultOut: string): BenchOptions {
  const quick = argv.includes('--quick');
  const o: BenchOptions = {
    quick,
    rounds: 3,
    seconds: quick
      ? { throughput: 1, latency: 1, tls: 0.7, stream: 1, ws: 0.7, node: 1 }
      : { throughput: 2, latency: 2, tls: 1.5, stream: 2, ws: 1.5, node: 2 },
    warmupRequests: quick ? 5_000 : 30_000,
    only: [],
    subjects: [],
    nodeBackend: !quick,
    coldCerts: quick ? 50 : 200,
    recordedExchanges: quick ? 20_000 : 100_000,
    startups: quick ? 3 : 5,
    renderer: !quick,
    outDir: defaultOut,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') continue;
    else if (a === '--rounds') o.rounds = wholeNumber(a, next(), 1);
    else if (a === '--only') o.only = next().split(',');
    else if (a === '--subjects') o.subjects = next().split(',');
    else if (a === '--no-renderer') o.renderer = false;
    else if (a === '--renderer') o.renderer = true;
    else if (a === '--warmup') o.warmupRequests = wholeNumber(a, next(), 1000);
    else if (a === '--exchanges') o.recordedExchanges = wholeNumber(a, next(), 1000);
    else if (a === '--out') o.outDir = next();
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

/** A whole number of at least `min`, or an error naming the option. */
function wholeNumber(option: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new Error(`${option} takes a whole number of at least ${min}, not "${value}"\n${USAGE}`);
  return n;
}

export function wanted(o: BenchOptions, id: string): boolean {
  return o.only.length === 0 || o.only.includes(id);
}
