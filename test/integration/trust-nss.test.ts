import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { findProgram } from '../../main/trust/command-runner';
import { findNssDatabases } from '../../main/trust/nss-databases';
import { NssStore } from '../../main/trust/nss-store';
import { realSystemContext } from '../../main/trust/system-context';
import { detectStores, trustRoot, trustStatus, untrustRoot } from '../../main/trust/trust-manager';
import { rootCaFromPem } from '../../main/trust/trust-store';
import { runCommand } from '../support/run-command';
import { tempDataDir } from '../support/temp-data-dir';

const hasCertutil = findProgram('certutil') !== undefined;

test('NSS databases in a temporary HOME: trust, status, re-issue replaces, untrust removes', { skip: !hasCertutil && 'certutil (libnss3-tools) is not installed' }, async (t) => {
  const home = tempDataDir('gatehouse-home-');
  const data = tempDataDir();
  t.after(() => {
    home.cleanup();
    data.cleanup();
  });
  // Two real databases: Chrome's and a Firefox profile.
  const chromeDb = path.join(home.dir, '.pki', 'nssdb');
  const firefoxDb = path.join(home.dir, '.mozilla', 'firefox', 'abcd.default-release');
  for (const db of [chromeDb, firefoxDb]) {
    fs.mkdirSync(db, { recursive: true });
    const r = await runCommand('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
    assert.equal(r.code, 0, r.stderr);
  }
  const ctx = realSystemContext({ homeDir: home.dir, interactive: false });
  const ca = await CertificateAuthority.open({ dataDir: data.dir });
  const root = rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  const stores = detectStores(ctx, { system: false });
  assert.deepEqual(stores.map((s) => s.id), [`nss:${chromeDb}`, `nss:${firefoxDb}`]);

  assert.deepEqual((await trustStatus(root, stores)).map((s) => s.state), ['not-trusted', 'not-trusted']);
  const report = await trustRoot(root, stores, ctx);
  assert.ok(report.ok, JSON.stringify(report));
  assert.deepEqual((await trustStatus(root, stores)).map((s) => s.state), ['trusted', 'trusted']);
  const listed = await runCommand('certutil', ['-L', '-d', `sql:${chromeDb}`, '-n', root.commonName]);
  assert.equal(listed.code, 0);
  assert.match(listed.stdout, /Trusted CA|Valid CA/);

  // Trusting again changes nothing.
  const again = await trustRoot(root, stores, ctx);
  assert.deepEqual(again.changes.map((c) => c.outcome), ['nothing-to-do', 'nothing-to-do']);

  // A re-issued root replaces the old one (never two Gatehouse roots side by side).
  await ca.setSuffixes(['internal']);
  const newRoot = rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  assert.deepEqual((await trustStatus(newRoot, stores)).map((s) => s.state), ['not-trusted', 'not-trusted']);
  assert.ok((await trustRoot(newRoot, stores, ctx)).ok);
  const all = await runCommand('certutil', ['-L', '-d', `sql:${chromeDb}`]);
  assert.ok(all.stdout.includes(newRoot.commonName));
  assert.ok(!all.stdout.includes(root.commonName));

  const removed = await untrustRoot(newRoot, stores, ctx);
  assert.ok(removed.ok);
  assert.deepEqual((await trustStatus(newRoot, stores)).map((s) => s.state), ['not-trusted', 'not-trusted']);
  for (const db of [chromeDb, firefoxDb]) {
    const after = await runCommand('certutil', ['-L', '-d', `sql:${db}`]);
    assert.ok(!after.stdout.includes('Gatehouse'), after.stdout);
  }
});

test("Chrome's database is created when Chromium is installed but has not made one", { skip: !hasCertutil && 'certutil is not installed' }, async (t) => {
  const home = tempDataDir('gatehouse-home-');
  const data = tempDataDir();
  t.after(() => {
    home.cleanup();
    data.cleanup();
  });
  const ctx = realSystemContext({ homeDir: home.dir, interactive: false, hasProgram: (p) => p === 'chromium' || findProgram(p) !== undefined });
  const dbs = findNssDatabases(ctx);
  assert.equal(dbs.length, 1);
  assert.equal(dbs[0]!.create, true);
  const ca = await CertificateAuthority.open({ dataDir: data.dir });
  const root = rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  const store = new NssStore(ctx, dbs[0]!);
  assert.ok((await trustRoot(root, [store], ctx)).ok);
  assert.ok(fs.existsSync(path.join(home.dir, '.pki', 'nssdb', 'cert9.db')));
  const [fresh] = findNssDatabases(ctx);
  assert.equal((await new NssStore(ctx, fresh!).status(root)).state, 'trusted');
});

test("status finds the root by its content: under a nickname of the user's own, and not by name alone", { skip: !hasCertutil && 'certutil (libnss3-tools) is not installed' }, async (t) => {
  const home = tempDataDir('gatehouse-home-');
  const data = tempDataDir();
  const other = tempDataDir();
  t.after(() => {
    home.cleanup();
    data.cleanup();
    other.cleanup();
  });
  const chromeDb = path.join(home.dir, '.pki', 'nssdb');
  fs.mkdirSync(chromeDb, { recursive: true });
  const certutil = async (...args: string[]) => {
    const r = await runCommand('certutil', [...args.slice(0, 1), '-d', `sql:${chromeDb}`, ...args.slice(1)]);
    assert.equal(r.code, 0, r.stderr);
  };
  await certutil('-N', '--empty-password');
  const ctx = realSystemContext({ homeDir: home.dir, interactive: false });
  const ca = await CertificateAuthority.open({ dataDir: data.dir });
  const root = rootCaFromPem(ca.rootCertPath, ca.rootCertPem);
  const [store] = detectStores(ctx, { system: false });

  // Imported by hand, as a user following a browser how-to would: trusted, and the status says how.
  await certutil('-A', '-t', 'C,,', '-n', 'my dev root', '-i', ca.rootCertPath);
  const byHand = await store!.status(root);
  assert.equal(byHand.state, 'trusted');
  assert.match(byHand.detail!, /under the nickname "my dev root"/);
  // `gatehouse trust` then has nothing to do.
  assert.deepEqual((await store!.installPlan(root)).commands, []);
  await certutil('-D', '-n', 'my dev root');

  // Another root stored under this root's name is not this root.
  const impostor = await CertificateAuthority.open({ dataDir: other.dir });
  await certutil('-A', '-t', 'C,,', '-n', root.commonName, '-i', impostor.rootCertPath);
  assert.equal((await store!.status(root)).state, 'not-trusted');
});
