import { memo, useState } from 'react';
import type { ExchangeSummary } from '../../../../shared/exchange-types';
import type { ReplayVia, RequestEdit } from '../../../../shared/api-contract';
import { useClient, useQuery } from '../client-context';
import { ErrorNote } from '../common';
import { BodyViewer } from './BodyViewer';
import { CompareView } from './CompareView';
import { HeaderDiffTable } from './HeaderDiffTable';
import { OverviewPanel } from './OverviewPanel';
import { ReplayEditor } from './ReplayEditor';
import { WsMessages } from './WsMessages';

type Tab = 'overview' | 'request' | 'response' | 'websocket' | 'replay';

/** One exchange: overview, request/response headers as diffs, bodies, WebSocket messages, replay. */
export const ExchangeDetail = memo(function ExchangeDetail(props: {
  id: string;
  summary: ExchangeSummary | undefined;
  onClose: () => void;
  onOpen: (id: string) => void;
}) {
  const client = useClient();
  const s = props.summary;
  // Refetch when the row progresses (response arrived, finished, more WebSocket messages).
  const key = `${props.id}:${s?.state}:${s?.status}:${s?.wsMessageCount ?? 0}:${s?.endedAt ?? ''}`;
  const detail = useQuery('exchanges.get', { id: props.id }, key);
  const [tab, setTab] = useState<Tab>('request');
  const [compareWith, setCompareWith] = useState<string | null>(null);
  const [replayError, setReplayError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const replay = async (edit: RequestEdit | undefined, via?: ReplayVia) => {
    setReplayError(null);
    setBusy(true);
    try {
      const r = await client.call('replay', { id: props.id, ...(edit ? { edit } : {}), ...(via ? { via } : {}) });
      setCompareWith(r.id);
      if (r.error) setReplayError(new Error(`Replay failed: ${r.error.message}`));
    } catch (err) {
      setReplayError(err as Error);
      throw err;
    } finally {
      setBusy(false);
    }
  };

  const d = detail.data;
  const x = d?.exchange;
  // WebSocket connections cannot be replayed; they get a message list instead.
  const tabs: Tab[] = x?.websocket ? ['overview', 'request', 'response', 'websocket'] : ['overview', 'request', 'response', 'replay'];

  return (
    <>
      <div className="detail-head">
        <span className="title" title={x ? `${x.method} ${x.scheme}://${x.host}${x.url}` : props.id}>
          {x ? (
            <>
              <strong>{x.method}</strong> {x.scheme}://{x.host}
              {x.url}
            </>
          ) : (
            props.id
          )}
        </span>
        {x && !x.websocket ? (
          <button className="btn small" disabled={busy} onClick={() => replay(undefined).catch(() => {})} title="Send the same request again">
            Replay
          </button>
        ) : null}
        <button className="btn small" onClick={props.onClose} aria-label="Close detail">
          ✕
        </button>
      </div>
      <div className="subtabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t}
            role="tab"
            className="tab"
            aria-selected={tab === t && !compareWith}
            onClick={() => {
              setCompareWith(null);
              setTab(t);
            }}
          >
            {t === 'websocket' ? `WebSocket (${x?.wsMessages?.length ?? 0})` : t[0]!.toUpperCase() + t.slice(1)}
          </button>
        ))}
      </div>
      <div className="detail-body">
        <ErrorNote error={detail.error ?? replayError} />
        {!x ? (
          detail.loading ? <p className="muted">Loading…</p> : null
        ) : compareWith ? (
          <CompareView a={props.id} b={compareWith} onOpen={props.onOpen} onClose={() => setCompareWith(null)} />
        ) : tab === 'overview' ? (
          <OverviewPanel x={x} onOpen={props.onOpen} />
        ) : tab === 'request' ? (
          <>
            <div className="section">
              <h4>Request headers</h4>
              {x.forwardedPath !== undefined && (x.forwardedPath !== x.url || (x.forwardedMethod ?? x.method) !== x.method) ? (
                <div className="notice mono" style={{ marginBottom: 4 }}>
                  {x.method} {x.url} → {x.forwardedMethod ?? x.method} {x.forwardedPath}
                </div>
              ) : null}
              <HeaderDiffTable
                label="Request headers: client sent vs forwarded upstream"
                left={x.headers.clientRequest}
                right={x.headers.forwardedRequest}
                leftTitle="Client sent"
                rightTitle="Forwarded upstream"
              />
            </div>
            <div className="section">
              <h4>Request body</h4>
              <BodyViewer label="Request body" decoded={d.requestBody} capture={x.requestBody} />
            </div>
          </>
        ) : tab === 'response' ? (
          <>
            <div className="section">
              <h4>Response headers</h4>
              <HeaderDiffTable
                label="Response headers: upstream sent vs client got"
                left={x.headers.upstreamResponse ?? x.headers.clientResponse ?? []}
                right={x.headers.upstreamResponse ? x.headers.clientResponse : undefined}
                leftTitle={x.headers.upstreamResponse ? 'Upstream sent' : 'Sent by Gatehouse'}
                rightTitle="Client got"
              />
            </div>
            <div className="section">
              <h4>Response body</h4>
              <BodyViewer label="Response body" decoded={d.responseBody} capture={x.responseBody} />
            </div>
          </>
        ) : tab === 'websocket' ? (
          <WsMessages messages={x.wsMessages ?? []} {...(x.wsMessagesDropped ? { dropped: x.wsMessagesDropped } : {})} />
        ) : (
          <ReplayEditor detail={d} onSend={replay} />
        )}
      </div>
    </>
  );
});
