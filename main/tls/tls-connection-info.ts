import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type * as tls from 'node:tls';
import type { TlsInfo } from '../../shared/http-types';
import type { H2Request } from '../engine/h2-stream';

/**
 * The TLS facts of a connection (SNI, ALPN, version, cipher) for the engine's
 * ConnectionContext and the recorder. Computed once per TLS socket.
 */

const cache = new WeakMap<tls.TLSSocket, TlsInfo>();

export function tlsInfoOf(socket: tls.TLSSocket): TlsInfo {
  let info = cache.get(socket);
  if (!info) {
    info = {};
    const sni = (socket as tls.TLSSocket & { servername?: string | false }).servername;
    if (typeof sni === 'string' && sni) info.sni = sni;
    if (typeof socket.alpnProtocol === 'string' && socket.alpnProtocol) info.alpn = socket.alpnProtocol;
    const version = socket.getProtocol?.();
    if (version) info.version = version;
    const cipher = socket.getCipher?.();
    if (cipher?.standardName || cipher?.name) info.cipher = cipher.standardName ?? cipher.name;
    cache.set(socket, info);
  }
  return info;
}

/** The TLS socket under an HTTP/1.1 request or an HTTP/2 one (compat or H2Request). */
export function tlsSocketOf(req: http.IncomingMessage | http2.Http2ServerRequest | H2Request): tls.TLSSocket {
  const h2 = (req as http2.Http2ServerRequest | H2Request).stream?.session?.socket;
  return (h2 ?? req.socket) as tls.TLSSocket;
}
