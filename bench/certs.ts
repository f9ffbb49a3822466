import * as fs from 'node:fs';
import * as path from 'node:path';
import { runToEnd } from './processes';

export interface PeerCertificate {
  certFile: string;
  keyFile: string;
  /** cert followed by key, the form HAProxy's `crt` wants. */
  combinedFile: string;
}

/**
 * A throw-away CA and an ECDSA P-256 leaf for localhost / *.app.test / 127.0.0.1,
 * made with the openssl CLI, for the peers' HTTPS listeners. P-256 is what Caddy
 * picks for its own certificates, and the cheapest common key to handshake with.
 */
export async function makePeerCertificate(dir: string): Promise<PeerCertificate> {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const ext = f('leaf.ext');
  fs.writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,DNS:app.test,DNS:*.app.test,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  const steps: string[][] = [
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'),
      '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Gatehouse bench CA'],
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'),
      '-out', f('leaf.csr'), '-subj', '/CN=localhost'],
    ['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
      '-out', f('leaf.pem'), '-days', '2', '-extfile', ext],
  ];
  for (const args of steps) {
    const r = await runToEnd('openssl', 'openssl', args, 15_000);
    if (r.code !== 0) throw new Error(`openssl ${args[0]} failed (is openssl installed?):\n${r.output}`);
  }
  const combined = f('leaf-combined.pem');
  fs.writeFileSync(combined, fs.readFileSync(f('leaf.pem'), 'utf8') + fs.readFileSync(f('leaf.key'), 'utf8'));
  return { certFile: f('leaf.pem'), keyFile: f('leaf.key'), combinedFile: combined };
}
