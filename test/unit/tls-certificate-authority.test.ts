import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { LEAF_VALIDITY_DAYS } from '../../main/tls/certificate-fields';
import { LeafCertificates } from '../../main/tls/leaf-certificates';
import { LruMap } from '../../main/tls/lru-map';
import { permittedDnsNames } from '../../main/tls/name-constraints';
import { memoryLogger } from '../../main/engine/logger';
import { tempDataDir } from '../support/temp-data-dir';

const DAY = 24 * 3600 * 1000;

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

test('first run creates an owner-only CA; a second open loads the same root', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const log = memoryLogger();
  const ca = await CertificateAuthority.open({ dataDir: dir, logger: log });
  const root = ca.rootCertificate;
  assert.equal(ca.rootCertPath, path.join(dir, 'ca', 'root.pem'));
  assert.equal(fs.readFileSync(ca.rootCertPath, 'utf8'), ca.rootCertPem);
  assert.ok(root.ca);
  assert.equal(root.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.deepEqual(permittedDnsNames(root.raw), ['test', 'localhost']);
  const years = (Date.parse(root.validTo) - Date.parse(root.validFrom)) / (365.25 * DAY);
  assert.ok(years > 9.99 && years < 10.01, `root valid ${years} years`);
  assert.match(log.lines.join('\n'), /Created a local CA/);
  if (process.platform !== 'win32') {
    assert.equal(mode(path.join(dir, 'ca')), 0o700);
    assert.equal(mode(path.join(dir, 'ca', 'root-key.pem')), 0o600);
    assert.equal(mode(path.join(dir, 'ca', 'leaf-key.pem')), 0o600);
  }
  const again = await CertificateAuthority.open({ dataDir: dir });
  assert.equal(again.rootCertificate.fingerprint256, root.fingerprint256);
  assert.equal(again.leafKeyPem, ca.leafKeyPem);
});

test('a leaf names exactly its host, is for serverAuth, and verifies against the root', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const before = Date.now();
  const leaf = ca.mintLeaf('App.Test');
  const cert = new crypto.X509Certificate(leaf.pem);
  assert.equal(leaf.host, 'app.test');
  assert.equal(cert.subjectAltName, 'DNS:app.test');
  assert.ok(!cert.ca);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(cert.checkIssued(ca.rootCertificate));
  assert.ok(cert.verify(ca.rootCertificate.publicKey));
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  assert.ok(from <= before - 50 * 60 * 1000, 'backdated about an hour');
  assert.ok(to - from < 398 * DAY, 'under 398 days');
  assert.ok(to - from >= (LEAF_VALIDITY_DAYS - 1) * DAY);
  assert.ok(ca.isUsableLeaf(cert, 'app.test'));
  assert.ok(!ca.isUsableLeaf(cert, 'other.test'));
});

test('names outside the suffixes, and invalid names, get no certificate', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir, suffixes: ['internal'] });
  assert.throws(() => ca.mintLeaf('evil.com'), { code: 'CA_NAME_NOT_PERMITTED' });
  assert.throws(() => ca.mintLeaf('test.com'), { code: 'CA_NAME_NOT_PERMITTED' });
  assert.throws(() => ca.mintLeaf('bad host.test'), { code: 'CA_NAME_INVALID' });
  assert.equal(ca.mintLeaf('db.internal').host, 'db.internal');
  assert.equal(ca.mintLeaf('x.localhost').host, 'x.localhost');
});

test('changing the suffix list re-issues the root with a new key and drops old leaves', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const leaves = new LeafCertificates(ca);
  await leaves.contextFor('app.test');
  const leafFile = path.join(dir, 'ca', 'leaves', 'app.test.pem');
  await waitFor(() => fs.existsSync(leafFile));
  const oldRoot = ca.rootCertificate;

  const log = memoryLogger();
  const reopened = await CertificateAuthority.open({ dataDir: dir, suffixes: ['internal'], logger: log });
  assert.notEqual(reopened.rootCertificate.fingerprint256, oldRoot.fingerprint256);
  assert.ok(!reopened.rootCertificate.publicKey.export({ type: 'spki', format: 'der' }).equals(
    oldRoot.publicKey.export({ type: 'spki', format: 'der' }),
  ));
  assert.deepEqual(permittedDnsNames(reopened.rootCertificate.raw), ['test', 'localhost', 'internal']);
  assert.match(log.lines.join('\n'), /Re-issued the local CA because the permitted suffixes changed.*gatehouse trust/);
  assert.ok(!fs.existsSync(leafFile), 'old leaves removed');

  // At run time, through setSuffixes.
  assert.equal(await reopened.setSuffixes(['internal', 'Internal']), false);
  const gen = reopened.generation;
  assert.equal(await reopened.setSuffixes([]), true);
  assert.equal(reopened.generation, gen + 1);
  assert.throws(() => reopened.mintLeaf('a.internal'), { code: 'CA_NAME_NOT_PERMITTED' });
});

test('a mismatched or unreadable root is never trusted, and replaced only with consent', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const first = await CertificateAuthority.open({ dataDir: dir });
  const other = tempDataDir();
  t.after(other.cleanup);
  const second = await CertificateAuthority.open({ dataDir: other.dir });
  fs.copyFileSync(second.rootCertPath, first.rootCertPath); // cert no longer matches the key
  await assert.rejects(CertificateAuthority.open({ dataDir: dir }), (err: { code?: string; message: string }) => err.code === 'CA_DAMAGED' && /does not match/.test(err.message) && /gatehouse ca reset/.test(err.message));
  const log = memoryLogger();
  const reopened = await CertificateAuthority.open({ dataDir: dir, logger: log, recreate: true });
  assert.notEqual(reopened.rootCertificate.fingerprint256, second.rootCertificate.fingerprint256);
  assert.match(log.lines.join('\n'), /does not match/);
  fs.writeFileSync(first.rootCertPath, 'garbage');
  await assert.rejects(CertificateAuthority.open({ dataDir: dir }), (err: { code?: string; message: string }) => err.code === 'CA_DAMAGED' && /cannot be read/.test(err.message));
  const again = await CertificateAuthority.open({ dataDir: dir, logger: log, recreate: true });
  assert.ok(again.rootCertificate.ca);
});

test('50 concurrent requests for one new host mint exactly one certificate', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const leaves = new LeafCertificates(ca);
  const contexts = await Promise.all(Array.from({ length: 50 }, () => leaves.contextFor('new.test')));
  assert.equal(leaves.stats.minted, 1);
  assert.ok(contexts.every((c) => c === contexts[0]));
  // Memory hit afterwards.
  assert.equal(await leaves.contextFor('NEW.test'), contexts[0]);
  assert.equal(leaves.stats.minted, 1);
  await assert.rejects(leaves.contextFor('evil.com'), { code: 'CA_NAME_NOT_PERMITTED' });
});

test('a restart takes leaves from the disk cache instead of minting', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const leaves = new LeafCertificates(ca);
  await leaves.contextFor('app.test');
  const file = path.join(dir, 'ca', 'leaves', 'app.test.pem');
  await waitFor(() => fs.existsSync(file));
  const pem = fs.readFileSync(file, 'utf8');

  const restarted = new LeafCertificates(await CertificateAuthority.open({ dataDir: dir }));
  await restarted.contextFor('app.test');
  assert.deepEqual(restarted.stats, { minted: 0, loadedFromDisk: 1 });
  assert.equal(fs.readFileSync(file, 'utf8'), pem);
});

test('a leaf close to expiry is renewed, on disk and in memory', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  let now = new Date();
  const ca = await CertificateAuthority.open({ dataDir: dir, now: () => now });
  const leaves = new LeafCertificates(ca, { now: () => now });
  await leaves.contextFor('app.test');
  await waitFor(() => fs.existsSync(path.join(dir, 'ca', 'leaves', 'app.test.pem')));
  now = new Date(now.getTime() + (LEAF_VALIDITY_DAYS - 10) * DAY);
  await leaves.contextFor('app.test');
  assert.equal(leaves.stats.minted, 2);
  const restarted = new LeafCertificates(ca, { now: () => now });
  await waitFor(() => {
    const file = path.join(dir, 'ca', 'leaves', 'app.test.pem');
    if (!fs.existsSync(file)) return false;
    const pem = fs.readFileSync(file, 'utf8');
    return Date.parse(new crypto.X509Certificate(pem).validFrom) > Date.now() + DAY;
  });
  await restarted.contextFor('app.test');
  assert.deepEqual(restarted.stats, { minted: 0, loadedFromDisk: 1 });
});

test('a new leaf is served before it is written; flush() writes it (0644 in the 0700 folder) and a restart loads it', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const leaves = new LeafCertificates(ca, { writeDelayMs: 60_000 });
  const file = path.join(dir, 'ca', 'leaves', 'later.test.pem');
  await leaves.contextFor('later.test');
  assert.equal(leaves.stats.minted, 1);
  assert.ok(!fs.existsSync(file), 'the write waits for its timer, off the handshake');
  await leaves.flush(); // also clears the 60 s timer, so nothing is left running
  const cert = new crypto.X509Certificate(fs.readFileSync(file, 'utf8'));
  assert.ok(ca.isUsableLeaf(cert, 'later.test'));
  assert.equal(mode(file), 0o644);
  assert.equal(mode(path.join(dir, 'ca', 'leaves')), 0o700);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'ca', 'leaves')), ['later.test.pem'], 'no temp files left');

  const restarted = new LeafCertificates(await CertificateAuthority.open({ dataDir: dir }));
  await restarted.contextFor('later.test');
  assert.deepEqual(restarted.stats, { minted: 0, loadedFromDisk: 1 });
});

test('a leaf minted under a root that was re-issued before the write is not written', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const leaves = new LeafCertificates(ca, { writeDelayMs: 60_000 });
  await leaves.contextFor('old.test');
  assert.equal(await ca.setSuffixes(['internal']), true);
  leaves.clearMemory();
  await leaves.flush();
  assert.deepEqual(fs.readdirSync(path.join(dir, 'ca', 'leaves')), []);
  await leaves.contextFor('old.test');
  assert.equal(leaves.stats.minted, 2);
  await leaves.flush();
  assert.ok(ca.isUsableLeaf(new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'ca', 'leaves', 'old.test.pem'))), 'old.test'));
});

test('cachedContext: the served context for a known name, nothing for a new one or after the root changes', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.open({ dataDir: dir });
  const leaves = new LeafCertificates(ca, { writeDelayMs: 60_000 });
  t.after(() => leaves.flush());
  assert.equal(leaves.cachedContext('app.test'), undefined);
  const ctx = await leaves.contextFor('app.test');
  assert.equal(leaves.cachedContext('app.test'), ctx);
  assert.equal(leaves.cachedContext('other.test'), undefined);
  await ca.setSuffixes(['internal']); // re-issues the root: the old leaf no longer chains to it
  assert.equal(leaves.cachedContext('app.test'), undefined);
  assert.notEqual(await leaves.contextFor('app.test'), ctx);
});

test('the memory cache is bounded (least recently used dropped)', () => {
  const lru = new LruMap<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3);
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.size, 2);
  assert.throws(() => new LruMap(0));
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met within 2 s');
}
