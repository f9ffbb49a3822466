import type { ExchangeDiff } from '../../../../shared/exchange-types';
import type { Exchange } from '../../../../shared/exchange-types';
import { formatBytes, formatDuration } from '../../model/format';
import { useQuery } from '../client-context';
import { ErrorNote } from '../common';
import { HeaderDiffTable } from './HeaderDiffTable';

/** The original and its replay side by side, with what differs. */
export function CompareView(props: { a: string; b: string; onOpen: (id: string) => void; onClose: () => void }) {
  const a = useQuery('exchanges.get', { id: props.a, decode: false }, props.a);
  const b = useQuery('exchanges.get', { id: props.b, decode: false }, props.b);
  const diff = useQuery('exchanges.diff', { a: props.a, b: props.b }, `${props.a}-${props.b}`);
  const xa = a.data?.exchange;
  const xb = b.data?.exchange;
  return (
    <div aria-label="Replay comparison">
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <h4 style={{ margin: 0, flex: 1 }}>Original vs replay</h4>
        <button className="btn small" onClick={props.onClose}>
          Back
        </button>
      </div>
      <ErrorNote error={a.error ?? b.error ?? diff.error} />
      <div className="compare">
        <Side title="Original" x={xa} onOpen={props.onOpen} />
        <Side title="Replay" x={xb} onOpen={props.onOpen} />
      </div>
      {diff.data ? <DiffSummary diff={diff.data} /> : null}
      {xa && xb ? (
        <>
          <div className="section">
            <h4>Forwarded request headers</h4>
            <HeaderDiffTable
              label="Forwarded headers, original vs replay"
              left={xa.headers.forwardedRequest ?? xa.headers.clientRequest}
              right={xb.headers.forwardedRequest ?? xb.headers.clientRequest}
              leftTitle="Original"
              rightTitle="Replay"
            />
          </div>
          <div className="section">
            <h4>Response headers</h4>
            <HeaderDiffTable
              label="Response headers, original vs replay"
              left={xa.headers.clientResponse ?? []}
              right={xb.headers.clientResponse ?? []}
              leftTitle="Original"
              rightTitle="Replay"
            />
          </div>
        </>
      ) : null}
    </div>
  );
}

function Side(props: { title: string; x: Exchange | undefined; onOpen: (id: string) => void }) {
  const x = props.x;
  return (
    <div className="side">
      <strong>{props.title}</strong>{' '}
      {x ? (
        <button className="btn link" onClick={() => props.onOpen(x.id)}>
          #{x.seq}
        </button>
      ) : null}
      {x ? (
        <dl className="kv" style={{ marginTop: 6 }}>
          <dt>Request</dt>
          <dd className="mono">
            {x.method} {x.url}
          </dd>
          <dt>Status</dt>
          <dd>{x.status ?? x.errorCode ?? '…'}</dd>
          <dt>Time</dt>
          <dd>{x.endedAt !== undefined ? formatDuration(x.endedAt - x.startedAt) : '…'}</dd>
          <dt>Response size</dt>
          <dd>{formatBytes(x.responseSize)}</dd>
        </dl>
      ) : (
        <div className="faint">Loading…</div>
      )}
    </div>
  );
}

function DiffSummary(props: { diff: ExchangeDiff }) {
  const d = props.diff;
  const lines: Array<{ kind: 'changed' | 'same'; text: string }> = [];
  if (d.method) lines.push({ kind: 'changed', text: `Method: ${d.method.a} → ${d.method.b}` });
  if (d.url) lines.push({ kind: 'changed', text: `URL: ${d.url.a} → ${d.url.b}` });
  if (d.status) lines.push({ kind: 'changed', text: `Status: ${d.status.a ?? '—'} → ${d.status.b ?? '—'}` });
  const body = (name: string, b: ExchangeDiff['requestBody']) =>
    lines.push(
      b.equal
        ? { kind: 'same', text: `${name}: identical${b.partial ? ' (captured part)' : ''}` }
        : { kind: 'changed', text: `${name}: differs — ${b.detail ?? `${b.sizeA} vs ${b.sizeB} bytes`}` },
    );
  body('Request body', d.requestBody);
  body('Response body', d.responseBody);
  return (
    <div className="section" style={{ marginTop: 12 }}>
      <h4>Differences</h4>
      {lines.map((l, i) => (
        <div key={i} className={`diff-line ${l.kind === 'changed' ? 'changed' : ''}`}>
          {l.text}
        </div>
      ))}
    </div>
  );
}
