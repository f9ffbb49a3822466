import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { request } from 'undici';
import { Engine } from '../../main/engine/engine';
import { describeListenFailure, listenWithFallback } from '../../main/engine/listen';
import { memoryLogger } from '../../main/engine/logger';
import { startBackend } from '../support/backends';

async function occupy(host = '127.0.0.1', port = 0): Promise<net.Server> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host, port, exclusive: true }, resolve);
  });
  return s;
}

function portOf(s: net.Server): number {
  return (s.address() as net.AddressInfo).port;
}

function close(servers: readonly net.Server[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
}

describe('listening', () => {
  test('an occupied port: one line saying which, why and how to fix it, then the fallback', async () => {
    const taken = await occupy();
    const logger = memoryLogger();
    try {
      const r = await listenWithFallback({
        createServer: () => net.createServer(),
        hosts: ['127.0.0.1'],
        port: portOf(taken),
        fallbackPort: 0,
        label: 'HTTP',
        logger,
      });
      await close(r.servers);
      assert.equal(r.fellBack, true);
      assert.notEqual(r.port, portOf(taken));
      assert.equal(logger.lines.length, 1);
      assert.equal(
        logger.lines[0],
        `warn: HTTP port ${portOf(taken)} on 127.0.0.1 is already in use by another program — stop it or pass --http-port N; using port ${r.port} instead`,
      );
    } finally {
      await close([taken]);
    }
  });

  test('requested and fallback both taken: PORT_UNAVAILABLE naming both', async () => {
    const a = await occupy();
    const b = await occupy();
    try {
      await assert.rejects(
        listenWithFallback({
          createServer: () => net.createServer(),
          hosts: ['127.0.0.1'],
          port: portOf(a),
          fallbackPort: portOf(b),
          label: 'HTTPS',
          logger: memoryLogger(),
        }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'PORT_UNAVAILABLE');
          assert.match(err.message, new RegExp(`HTTPS port ${portOf(a)}.*--https-port N.*HTTPS port ${portOf(b)}`));
          return true;
        },
      );
    } finally {
      await close([a, b]);
    }
  });

  test('every host shares one (ephemeral) port; an unavailable IPv6 address is skipped with a warning', async () => {
    const logger = memoryLogger();
    const r = await listenWithFallback({
      createServer: () => net.createServer((s) => s.end('hi')),
      hosts: ['127.0.0.1', '::1', '::2'],
      port: 0,
      label: 'HTTP',
      logger,
    });
    try {
      assert.deepEqual(r.addresses, [`127.0.0.1:${r.port}`, `[::1]:${r.port}`]);
      assert.match(logger.lines.join('\n'), /cannot listen on ::2 \(EADDRNOTAVAIL\) — skipping it/);
    } finally {
      await close(r.servers);
    }
  });

  test('the engine falls back and serves on the fallback port', async () => {
    const taken = await occupy();
    const backend = await startBackend();
    const logger = memoryLogger();
    const engine = await Engine.start({
      config: { routes: [{ host: 'app.test', target: backend.url }] },
      httpPort: portOf(taken),
      fallbackHttpPort: 0,
      listen: ['127.0.0.1'],
      logger,
    });
    try {
      assert.notEqual(engine.httpPort, portOf(taken));
      assert.match(logger.lines[0]!, new RegExp(`HTTP port ${portOf(taken)} .*using port ${engine.httpPort} instead`));
      assert.match(logger.lines[1]!, new RegExp(`HTTP listening on 127\\.0\\.0\\.1:${engine.httpPort}`));
      const r = await request(`http://127.0.0.1:${engine.httpPort}/`, { headers: { host: 'app.test' } });
      assert.equal(r.statusCode, 200);
      await r.body.dump();
    } finally {
      await engine.stop(100);
      await backend.close();
      await close([taken]);
    }
  });

  test('the engine listens on 127.0.0.1 and ::1 by default', async () => {
    const backend = await startBackend();
    const engine = await Engine.start({ config: { routes: [{ host: 'app.test', target: backend.url }] }, httpPort: 0, logger: memoryLogger() });
    try {
      for (const host of ['127.0.0.1', '[::1]']) {
        const r = await request(`http://${host}:${engine.httpPort}/`, { headers: { host: 'app.test' } });
        assert.equal(r.statusCode, 200, host);
        await r.body.dump();
      }
    } finally {
      await engine.stop(100);
      await backend.close();
    }
  });

  const unprivilegedStart = (() => {
    try {
      return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    } catch {
      return undefined;
    }
  })();
  const canProbe = process.platform === 'linux' && unprivilegedStart !== undefined && unprivilegedStart > 80;

  test('a privileged port: permission denied with the sysctl fix, then the fallback', { skip: !canProbe && 'needs Linux with privileged port 80' }, () => {
    const root = path.resolve(__dirname, '..', '..');
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/listen-probe.ts'), '80', '0'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, HOME: '/tmp', TSX_DISABLE_CACHE: '1' },
      ...asNobody,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { port: number; fellBack: boolean; lines: string[] };
    assert.equal(out.fellBack, true);
    assert.equal(
      out.lines[0],
      `warn: HTTP port 80 on 127.0.0.1: permission denied (ports below 1024 are privileged) — run \`sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80\` or pass --http-port N; using port ${out.port} instead`,
    );
  });

  test('describeListenFailure on other platforms', () => {
    const err = Object.assign(new Error('x'), { code: 'EACCES', host: '127.0.0.1' });
    assert.match(describeListenFailure(err, 'HTTPS', 443, '--https-port', 'darwin'), /administrator rights or pass --https-port N/);
  });
});
