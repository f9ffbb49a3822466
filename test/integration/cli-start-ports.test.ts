import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as path from 'node:path';
import { cliSandbox, GatehouseProcess, runGatehouse, type CliSandbox } from '../support/gatehouse-cli';
import { controlRequest } from '../support/control-harness';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * Only the default ports (80, 443) fall back to 8080 / 8443. A port the user
 * chose — flag or config — is used, or `gatehouse start` fails saying why.
 */
async function occupy(port = 0): Promise<net.Server> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port, exclusive: true }, resolve);
  });
  return s;
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
const close = (s: net.Server) => new Promise<void>((resolve) => s.close(() => resolve()));

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const s = await occupy();
  const port = portOf(s);
  await close(s);
  return port;
}

/**
 * A UDP port on 127.0.0.1 whose TCP twin is free on both loopbacks: the doctor
 * checks TCP before UDP, so a TCP listener that happens to hold the same number
 * (another test running alongside) would be reported first.
 */
async function udpOnlyPort(): Promise<{ udp: dgram.Socket; port: number }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind({ address: '127.0.0.1', port: 0, exclusive: true }, resolve));
    const port = udp.address().port;
    const tcpFree = await Promise.all(['127.0.0.1', '::1'].map((host) => new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
    })));
    if (tcpFree.every(Boolean)) return { udp, port };
    udp.close();
  }
  throw new Error('no UDP port with a free TCP twin in 50 tries');
}

function sandbox(dir: string, config: object): CliSandbox {
  const s = cliSandbox(dir);
  fs.mkdirSync(path.dirname(s.configFile), { recursive: true });
  fs.writeFileSync(s.configFile, `${JSON.stringify({ routes: [], listen: ['127.0.0.1'], ...config })}\n`);
  return s;
}

test('an explicit port that is taken fails the start (flag or config); it never becomes 8080', async () => {
  const temp = tempDataDir('gatehouse-start-ports-');
  const taken = await occupy();
  const port = portOf(taken);
  try {
    const expected = `HTTP port ${port} on 127.0.0.1 is already in use by another program — stop it or pass --http-port N`;
    const byFlag = await runGatehouse(sandbox(path.join(temp.dir, 'flag'), {}), ['start', '--http-port', String(port), '--https-port', '0', '--dns-port', '0']);
    assert.equal(byFlag.code, 1, byFlag.stdout);
    assert.equal(byFlag.stderr.trim(), `gatehouse: ${expected}`);
    assert.doesNotMatch(byFlag.stdout + byFlag.stderr, /using port|8080/);

    const byConfig = await runGatehouse(sandbox(path.join(temp.dir, 'config'), { httpPort: port, httpsPort: 0, dnsPort: 0 }), ['start']);
    assert.equal(byConfig.code, 1, byConfig.stdout);
    assert.equal(byConfig.stderr.trim(), `gatehouse: ${expected}`);
    assert.doesNotMatch(byConfig.stdout, /running/);
  } finally {
    await close(taken);
    temp.cleanup();
  }
});

test('HTTP and HTTPS on one port: a usage error for the flags, and never "another program" when it is our own listener', async () => {
  const temp = tempDataDir('gatehouse-start-same-port-');
  try {
    const same = await runGatehouse(sandbox(path.join(temp.dir, 'flags'), {}), ['start', '--http-port', '23456', '--https-port', '23456']);
    assert.equal(same.code, 2);
    assert.equal(same.stderr, 'gatehouse: HTTP and HTTPS cannot share port 23456; give --http-port and --https-port different ports (see gatehouse start --help)\n');

    // The flag's HTTP port is the config's HTTPS port: found when HTTPS binds, and named as ours.
    const port = await freePort();
    const mixed = await runGatehouse(sandbox(path.join(temp.dir, 'mixed'), { httpsPort: port, dnsPort: 0 }), ['start', '--http-port', String(port)]);
    assert.equal(mixed.code, 1, mixed.stdout);
    assert.match(
      mixed.stderr,
      new RegExp(`^gatehouse: HTTPS port ${port} is already Gatehouse's own HTTP port — HTTP and HTTPS need different ports; pass --https-port N\\n$`),
    );
    assert.doesNotMatch(mixed.stderr, /another program|8443/);
  } finally {
    temp.cleanup();
  }
});

test('doctor: a taken port set in the config is a failure, not "Gatehouse will use 8080"', async () => {
  const temp = tempDataDir('gatehouse-doctor-ports-');
  const taken = await occupy();
  const port = portOf(taken);
  try {
    const r = await runGatehouse(sandbox(temp.dir, { httpPort: port, dnsPort: 0 }), ['doctor', '--json']);
    const checks = (JSON.parse(r.stdout) as { checks: Array<{ area: string; status: string; message: string }> }).checks;
    const http = checks.find((c) => c.area === 'ports' && c.message.startsWith(`HTTP port ${port}`));
    assert.deepEqual(
      { status: http?.status, message: http?.message },
      { status: 'fail', message: `HTTP port ${port} on 127.0.0.1 is in use by another program (EADDRINUSE); \`gatehouse start\` will fail (a port you set does not fall back)` },
    );
    assert.equal(r.code, 1);
  } finally {
    await close(taken);
    temp.cleanup();
  }
});

test('doctor checks ports where start will bind them: every listen address, and UDP for DNS', async () => {
  const temp = tempDataDir('gatehouse-doctor-ports-v6-udp-');
  // Taken on ::1 only: a check of 127.0.0.1 alone said "free", and start then failed.
  const v6 = net.createServer();
  await new Promise<void>((resolve, reject) => {
    v6.once('error', reject);
    v6.listen({ host: '::1', port: 0, exclusive: true }, resolve);
  });
  const httpPort = portOf(v6);
  // Taken over UDP only: a TCP check said "free", and start then left the DNS responder out.
  const { udp, port: dnsPort } = await udpOnlyPort();
  try {
    const config = { httpPort, httpsPort: 0, dnsPort, listen: ['127.0.0.1', '::1'] };
    const r = await runGatehouse(sandbox(temp.dir, config), ['doctor', '--json']);
    const checks = (JSON.parse(r.stdout) as { checks: Array<{ area: string; status: string; message: string }> }).checks;
    const http = checks.find((c) => c.area === 'ports' && c.message.startsWith(`HTTP port ${httpPort}`));
    assert.equal(http?.status, 'fail', JSON.stringify(checks));
    assert.match(http!.message, new RegExp(`^HTTP port ${httpPort} on \\[::1\\] is in use by another program`));
    const dns = checks.find((c) => c.area === 'ports' && c.message.startsWith(`DNS port ${dnsPort}`));
    assert.equal(dns?.status, 'warn', JSON.stringify(checks));
    assert.match(dns!.message, new RegExp(`^DNS port ${dnsPort} on 127\\.0\\.0\\.1 \\(UDP\\) is in use`));
  } finally {
    await close(v6);
    udp.close();
    temp.cleanup();
  }
});

test('--dashboard-port fixes the dashboard port (for an SSH tunnel), and a taken one fails the start saying which flag to change', async () => {
  const temp = tempDataDir('gatehouse-dashboard-port-');
  const port = await freePort();
  const proc = new GatehouseProcess(sandbox(path.join(temp.dir, 'a'), {}), ['--http-port', '0', '--https-port', '0', '--dns-port', '0', '--dashboard-port', String(port)]);
  try {
    const url = (await proc.waitFor('stdout', /dashboard: (\S+)/))[1]!;
    assert.ok(url.startsWith(`http://127.0.0.1:${port}/?token=`), url);
    // Through a tunnel with the same port on both ends the browser sends Host localhost:<port>.
    const page = await controlRequest(port, { path: new URL(url).pathname + new URL(url).search, headers: { host: `localhost:${port}` } });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['set-cookie']), /HttpOnly/);

    const second = await runGatehouse(sandbox(path.join(temp.dir, 'b'), {}), ['start', '--http-port', '0', '--https-port', '0', '--dns-port', '0', '--dashboard-port', String(port)]);
    assert.equal(second.code, 1, second.stdout);
    assert.match(second.stderr, new RegExp(`cannot serve the dashboard on 127\\.0\\.0\\.1:${port}: it is in use by another program; choose another --dashboard-port`));
    assert.doesNotMatch(second.stdout, /running/);

    const bad = await runGatehouse(sandbox(path.join(temp.dir, 'c'), {}), ['start', '--dashboard-port', '70000']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--dashboard-port/);
  } finally {
    await proc.kill();
    temp.cleanup();
  }
});
