import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CertificateAuthority } from '../../main/tls/certificate-authority';
import { LeafCertificates } from '../../main/tls/leaf-certificates';

/**
 * A bare HTTPS server that serves leaves from a Gatehouse CA and answers
 * "hello <host>" — for trust-store tests that need a real TLS peer but not the proxy.
 */
export async function startLeafHttpsServer(ca: CertificateAuthority): Promise<{ port: number; close: () => Promise<void> }> {
  const leaves = new LeafCertificates(ca);
  const server = https.createServer(
    {
      SNICallback: (name, cb) => leaves.contextFor(name).then((ctx) => cb(null, ctx), (err: Error) => cb(err)),
    },
    (req, res) => {
      res.setHeader('connection', 'close');
      res.end(`hello ${req.headers.host}`);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
