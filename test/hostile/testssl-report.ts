/**
 * Runs Debian's testssl.sh (/usr/bin/testssl) once against the HTTPS listener (bounded) and prints
 * its findings, for docs/SECURITY.md. Not part of `npm test` (it takes minutes):
 *   node --import tsx test/hostile/testssl-report.ts > /tmp/testssl.txt
 */
import { spawn } from 'node:child_process';
import { startBackend } from '../support/backends';
import { startHttpsProxy } from '../support/https-proxy';

async function main(): Promise<void> {
  const backend = await startBackend();
  const proxy = await startHttpsProxy({ routes: [{ host: 'app.test', target: backend.url }] });
  const args = ['--quiet', '--color', '0', '--warnings', 'off', '-p', '-s', '-U', '-S', '--sneaky', '--ip', '127.0.0.1', `app.test:${proxy.httpsPort}`];
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('testssl', args, { stdio: 'inherit', env });
    const timer = setTimeout(() => child.kill('SIGTERM'), 15 * 60_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  console.log(`\ntestssl ${args.join(' ')} exited ${code}`);
  await proxy.close();
  await backend.close();
}

void main();
