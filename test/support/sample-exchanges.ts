import * as zlib from 'node:zlib';
import { Recorder } from '../../main/recorder/recorder';
import type { Exchange } from '../../shared/exchange-types';
import { exchangeStart } from './exchange-start';

/** A recorder holding a few realistic exchanges (JSON POST, gzip HTML, binary, error, WebSocket). */
export function sampleRecorder(): { recorder: Recorder; exchanges: Exchange[] } {
  let t = 1_700_000_000_000;
  const recorder = new Recorder({ now: () => (t += 3) });
  {
    const tap = recorder.begin(
      exchangeStart({
        startedAt: t,
        method: 'POST',
        url: '/api/items?q=a%20b&x=1',
        host: 'app.test',
        requestHeaders: [['Host', 'app.test'], ['Content-Type', 'application/json'], ['Authorization', 'Bearer s3cret'], ['Cookie', 'sid=abc; theme=dark'], ['X-Forwarded-For', '6.6.6.6']],
        routeId: 'app.test',
      }),
    )!;
    tap.target('http://127.0.0.1:3000');
    tap.forwarded('POST', '/api/items?q=a%20b&x=1', [['Host', 'app.test'], ['Content-Type', 'application/json'], ['Authorization', 'Bearer s3cret'], ['Cookie', 'sid=abc; theme=dark'], ['X-Forwarded-For', '127.0.0.1']]);
    tap.upstreamConnected(false);
    tap.requestBody(Buffer.from('{"name":"über"}'));
    tap.upstreamResponse(201, [['Content-Type', 'application/json'], ['Set-Cookie', 'sid=new; Path=/; HttpOnly']]);
    tap.clientResponse(201, [['Content-Type', 'application/json'], ['Set-Cookie', 'sid=new; Path=/; HttpOnly']]);
    tap.responseBody(Buffer.from('{"id":1}'));
    tap.finish();
  }
  {
    const tap = recorder.begin(exchangeStart({ startedAt: t, url: '/page', scheme: 'https', httpVersion: '2', tls: { sni: 'app.test', alpn: 'h2', version: 'TLSv1.3' } }))!;
    tap.target('http://127.0.0.1:3000');
    tap.forwarded('GET', '/page', [['host', 'app.test']]);
    tap.upstreamConnected(true);
    const html = zlib.gzipSync(Buffer.from('<h1>héllo</h1>'));
    tap.upstreamResponse(200, [['content-type', 'text/html; charset=utf-8'], ['content-encoding', 'gzip']]);
    tap.clientResponse(200, [['content-type', 'text/html; charset=utf-8'], ['content-encoding', 'gzip']]);
    tap.responseBody(html);
    tap.finish();
  }
  {
    const tap = recorder.begin(exchangeStart({ startedAt: t, method: 'PUT', url: '/blob', requestHeaders: [['Host', 'app.test'], ['Content-Type', 'application/octet-stream']] }))!;
    tap.target('http://127.0.0.1:3000');
    tap.forwarded('PUT', '/blob', [['Host', 'app.test']]);
    tap.upstreamConnected(true);
    tap.requestBody(Buffer.from([0, 1, 2, 255, 254, 0x27, 0x22]));
    tap.upstreamResponse(200, [['Content-Type', 'image/png']]);
    tap.clientResponse(200, [['Content-Type', 'image/png']]);
    tap.responseBody(Buffer.from('89504e470d0a1a0a', 'hex'));
    tap.finish();
  }
  {
    const tap = recorder.begin(exchangeStart({ startedAt: t, url: '/down' }))!;
    tap.target('http://127.0.0.1:3001');
    tap.clientResponse(502, [['Content-Type', 'text/plain']]);
    tap.responseBody(Buffer.from('upstream refused'));
    tap.finish({ code: 'upstream-refused', message: 'connection refused by 127.0.0.1:3001' });
  }
  {
    const tap = recorder.begin(exchangeStart({ startedAt: t, url: '/ws', websocket: true, requestHeaders: [['Host', 'app.test'], ['Upgrade', 'websocket'], ['Connection', 'Upgrade']] }))!;
    tap.target('http://127.0.0.1:3000');
    tap.clientResponse(101, [['Upgrade', 'websocket'], ['Connection', 'Upgrade']]);
    tap.wsMessage('client-to-upstream', 1, Buffer.from('ping?'));
    tap.wsMessage('upstream-to-client', 2, Buffer.from([9, 8, 7]));
    tap.finish();
  }
  return { recorder, exchanges: recorder.all() };
}
