// The Node floor as one process per core: node:cluster forks node-floor-server.ts once per
// core and the workers share its listening sockets, the kernel handing each new connection
// to one of them (SCHED_NONE: no round-robin through this primary). Same handler, same
// config argument; this process only forks, waits and stops. It shows what a Node proxy
// could reach here if its engine ran in more than one process.
import cluster from 'node:cluster';
import * as os from 'node:os';
import * as path from 'node:path';

const workers = Math.max(2, os.availableParallelism());
// Before the first fork: each worker accepts on the shared sockets itself.
cluster.schedulingPolicy = cluster.SCHED_NONE;
cluster.setupPrimary({
  exec: path.join(__dirname, 'node-floor-server.ts'),
  execArgv: ['--import', 'tsx'],
  args: process.argv.slice(2),
  // The workers' own "listening" lines are not the signal; their errors still show.
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
let listening = 0;
cluster.on('listening', () => {
  // Two sockets per worker (plain and TLS).
  if (++listening === workers * 2) console.log(`Node floor x${workers} listening`);
});
cluster.on('exit', (_w, code, signal) => {
  if (!stopping) {
    console.error(`a Node floor worker exited (${signal ?? `code ${code}`})`);
    process.exit(1);
  }
});
for (let i = 0; i < workers; i++) cluster.fork();

let stopping = false;
const stop = () => {
  stopping = true;
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
