import type { GatehouseConfig } from '../../shared/config';
import { Engine } from '../../main/engine/engine';
import { memoryLogger } from '../../main/engine/logger';
import { CertificateAuthority } from '../../main/tls/certificate-authority';
import { httpsHostMatcher } from '../../main/tls/https-hosts';
import { HttpsListener } from '../../main/tls/https-listener';
import { LeafCertificates } from '../../main/tls/leaf-certificates';
import { tempDataDir } from './temp-data-dir';

export interface TestHttpsProxy {
  engine: Engine;
  listener: HttpsListener;
  ca: CertificateAuthority;
  leaves: LeafCertificates;
  /** The root certificate's PEM file (for --cacert, NSS, NODE_EXTRA_CA_CERTS). */
  caPath: string;
  caPem: string;
  httpPort: number;
  httpsPort: number;
  dataDir: string;
  logger: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

/**
 * The engine plus the HTTPS listener, wired as the composition root wires them,
 * on 127.0.0.1 ephemeral ports with a CA in a temporary data dir.
 */
export async function startHttpsProxy(config: GatehouseConfig): Promise<TestHttpsProxy> {
  const data = tempDataDir();
  const logger = memoryLogger();
  const ca = await CertificateAuthority.open({ dataDir: data.dir, suffixes: config.suffixes, logger });
  const leaves = new LeafCertificates(ca, { logger });
  const engine = await Engine.start({ config, httpPort: 0, listen: ['127.0.0.1'], logger });
  const hasRoute = httpsHostMatcher(config.routes);
  let listener: HttpsListener;
  try {
    listener = await HttpsListener.start({ engine, leaves, hasRoute, port: 0, listen: ['127.0.0.1'], logger });
  } catch (err) {
    await engine.stop(0);
    data.cleanup();
    throw err;
  }
  return {
    engine,
    listener,
    ca,
    leaves,
    caPath: ca.rootCertPath,
    caPem: ca.rootCertPem,
    httpPort: engine.httpPort,
    httpsPort: listener.port,
    dataDir: data.dir,
    logger,
    async close() {
      await listener.stop(200);
      await engine.stop(200);
      await leaves.flush(); // the deferred leaf writes, before their folder goes
      data.cleanup();
    },
  };
}
