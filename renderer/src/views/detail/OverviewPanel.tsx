import type { Exchange } from '../../../../shared/exchange-types';
import { formatAddressPort, formatBytes, formatClock, formatDuration } from '../../model/format';
import { CodeGen } from './CodeGen';
import { Waterfall } from './Waterfall';

/** What happened to one exchange: status, route, upstream, client, TLS, timings, sizes; copy as code. */
export function OverviewPanel(props: { x: Exchange; onOpen: (id: string) => void }) {
  const { x } = props;
  return (
    <>
      <div className="section">
        <h4>Exchange</h4>
        <dl className="kv">
          <dt>Status</dt>
          <dd>
            {x.status ?? '—'}
            {x.upstreamStatus !== undefined && x.upstreamStatus !== x.status ? ` (upstream said ${x.upstreamStatus})` : ''}
            {x.error ? <span className="s5"> {x.error.code}: {x.error.message}</span> : null}
          </dd>
          <dt>Route</dt>
          <dd>{x.routeId ?? <span className="faint">no route matched</span>}</dd>
          <dt>Upstream</dt>
          <dd className="mono">
            {x.target ?? '—'}
            {x.forwardedPath !== undefined ? ` ${x.forwardedMethod ?? x.method} ${x.forwardedPath}` : ''}
          </dd>
          <dt>Client</dt>
          <dd className="mono">
            {formatAddressPort(x.clientAddress, x.clientPort)} · HTTP/{x.httpVersion} · {x.scheme}
          </dd>
          <dt>TLS</dt>
          <dd>{x.tls ? [x.tls.version, x.tls.alpn && `ALPN ${x.tls.alpn}`, x.tls.sni && `SNI ${x.tls.sni}`, x.tls.cipher].filter(Boolean).join(' · ') : <span className="faint">plain HTTP</span>}</dd>
          <dt>Started</dt>
          <dd>{formatClock(x.startedAt)}</dd>
          <dt>Duration</dt>
          <dd>{x.endedAt !== undefined ? formatDuration(x.endedAt - x.startedAt) : 'in flight'}</dd>
          <dt>Sizes</dt>
          <dd aria-label="Sizes">
            {x.websocket
              ? // A WebSocket's handshake has no bodies; what it carried is its messages.
                `${x.wsMessageCount ?? 0} message${x.wsMessageCount === 1 ? '' : 's'} · ${formatBytes(x.wsBytes ?? 0)} of payload in both directions`
              : `request ${formatBytes(x.requestSize)} · response ${formatBytes(x.responseSize)}`}
          </dd>
          {x.replayOf ? (
            <>
              <dt>Replay of</dt>
              <dd>
                <button className="btn link" onClick={() => props.onOpen(x.replayOf!)}>
                  {x.replayOf}
                </button>
              </dd>
            </>
          ) : null}
          {x.notes.length ? (
            <>
              <dt>Notes</dt>
              <dd>{x.notes.join('; ')}</dd>
            </>
          ) : null}
        </dl>
      </div>
      <div className="section">
        <h4>Timings</h4>
        <Waterfall timings={x.timings} />
      </div>
      <div className="section">
        <h4>Copy</h4>
        <CodeGen id={x.id} />
      </div>
    </>
  );
}
