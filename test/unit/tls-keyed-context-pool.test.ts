import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { KeyedContextPool } from '../../main/tls/keyed-context-pool';
import { LeafCertificates } from '../../main/tls/leaf-certificates';
import { tempDataDir } from '../support/temp-data-dir';

async function openCa(t: { after(fn: () => void): void }): Promise<CertificateAuthority> {
  const data = tempDataDir();
  t.after(data.cleanup);
  return CertificateAuthority.open({ dataDir: data.dir });
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A pool of `size` contexts for `keyPem`, disposed after the test, once it has filled. */
async function filledPool(t: { after(fn: () => void): void }, keyPem: string, size: number, idleMs: number): Promise<KeyedContextPool> {
  const pool = new KeyedContextPool({ size, idleMs });
  t.after(() => pool.dispose());
  pool.prepare(keyPem);
  assert.equal(pool.readyCount, 0, 'nothing is made synchronously');
  await until('the pool to fill', () => pool.readyCount === size);
  return pool;
}

/**
 * A TLS server whose SNI callback hands out the given contexts by name, and a
 * client that trusts only `rootPem`: what certificate a real handshake gets.
 */
async function serveAndConnect(
  t: { after(fn: () => void): void },
  contexts: Map<string, tls.SecureContext>,
  names: string[],
  rootPem: string,
): Promise<Array<{ name: string; authorized: boolean; error?: string; san?: string }>> {
  const server = tls.createServer({ SNICallback: (name, cb) => cb(null, contexts.get(name)) }, (s) => s.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const out = [];
  for (const name of names) {
    out.push(
      await new Promise<{ name: string; authorized: boolean; error?: string; san?: string }>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, servername: name, ca: rootPem }, () => {
          resolve({ name, authorized: s.authorized, san: s.getPeerCertificate().subjectaltname });
          s.end();
        });
        s.on('error', (err) => resolve({ name, authorized: false, error: err.message }));
      }),
    );
  }
  return out;
}

test('pooled contexts, made ahead with the key, serve each host its own certificate in a real handshake', async (t) => {
  const ca = await openCa(t);
  const pool = await filledPool(t, ca.leafKeyPem, 3, 1);

  const names = ['one.test', 'two.test', 'three.test'];
  const contexts = new Map(names.map((n) => [n, pool.contextFor(ca.leafKeyPem, ca.mintLeaf(n).pem)]));
  assert.deepEqual(pool.stats, { fromPool: 3, built: 0, prepared: 3 });
  assert.equal(new Set(contexts.values()).size, 3, 'every host its own context');

  const results = await serveAndConnect(t, contexts, names, ca.rootCertPem);
  for (const r of results) {
    assert.equal(r.error, undefined, `${r.name}: ${r.error}`);
    assert.ok(r.authorized, r.name);
    assert.equal(r.san, `DNS:${r.name}`);
  }
});

test('the pool refills only after it has been idle, one context per turn, and never above its size', async (t) => {
  const ca = await openCa(t);
  const pool = await filledPool(t, ca.leafKeyPem, 2, 60);

  pool.contextFor(ca.leafKeyPem, ca.mintLeaf('a.test').pem);
  pool.contextFor(ca.leafKeyPem, ca.mintLeaf('b.test').pem);
  assert.equal(pool.readyCount, 0);
  // A burst: the third take finds the pool empty and builds its context whole.
  pool.contextFor(ca.leafKeyPem, ca.mintLeaf('c.test').pem);
  assert.deepEqual(pool.stats, { fromPool: 2, built: 1, prepared: 2 });
  for (let i = 0; i < 5; i++) await nextTurn();
  assert.equal(pool.readyCount, 0, 'no refill right after a take');
  await until('the refill', () => pool.readyCount === 2);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(pool.readyCount, 2);
  assert.equal(pool.stats.prepared, 4);
});

test('a new key empties the pool: no context made with the old key gets a certificate for the new one', async (t) => {
  const first = await openCa(t);
  const second = await openCa(t);
  assert.notEqual(first.leafKeyPem, second.leafKeyPem);
  const pool = await filledPool(t, first.leafKeyPem, 2, 1);

  const ctx = pool.contextFor(second.leafKeyPem, second.mintLeaf('new.test').pem);
  assert.deepEqual(pool.stats, { fromPool: 0, built: 1, prepared: 2 });
  const [r] = await serveAndConnect(t, new Map([['new.test', ctx]]), ['new.test'], second.rootCertPem);
  assert.ok(r!.authorized, r!.error);
  await until('the pool to refill for the new key', () => pool.readyCount === 2);
  const again = pool.contextFor(second.leafKeyPem, second.mintLeaf('again.test').pem);
  assert.equal(pool.stats.fromPool, 1);
  const [r2] = await serveAndConnect(t, new Map([['again.test', again]]), ['again.test'], second.rootCertPem);
  assert.ok(r2!.authorized, r2!.error);
});

test('a certificate OpenSSL cannot read is reported as tls.createSecureContext reports it', async (t) => {
  const ca = await openCa(t);
  const pool = await filledPool(t, ca.leafKeyPem, 1, 1);
  const garbage = '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n';
  assert.throws(() => pool.contextFor(ca.leafKeyPem, garbage), /PEM|certificate|asn1|no start line/i);
  assert.throws(() => pool.contextFor(ca.leafKeyPem, garbage), /PEM|certificate|asn1|no start line/i);
  assert.equal(pool.stats.fromPool, 0);
});

test('LeafCertificates takes its contexts from the pool once the engine has been idle', async (t) => {
  const ca = await openCa(t);
  const leaves = new LeafCertificates(ca, { writeDelayMs: 60_000, pool: { size: 2, idleMs: 1 } });
  t.after(() => leaves.dispose());
  t.after(() => leaves.flush()); // the deferred disk write
  await until('the pool to fill', () => leaves.poolStats.prepared === 2);
  const ctx = await leaves.contextFor('pooled.test');
  assert.equal(leaves.poolStats.fromPool, 1);
  const [r] = await serveAndConnect(t, new Map([['pooled.test', ctx]]), ['pooled.test'], ca.rootCertPem);
  assert.ok(r!.authorized, r!.error);
  assert.equal(r!.san, 'DNS:pooled.test');
});
