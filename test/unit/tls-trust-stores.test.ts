import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command, CommandResult } from '../../main/trust/command-runner';
import { formatCommand } from '../../main/trust/command-runner';
import { parseTrustList, ArchStore } from '../../main/trust/arch-store';
import { DebianStore } from '../../main/trust/debian-store';
import { FedoraStore } from '../../main/trust/fedora-store';
import { MacosKeychainStore, parseSha1Hashes, SYSTEM_KEYCHAIN } from '../../main/trust/macos-keychain-store';
import { findNssDatabases } from '../../main/trust/nss-databases';
import { NssStore, parseCertutilList } from '../../main/trust/nss-store';
import { elevationFor, executePlan, manualLines, type Plan } from '../../main/trust/privileged-plan';
import type { SystemContext } from '../../main/trust/system-context';
import { detectStores, formatTrustReport, trustRoot } from '../../main/trust/trust-manager';
import { bundleContains, rootCaFromPem, type RootCa } from '../../main/trust/trust-store';
import { parseCertutilStore, WindowsStore } from '../../main/trust/windows-store';
import { buildCertificate, derToPem, keyIdentifier } from '../../main/tls/certificate-builder';
import { rootCertificateSpec, serialFromRandom } from '../../main/tls/certificate-fields';
import { tempDataDir } from '../support/temp-data-dir';

function makeRoot(cn = 'Gatehouse Local CA 0badc0de'): RootCa {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = buildCertificate(
    rootCertificateSpec({ commonName: cn, suffixes: ['test'], now: new Date(), serialHex: serialFromRandom(crypto.randomBytes(16)), keyId: keyIdentifier(publicKey) }),
    publicKey,
    privateKey,
  );
  return rootCaFromPem('/data/ca/root.pem', derToPem(der));
}

const CA = makeRoot();

interface Fake {
  ctx: SystemContext;
  ran: string[];
}

function fakeContext(
  over: Partial<SystemContext>,
  respond: (c: Command) => Partial<CommandResult> = () => ({}),
  programs: string[] = [],
): Fake {
  const ran: string[] = [];
  const ctx: SystemContext = {
    platform: 'linux',
    homeDir: '/home/nobody-here',
    env: {},
    isRoot: false,
    interactive: false,
    hasProgram: (p) => programs.includes(p),
    canWrite: () => false,
    run: async (c) => {
      ran.push(formatCommand(c));
      return { code: 0, stdout: '', stderr: '', ...respond(c) };
    },
    ...over,
  };
  return { ctx, ran };
}

test('root facts: fingerprints, short id, bundle detection', () => {
  assert.match(CA.sha1, /^[0-9A-F]{40}$/);
  assert.match(CA.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.equal(CA.shortId, CA.sha256.replace(/:/g, '').slice(0, 8).toLowerCase());
  assert.equal(CA.commonName, 'Gatehouse Local CA 0badc0de');
  const rewrapped = CA.pem.replace(/\n/g, '\r\n');
  assert.ok(bundleContains(`junk\n${rewrapped}\nmore`, CA));
  assert.ok(!bundleContains('nothing', CA));
});

test('elevation: root runs directly, a terminal gets sudo, a desktop gets pkexec, else manual', () => {
  const plan: Plan = { commands: [{ cmd: 'update-ca-certificates', args: [], root: true }], notes: [] };
  const userPlan: Plan = { commands: [{ cmd: 'certutil', args: ['-L'], root: false }], notes: [] };
  assert.equal(elevationFor(plan, fakeContext({ isRoot: true }).ctx), 'not-needed');
  assert.equal(elevationFor(userPlan, fakeContext({}).ctx), 'not-needed');
  assert.equal(elevationFor(plan, fakeContext({ interactive: true }, undefined, ['sudo']).ctx), 'sudo');
  assert.equal(elevationFor(plan, fakeContext({ env: { DISPLAY: ':0' } }, undefined, ['pkexec']).ctx), 'pkexec');
  assert.equal(elevationFor(plan, fakeContext({ interactive: true }).ctx), 'manual');
  assert.deepEqual(manualLines(plan, { isRoot: false, platform: 'linux' }), ['sudo update-ca-certificates']);
});

test('executePlan: sudo-prefixes root commands, stops at the first failure, tolerates optional ones', async () => {
  const plan: Plan = {
    commands: [
      { cmd: 'rm', args: ['-f', '/x y'], root: true },
      { cmd: 'maybe', args: [], root: false, optional: true },
      { cmd: 'update-ca-certificates', args: [], root: true },
      { cmd: 'never', args: [], root: false },
    ],
    notes: [],
  };
  const f = fakeContext({ interactive: true }, (c) => (c.cmd === 'maybe' ? { code: 1 } : c.args[0] === 'update-ca-certificates' ? { code: 2, stderr: 'boom' } : {}), ['sudo']);
  const r = await executePlan(plan, f.ctx);
  assert.equal(r.outcome, 'failed');
  assert.deepEqual(f.ran, ["sudo rm -f '/x y'", 'maybe', 'sudo update-ca-certificates']);
  assert.match(r.error!, /sudo update-ca-certificates` exited with 2: boom/);

  const manual = fakeContext({});
  const m = await executePlan(plan, manual.ctx);
  assert.equal(m.outcome, 'manual');
  assert.deepEqual(manual.ran, []);
  assert.deepEqual(m.manual, ["sudo rm -f '/x y'", 'maybe', 'sudo update-ca-certificates', 'never']);
});

test('executePlan under pkexec: consecutive root commands become one sh -c (one password prompt)', async () => {
  const plan: Plan = {
    commands: [
      { cmd: 'rm', args: ['-f', '/etc/x y'], root: true, optional: true },
      { cmd: 'install', args: ['-m', '0644', 'a', 'b'], root: true },
      { cmd: 'update-ca-certificates', args: [], root: true },
      { cmd: 'certutil', args: ['-L'], root: false },
      { cmd: 'tee', args: ['/etc/hosts'], input: 'x', root: true },
    ],
    notes: [],
  };
  const f = fakeContext({ env: { WAYLAND_DISPLAY: 'wayland-0' } }, undefined, ['pkexec']);
  const r = await executePlan(plan, f.ctx);
  assert.equal(r.outcome, 'done');
  assert.deepEqual(f.ran, [
    `pkexec sh -c '{ rm -f '\\''/etc/x y'\\'' || true; } && install -m 0644 a b && update-ca-certificates'`,
    'certutil -L',
    'pkexec tee /etc/hosts',
  ]);
});

test('macOS: login keychain without root, System keychain with -d as root; removal finds old roots', async () => {
  const home = '/Users/dev';
  const login = `${home}/Library/Keychains/login.keychain-db`;
  const user = fakeContext({ platform: 'darwin', homeDir: home }, (c) =>
    c.args[0] === 'find-certificate' && c.args.at(-1) === login ? { stdout: 'SHA-1 hash: ' + 'AB'.repeat(20) + '\n' } : { code: 44 },
  );
  const store = new MacosKeychainStore(user.ctx);
  assert.ok(MacosKeychainStore.detect(user.ctx));
  assert.equal((await store.status(CA)).state, 'not-trusted');
  const plan = await store.installPlan(CA);
  assert.deepEqual(
    plan.commands.map((c) => [formatCommand(c), c.root]),
    [
      [`security delete-certificate -Z ${'AB'.repeat(20)} ${login}`, false],
      [`security add-trusted-cert -r trustRoot -k ${login} /data/ca/root.pem`, false],
    ],
  );

  const root = fakeContext({ platform: 'darwin', homeDir: home, isRoot: true }, () => ({ code: 44 }));
  const rootPlan = await new MacosKeychainStore(root.ctx).installPlan(CA);
  assert.deepEqual(rootPlan.commands.map(formatCommand), [
    `security add-trusted-cert -d -r trustRoot -k ${SYSTEM_KEYCHAIN} /data/ca/root.pem`,
  ]);
  assert.equal(rootPlan.commands[0]!.root, true);

  const both = fakeContext({ platform: 'darwin', homeDir: home }, (c) =>
    c.args[0] === 'find-certificate' ? { stdout: `SHA-1 hash: ${CA.sha1}\n` } : {},
  );
  const s = new MacosKeychainStore(both.ctx);
  assert.equal((await s.status(CA)).state, 'trusted');
  assert.equal((await s.installPlan(CA)).commands.length, 0);
  const removal = await s.removePlan(CA);
  assert.deepEqual(
    removal.commands.map((c) => [formatCommand(c), c.root]),
    [
      ['security remove-trusted-cert /data/ca/root.pem', false],
      [`security delete-certificate -Z ${CA.sha1} ${login}`, false],
      ['security remove-trusted-cert -d /data/ca/root.pem', true],
      [`security delete-certificate -Z ${CA.sha1} ${SYSTEM_KEYCHAIN}`, true],
    ],
  );
  assert.deepEqual(parseSha1Hashes(`SHA-256 hash: ${'C'.repeat(64)}\nSHA-1 hash: ${'a'.repeat(40)}`), ['A'.repeat(40)]);
});

test('Windows: certutil -addstore -user Root, and -delstore by SHA-1 for every Gatehouse root', async () => {
  const listing = [
    '================ Certificate 0 ================',
    'Serial Number: 01',
    'Issuer: CN=Gatehouse Local CA 11111111, O=Gatehouse local development CA',
    'Subject: CN=Gatehouse Local CA 11111111, O=Gatehouse local development CA',
    'Cert Hash(sha1): 11 22 33 44 55 66 77 88 99 00 aa bb cc dd ee ff 11 22 33 44',
    '================ Certificate 1 ================',
    'Subject: CN=Some Other Root',
    'Cert Hash(sha1): ffffffffffffffffffffffffffffffffffffffff',
  ].join('\r\n');
  assert.deepEqual(parseCertutilStore(listing).map((e) => e.sha1), [
    '11223344556677889900AABBCCDDEEFF11223344',
    'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF',
  ]);
  const f = fakeContext({ platform: 'win32' }, (c) => (c.args.includes('-store') ? { stdout: listing } : {}));
  const store = new WindowsStore(f.ctx);
  assert.ok(WindowsStore.detect(f.ctx));
  assert.equal((await store.status(CA)).state, 'not-trusted');
  assert.deepEqual((await store.installPlan(CA)).commands.map(formatCommand), [
    'certutil -delstore -user Root 11223344556677889900AABBCCDDEEFF11223344',
    'certutil -addstore -user Root /data/ca/root.pem',
  ]);
  assert.deepEqual((await store.removePlan()).commands.map(formatCommand), [
    'certutil -delstore -user Root 11223344556677889900AABBCCDDEEFF11223344',
  ]);
  const report = await trustRoot(CA, [store], f.ctx);
  assert.equal(report.ok, true);
  assert.ok(f.ran.includes('certutil -addstore -user Root /data/ca/root.pem'));
});

test('Arch/p11-kit: trust anchor --store / --remove by URI', async () => {
  const listing = [
    'pkcs11:id=%AA;type=cert',
    '    type: certificate',
    '    label: Gatehouse Local CA 22222222',
    '    trust: anchor',
    'pkcs11:id=%BB;type=cert',
    '    type: certificate',
    '    label: ISRG Root X1',
  ].join('\n');
  assert.deepEqual(parseTrustList(listing).map((a) => a.label), ['Gatehouse Local CA 22222222', 'ISRG Root X1']);
  const f = fakeContext({}, () => ({ stdout: listing }));
  const store = new ArchStore(f.ctx);
  assert.deepEqual((await store.installPlan(CA)).commands.map((c) => [formatCommand(c), c.root]), [
    ["trust anchor --remove 'pkcs11:id=%AA;type=cert'", true],
    ['trust anchor --store /data/ca/root.pem', true],
  ]);
  assert.deepEqual((await store.removePlan()).commands.map(formatCommand), ["trust anchor --remove 'pkcs11:id=%AA;type=cert'"]);
});

test('Debian plan: install + update-ca-certificates; removal deletes our anchor and its links first', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = { anchors: path.join(dir, 'anchors'), certsDir: path.join(dir, 'certs'), bundle: path.join(dir, 'certs', 'bundle.crt') };
  fs.mkdirSync(paths.anchors);
  fs.mkdirSync(paths.certsDir);
  fs.writeFileSync(paths.bundle, 'other roots\n');
  const store = new DebianStore(paths);
  const anchor = path.join(paths.anchors, `gatehouse-${CA.shortId}.crt`);
  assert.deepEqual((await store.installPlan(CA)).commands.map((c) => [formatCommand(c), c.root]), [
    [`install -m 0644 /data/ca/root.pem ${anchor}`, true],
    ['update-ca-certificates', true],
  ]);
  // Simulate what install + update-ca-certificates leave behind.
  fs.writeFileSync(anchor, CA.pem);
  fs.symlinkSync(anchor, path.join(paths.certsDir, `gatehouse-${CA.shortId}.pem`));
  fs.symlinkSync(`gatehouse-${CA.shortId}.pem`, path.join(paths.certsDir, 'abcd1234.0'));
  fs.writeFileSync(path.join(paths.anchors, 'someone-else.crt'), 'x');
  assert.equal((await store.status(CA)).state, 'not-trusted');
  fs.appendFileSync(paths.bundle, CA.pem);
  assert.equal((await store.status(CA)).state, 'trusted');
  assert.equal((await store.installPlan(CA)).commands.length, 0);
  const removal = (await store.removePlan()).commands.map(formatCommand).sort();
  assert.deepEqual(removal, [
    `rm -f ${anchor}`,
    `rm -f ${path.join(paths.certsDir, 'abcd1234.0')}`,
    `rm -f ${path.join(paths.certsDir, `gatehouse-${CA.shortId}.pem`)}`,
    'update-ca-certificates',
  ].sort());
});

test('NSS discovery: Chrome, snap Chromium and every Firefox profile with a database', (t) => {
  const { dir: home, cleanup } = tempDataDir();
  t.after(cleanup);
  const mk = (rel: string, file = 'cert9.db') => {
    fs.mkdirSync(path.join(home, rel), { recursive: true });
    fs.writeFileSync(path.join(home, rel, file), '');
  };
  mk('.pki/nssdb');
  mk('snap/chromium/current/.pki/nssdb');
  mk('.mozilla/firefox/abc.default-release');
  mk('.mozilla/firefox/old.legacy', 'cert8.db');
  fs.mkdirSync(path.join(home, '.mozilla/firefox/empty'), { recursive: true });
  mk('snap/firefox/common/.mozilla/firefox/snap.default');
  mk('.var/app/org.mozilla.firefox/.mozilla/firefox/flat.default');
  const { ctx } = fakeContext({ homeDir: home });
  const found = findNssDatabases(ctx).map((d) => [path.relative(home, d.dir), d.kind]);
  assert.deepEqual(found, [
    ['.pki/nssdb', 'sql'],
    ['snap/chromium/current/.pki/nssdb', 'sql'],
    ['.mozilla/firefox/abc.default-release', 'sql'],
    ['.mozilla/firefox/old.legacy', 'dbm'],
    ['snap/firefox/common/.mozilla/firefox/snap.default', 'sql'],
    ['.var/app/org.mozilla.firefox/.mozilla/firefox/flat.default', 'sql'],
  ]);

  const { dir: empty, cleanup: c2 } = tempDataDir();
  t.after(c2);
  const withChrome = fakeContext({ homeDir: empty }, undefined, ['chromium', 'certutil']);
  const dbs = findNssDatabases(withChrome.ctx);
  assert.deepEqual(dbs.map((d) => [path.relative(empty, d.dir), d.create]), [['.pki/nssdb', true]]);
  assert.deepEqual(findNssDatabases(fakeContext({ homeDir: empty }).ctx), []);
});

test('NSS: missing certutil names the package; plans add with C,, and delete old roots by nickname', async () => {
  const listing = [
    '',
    'Certificate Nickname                                         Trust Attributes',
    '                                                             SSL,S/MIME,JAR/XPI',
    '',
    'Gatehouse Local CA 33333333                                  C,,  ',
    'Corp Root                                                    CT,C,C',
  ].join('\n');
  assert.deepEqual(parseCertutilList(listing), [
    { nickname: 'Gatehouse Local CA 33333333', trust: 'C,,' },
    { nickname: 'Corp Root', trust: 'CT,C,C' },
  ]);
  const db = { dir: '/h/.pki/nssdb', kind: 'sql' as const, label: 'Chrome' };
  const missing = new NssStore(fakeContext({}).ctx, db);
  const st = await missing.status(CA);
  assert.equal(st.state, 'unavailable');
  assert.match(st.fix!, /libnss3-tools \(Debian\/Ubuntu\), nss-tools \(Fedora/);
  const f = fakeContext({}, () => ({ stdout: listing }), ['certutil']);
  const store = new NssStore(f.ctx, db);
  assert.deepEqual((await store.installPlan(CA)).commands.map(formatCommand), [
    "certutil -D -d sql:/h/.pki/nssdb -n 'Gatehouse Local CA 33333333'",
    `certutil -A -d sql:/h/.pki/nssdb -t C,, -n '${CA.commonName}' -i /data/ca/root.pem`,
  ]);
  const create = new NssStore(f.ctx, { ...db, create: true });
  assert.deepEqual((await create.installPlan(CA)).commands.slice(0, 2).map(formatCommand), [
    'mkdir -p /h/.pki/nssdb',
    'certutil -N --empty-password -d sql:/h/.pki/nssdb',
  ]);
});

test('detectStores picks one OS store and the report says what to run when root is missing', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = { anchors: path.join(dir, 'anchors'), certsDir: path.join(dir, 'certs'), bundle: path.join(dir, 'bundle') };
  fs.mkdirSync(paths.anchors);
  const f = fakeContext({ homeDir: dir }, undefined, ['update-ca-certificates', 'update-ca-trust']);
  const stores = detectStores(f.ctx, { debianPaths: paths });
  assert.deepEqual(stores.map((s) => s.id), ['debian']);
  assert.deepEqual(detectStores(fakeContext({ platform: 'darwin' }).ctx).map((s) => s.id), ['macos-keychain']);
  const report = await trustRoot(CA, stores, f.ctx);
  assert.equal(report.ok, false);
  assert.equal(report.changes[0]!.outcome, 'manual');
  assert.deepEqual(f.ran, []);
  const text = formatTrustReport(report, CA).join('\n');
  assert.match(text, /Run these commands as an administrator/);
  assert.match(text, new RegExp(`sudo install -m 0644 /data/ca/root.pem ${paths.anchors}/gatehouse-${CA.shortId}.crt`));
  assert.match(text, /sudo update-ca-certificates/);
  assert.match(text, /NODE_EXTRA_CA_CERTS="\/data\/ca\/root.pem"/);
});

test('Fedora/RHEL plan: anchors + update-ca-trust extract; removal restores the anchors directory', async (t) => {
  const { dir, cleanup } = tempDataDir();
  t.after(cleanup);
  const paths = { anchors: path.join(dir, 'anchors'), bundle: path.join(dir, 'tls-ca-bundle.pem') };
  fs.mkdirSync(paths.anchors);
  fs.writeFileSync(path.join(paths.anchors, 'gatehouse-00000000.pem'), 'an older root');
  fs.writeFileSync(path.join(paths.anchors, 'corp.pem'), 'someone else');
  const store = new FedoraStore(paths);
  const target = path.join(paths.anchors, `gatehouse-${CA.shortId}.pem`);
  assert.deepEqual((await store.installPlan(CA)).commands.map((c) => [formatCommand(c), c.root]), [
    [`rm -f ${path.join(paths.anchors, 'gatehouse-00000000.pem')}`, true],
    [`install -m 0644 /data/ca/root.pem ${target}`, true],
    ['update-ca-trust extract', true],
  ]);
  fs.rmSync(path.join(paths.anchors, 'gatehouse-00000000.pem'));
  fs.writeFileSync(target, CA.pem);
  fs.writeFileSync(paths.bundle, CA.pem);
  assert.equal((await store.status(CA)).state, 'trusted');
  assert.deepEqual((await store.removePlan()).commands.map(formatCommand), [`rm -f ${target}`, 'update-ca-trust extract']);
});
