import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Engine } from '../../main/engine/engine';
import { memoryLogger } from '../../main/engine/logger';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { HttpsListener } from '../../main/tls/https-listener';
import { LeafCertificates } from '../../main/tls/leaf-certificates';
import { startBackend } from '../support/backends';
import { tempDataDir } from '../support/temp-data-dir';

/** One TLS handshake with a Node client that trusts only the Gatehouse root: the served serial, or the error. */
function handshake(port: number, servername: string, ca: string): Promise<{ serial?: string; error?: string }> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: ['http/1.1'] }, () => {
      const serial = s.authorized ? s.getPeerCertificate().serialNumber : undefined;
      s.end();
      resolve(serial ? { serial } : { error: `not authorized: ${String(s.authorizationError)}` });
    });
    s.setTimeout(10_000, () => s.destroy(new Error('handshake timeout')));
    s.on('error', (err) => resolve({ error: err.message }));
  });
}

test('SNI: a served name is answered from memory (no second mint), yet a route removed later still gets no certificate', async (t) => {
  const backend = await startBackend();
  t.after(() => backend.close());
  const data = tempDataDir();
  t.after(data.cleanup);
  const logger = memoryLogger();
  const ca = await CertificateAuthority.open({ dataDir: data.dir, logger });
  const leaves = new LeafCertificates(ca, { logger, writeDelayMs: 60_000 });
  const engine = await Engine.start({ config: { routes: [{ host: 'app.test', target: backend.url }] }, httpPort: 0, listen: ['127.0.0.1'], logger });
  t.after(() => engine.stop(200));
  const routed = new Set(['app.test']);
  const listener = await HttpsListener.start({ engine, leaves, hasRoute: (h) => routed.has(h), port: 0, listen: ['127.0.0.1'], logger });
  t.after(() => listener.stop(200));
  t.after(() => leaves.flush());

  const first = await handshake(listener.port, 'app.test', ca.rootCertPem);
  assert.ok(first.serial, first.error);
  for (let i = 0; i < 5; i++) {
    const again = await handshake(listener.port, 'APP.test', ca.rootCertPem);
    assert.equal(again.serial, first.serial);
  }
  assert.deepEqual(leaves.stats, { minted: 1, loadedFromDisk: 0 });

  routed.delete('app.test');
  const refused = await handshake(listener.port, 'app.test', ca.rootCertPem);
  assert.equal(refused.serial, undefined);
  assert.ok(logger.lines.some((l) => /no certificate for "app\.test": no enabled route/.test(l)), logger.lines.join('\n'));

  routed.add('app.test');
  assert.equal((await handshake(listener.port, 'app.test', ca.rootCertPem)).serial, first.serial);
  assert.equal(leaves.stats.minted, 1);

  // The leaf reaches the disk cache once its (deferred) write runs.
  await leaves.flush();
  assert.ok(fs.existsSync(path.join(data.dir, 'ca', 'leaves', 'app.test.pem')));
});
