import * as fs from 'node:fs';
import * as path from 'node:path';
import { startNginx } from '../nginx-runner';
import type { PeerCertificate } from '../certs';
import type { Managed } from '../processes';
import { LARGE_PATH, LARGE_SIZE, SMALL_BODY } from './backend';

/** nginx as the fast backend: a fixed small body from memory and a 10 MB static file, keep-alive everywhere. */
export async function startNginxBackend(dir: string, port: number, tlsPort: number, cert: PeerCertificate): Promise<Managed> {
  const www = path.join(dir, 'www');
  fs.mkdirSync(www, { recursive: true });
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = 33 + (i % 90);
  const fd = fs.openSync(path.join(www, LARGE_PATH.slice(1)), 'w');
  for (let written = 0; written < LARGE_SIZE; written += block.length) fs.writeSync(fd, block);
  fs.closeSync(fd);
  const body = JSON.stringify(SMALL_BODY).slice(1, -1);
  return startNginx(
    'nginx-backend',
    dir,
    `  sendfile on;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    listen 127.0.0.1:${tlsPort} ssl http2 backlog=4096;
    ssl_certificate ${cert.certFile};
    ssl_certificate_key ${cert.keyFile};
    root ${www};
    location = / { return 200 "${body}"; }
    location / { }
  }`,
    [port, tlsPort],
  );
}
