// Run as a child process (possibly as an unprivileged user): asks for a port with
// listenWithFallback and prints what happened as JSON on stdout.
// Usage: node --import tsx test/support/listen-probe.ts PORT FALLBACK
import * as net from 'node:net';
import { listenWithFallback } from '../../main/engine/listen';
import { memoryLogger } from '../../main/engine/logger';

async function main(): Promise<void> {
  const [port, fallback] = process.argv.slice(2).map(Number);
  const logger = memoryLogger();
  try {
    const r = await listenWithFallback({
      createServer: () => net.createServer(),
      hosts: ['127.0.0.1'],
      port: port!,
      fallbackPort: fallback!,
      label: 'HTTP',
      logger,
    });
    for (const s of r.servers) s.close();
    process.stdout.write(JSON.stringify({ port: r.port, fellBack: r.fellBack, lines: logger.lines }));
  } catch (err) {
    const e = err as { code?: string; message: string };
    process.stdout.write(JSON.stringify({ error: { code: e.code, message: e.message }, lines: logger.lines }));
  }
}

void main();
