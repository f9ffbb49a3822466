import { startNginx } from '../nginx-runner';
import { runToEnd } from '../processes';
import { proxyUrl } from '../subjects/subject';
import { findExecutable } from '../workspace';
import { PROXY_PATHS, type Peer } from './peer';

/** nginx as a reverse proxy: 1 worker, upstream keep-alive, WebSocket upgrade passed through. */
export const nginxPeer: Peer = {
  id: 'nginx',
  label: 'nginx',
  unavailable: () => (findExecutable('nginx') ? undefined : 'nginx is not installed (Debian package nginx)'),
  version: async () => {
    const r = await runToEnd('nginx -v', findExecutable('nginx')!, ['-v'], 5000);
    return r.output.match(/nginx\/(\S+)/)?.[1] ?? 'unknown';
  },
  async start(ctx) {
    const { backends: b, cert } = ctx;
    const proxy = `proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;`;
    const p = await startNginx(
      'nginx-proxy',
      ctx.dir,
      `  keepalive_requests 10000000;
  keepalive_timeout 120s;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream nginx_backend { server 127.0.0.1:${b.nginxPort}; keepalive 512; keepalive_requests 10000000; }
  upstream node_backend { server 127.0.0.1:${b.nodePort}; keepalive 512; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:${ctx.httpPort} backlog=4096;
    listen 127.0.0.1:${ctx.httpsPort} ssl http2 backlog=4096;
    ssl_certificate ${cert.certFile};
    ssl_certificate_key ${cert.keyFile};
    location ${PROXY_PATHS.node} { proxy_pass http://node_backend; ${proxy} }
    location ${PROXY_PATHS.ws} { proxy_pass http://node_backend; ${proxy} }
    location / { proxy_pass http://nginx_backend; ${proxy} }
  }`,
      [ctx.httpPort, ctx.httpsPort],
    );
    return {
      id: 'nginx',
      label: 'nginx',
      role: 'peer',
      url: (target, scheme) => proxyUrl({ http: ctx.httpPort, https: ctx.httpsPort }, target, scheme, PROXY_PATHS),
      h2: true,
      pid: p.pid,
      notes: ['1 worker, upstream keepalive 512, default proxy buffering'],
      stop: () => p.stop(),
    };
  },
};
