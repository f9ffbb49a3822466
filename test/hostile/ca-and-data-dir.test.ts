import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { memoryLogger } from '../../main/engine/logger';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { runCommand } from '../support/run-command';
import { tempDataDir } from '../support/temp-data-dir';

/**
 * The data directory and the CA files under fault: an unwritable data dir gives
 * a clear coded error; a damaged CA is never silently replaced by a new trusted
 * root; names outside the constraints are never minted, and a certificate forced
 * outside them is rejected by OpenSSL.
 */
const isRoot = process.getuid?.() === 0;
const hasSetpriv = fs.existsSync('/usr/bin/setpriv');

async function openCa(dir: string) {
  return CertificateAuthority.open({ dataDir: dir, suffixes: [], logger: memoryLogger() });
}

describe('data dir and CA faults', () => {
  test('an unwritable data dir (as nobody): a coded error naming the directory and the fix', { skip: !(isRoot && hasSetpriv) && 'needs root and setpriv to run as nobody' }, async () => {
    const tmp = tempDataDir();
    try {
      fs.chmodSync(tmp.dir, 0o755);
      const config = path.join(tmp.dir, 'config.json');
      fs.writeFileSync(config, '{"routes":[]}', { mode: 0o644 });
      const locked = path.join(tmp.dir, 'locked');
      fs.mkdirSync(locked, { mode: 0o755 }); // root-owned: nobody cannot write it
      const probe = path.join(__dirname, '../support/instance-start-probe.ts');
      for (const dataDir of [locked, path.join(locked, 'sub')]) {
        const r = await runCommand('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'env', 'HOME=/tmp', process.execPath, '--import', 'tsx', probe, config, dataDir], { timeoutMs: 60_000 });
        const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; code?: string; message?: string };
        assert.equal(out.ok, false, r.stdout + r.stderr);
        assert.equal(out.code, 'CONFIG_IO');
        assert.match(out.message!, new RegExp(`${dataDir.replace(/[/.]/g, '\\$&')}.*permission denied.*--data-dir`));
      }
      assert.deepEqual(fs.readdirSync(locked), [], 'nothing was half-written');
    } finally {
      tmp.cleanup();
    }
  });

  test('a missing root key never silently replaces the existing (trusted) root', async () => {
    const tmp = tempDataDir();
    try {
      await openCa(tmp.dir);
      const rootPem = fs.readFileSync(path.join(tmp.dir, 'ca/root.pem'));
      fs.rmSync(path.join(tmp.dir, 'ca/root-key.pem'));
      await assert.rejects(openCa(tmp.dir), (err: { code?: string; message: string }) => typeof err.code === 'string' && /root/.test(err.message));
      assert.deepEqual(fs.readFileSync(path.join(tmp.dir, 'ca/root.pem')), rootPem, 'root.pem untouched');
    } finally {
      tmp.cleanup();
    }
  });

  test('a corrupt root certificate is not silently replaced either', async () => {
    const tmp = tempDataDir();
    try {
      await openCa(tmp.dir);
      const rootFile = path.join(tmp.dir, 'ca/root.pem');
      fs.writeFileSync(rootFile, '-----BEGIN CERTIFICATE-----\nAAAA garbage\n-----END CERTIFICATE-----\n');
      const garbage = fs.readFileSync(rootFile);
      await assert.rejects(openCa(tmp.dir));
      assert.deepEqual(fs.readFileSync(rootFile), garbage, 'the damaged file is left for the user to inspect');
    } finally {
      tmp.cleanup();
    }
  });

  test('with the user\'s consent (gatehouse ca reset) a damaged CA is moved aside and a new one created', async () => {
    const tmp = tempDataDir();
    try {
      const first = await openCa(tmp.dir);
      fs.rmSync(path.join(tmp.dir, 'ca/root-key.pem'));
      const fresh = await CertificateAuthority.open({ dataDir: tmp.dir, recreate: true });
      assert.notEqual(fresh.rootCertPem, first.rootCertPem, 'a new root');
      const aside = fs.readdirSync(tmp.dir).filter((f) => f.startsWith('ca.damaged-'));
      assert.equal(aside.length, 1, 'the old files were kept aside');
      assert.equal(fs.readFileSync(path.join(tmp.dir, aside[0]!, 'root.pem'), 'utf8'), first.rootCertPem);
      assert.equal(fs.statSync(path.join(tmp.dir, 'ca/root-key.pem')).mode & 0o777, 0o600);
    } finally {
      tmp.cleanup();
    }
  });

  test('a corrupt leaf key is replaced (it is not a trust anchor); the root stays the same; key files 0600', async () => {
    const tmp = tempDataDir();
    try {
      const first = await openCa(tmp.dir);
      const rootPem = first.rootCertPem;
      fs.writeFileSync(path.join(tmp.dir, 'ca/leaf-key.pem'), 'not a key');
      const again = await openCa(tmp.dir);
      assert.equal(again.rootCertPem, rootPem);
      const leaf = again.mintLeaf('app.test');
      assert.ok(leaf);
      for (const f of ['root-key.pem', 'leaf-key.pem']) assert.equal(fs.statSync(path.join(tmp.dir, 'ca', f)).mode & 0o777, 0o600, f);
      assert.equal(fs.statSync(path.join(tmp.dir, 'ca')).mode & 0o077, 0, 'ca/ is private');
    } finally {
      tmp.cleanup();
    }
  });

  test('names outside the constraints are never minted; a certificate forced outside them fails OpenSSL verification', async () => {
    const tmp = tempDataDir();
    try {
      const ca = await openCa(tmp.dir);
      for (const name of ['example.com', 'evil.test.com', 'localhost.evil', 'a..test', '*.test']) {
        assert.throws(() => ca.mintLeaf(name), (err: { code?: string }) => /^CA_NAME_/.test(err.code ?? ''), name);
      }
      // Force one with the root key through OpenSSL itself, bypassing Gatehouse's checks.
      const dir = path.join(tmp.dir, 'forced');
      fs.mkdirSync(dir);
      const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      fs.writeFileSync(path.join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:example.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
      const sh = (args: string[]) => runCommand('openssl', args);
      const f = (n: string) => path.join(dir, n);
      const csr = await sh(['req', '-new', '-key', f('key.pem'), '-subj', '/CN=example.com', '-out', f('req.csr')]);
      assert.equal(csr.code, 0, csr.stderr);
      const signed = await sh(['x509', '-req', '-in', f('req.csr'), '-CA', ca.rootCertPath, '-CAkey', path.join(tmp.dir, 'ca/root-key.pem'), '-set_serial', '4242', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('leaf.pem')]);
      assert.equal(signed.code, 0, signed.stderr);
      const verify = await sh(['verify', '-CAfile', ca.rootCertPath, f('leaf.pem')]);
      assert.notEqual(verify.code, 0, 'OpenSSL must reject it');
      assert.match(verify.stdout + verify.stderr, /permitted subtree violation|name constraints/i);
      // …while a minted one for a permitted name verifies
      fs.writeFileSync(path.join(dir, 'ok.pem'), ca.mintLeaf('app.test').pem);
      const ok = await sh(['verify', '-CAfile', ca.rootCertPath, f('ok.pem')]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    } finally {
      tmp.cleanup();
    }
  });
});
