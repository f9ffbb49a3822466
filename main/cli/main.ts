import * as os from 'node:os';
import type { CliContext } from './cli-context';
import { runCli } from './run-cli';

/**
 * The process side of the CLI (loaded by main/cli/gatehouse.js): wires the real
 * stdout/stderr, environment and signals into runCli and sets the exit code.
 * A second Ctrl+C during shutdown exits at once.
 */
function processContext(): CliContext {
  let shutdown: Promise<string> | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
    homedir: os.homedir(),
    shutdownRequested() {
      shutdown ??= new Promise((resolve) => {
        let received = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          received++;
          if (received === 1) resolve(signal);
          else {
            process.stderr.write(`${signal} again: exiting now\n`);
            process.exit(130);
          }
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      return shutdown;
    },
  };
}

// A reader that stops early (`gatehouse traffic ls | head -1`) closes the pipe, and the rest of
// the output has nowhere to go: drop it, as Unix tools do, instead of dying on an unhandled
// EPIPE with a stack trace. The command still finishes and exits with its own code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

runCli(process.argv.slice(2), processContext()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gatehouse: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
