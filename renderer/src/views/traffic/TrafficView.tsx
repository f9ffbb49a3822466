import { useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import type { RecordingState, RouteView } from '../../../../shared/api-contract';
import type { ExchangeFilter } from '../../../../shared/exchange-types';
import { HarImportError, parseHarText } from '../../../../shared/har-import';
import { downloadJson, readFileText } from '../../model/file-transfer';
import type { TrafficStore } from '../../model/traffic-store';
import { FilteredRows, isFilterActive, rowCells, type ListMode } from '../../model/traffic-view';
import { useClient, useEvent, useQuery } from '../client-context';
import { EmptyState, ErrorNote } from '../common';
import { ExchangeDetail } from '../detail/ExchangeDetail';
import { HarControls, TrafficToolbar } from './TrafficToolbar';
import { WindowedList } from './WindowedList';

const ROW_HEIGHT = 24;

export function TrafficView(props: { store: TrafficStore; routes: readonly RouteView[]; openId: string | null; onOpen: (id: string | null) => void }) {
  const client = useClient();
  const snapshot = useSyncExternalStore(props.store.subscribe, props.store.getSnapshot);
  const [filter, setFilter] = useState<ExchangeFilter>({});
  const [mode, setMode] = useState<ListMode>('newest-first');
  const [selectedId, setSelectedId] = useState<string | null>(props.openId);
  const [redact, setRedact] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const recording = useQuery('recording.get', {});
  useEvent('recording.state', (s: RecordingState) => recording.set(s));

  const filtered = useMemo(() => new FilteredRows(), []);
  const view = useMemo(() => filtered.view(snapshot, filter, mode), [filtered, snapshot, filter, mode]);
  const selectedSeq = selectedId ? props.store.get(selectedId)?.seq : undefined;
  const selectedIndex = selectedSeq !== undefined ? view.indexOfSeq(selectedSeq) : -1;

  const run = useCallback(async (p: Promise<unknown>) => {
    setError(null);
    try {
      await p;
    } catch (err) {
      setError(err as Error);
    }
  }, []);

  const { onOpen } = props;
  const closeDetail = useCallback(() => onOpen(null), [onOpen]);
  const openById = useCallback(
    (id: string) => {
      setSelectedId(id);
      onOpen(id);
    },
    [onOpen],
  );

  const open = (i: number) => {
    const x = view.at(i);
    setSelectedId(x.id);
    props.onOpen(x.id);
  };

  const onExport = (doRedact: boolean) =>
    run(
      client.call('har.export', isFilterActive(filter) ? { ids: view.ids(), redact: doRedact } : { redact: doRedact }).then(({ har }) => {
        downloadJson(`gatehouse-${new Date().toISOString().replace(/[:.]/g, '-')}.har`, har);
        setNote(`Exported ${har.log.entries.length} exchange${har.log.entries.length === 1 ? '' : 's'}${doRedact ? ' (credentials redacted)' : ''}.`);
      }),
    );
  // Parsed here, as the CLI does: a file that is not JSON is named with the line and column where it
  // breaks before anything is sent, and the engine gets the document rather than its text escaped
  // once more inside the request.
  const onImport = (file: File) =>
    run(
      readFileText(file)
        .then((text) => client.call('har.import', { har: parseHarFile(text, file.name) }))
        .then((r) => setNote(`Imported ${r.imported} exchange${r.imported === 1 ? '' : 's'} from ${file.name}.`)),
    );

  const renderRow = (i: number, top: number) => {
    const x = view.at(i);
    const c = rowCells(x);
    return (
      <div
        role="row"
        aria-selected={x.id === selectedId}
        data-id={x.id}
        className={`list-row${x.id === selectedId ? ' selected' : ''}`}
        style={{ top, height: ROW_HEIGHT }}
        onClick={() => open(i)}
      >
        <div className="num faint">{x.seq}</div>
        <div className="method">{c.method}</div>
        <div title={c.host}>{c.host}</div>
        <div title={c.path} className="mono">
          {x.replayOf ? (
            <span className="tag" title={`Replay of ${x.replayOf}`}>
              replay
            </span>
          ) : x.source === 'import' ? (
            <span className="tag" title="Imported from a HAR file">
              imported
            </span>
          ) : null}{' '}
          {c.path}
        </div>
        <div className={`num ${c.statusClass}`}>{c.status}</div>
        <div className="num">{c.duration}</div>
        <div className="num" title={c.sizeTitle}>
          {c.size}
        </div>
        <div className="faint" title={c.route}>
          {c.route}
        </div>
      </div>
    );
  };

  const paused = recording.data ? !recording.data.recording : false;
  const total = snapshot.rows.length;

  return (
    <div className="traffic">
      <div className="traffic-list">
        <TrafficToolbar
          filter={filter}
          onFilter={setFilter}
          routes={props.routes}
          mode={mode}
          onMode={setMode}
          recording={recording.data}
          onPause={() => run(client.call('recording.pause', {}).then(recording.set))}
          onResume={() => run(client.call('recording.resume', {}).then(recording.set))}
          onClear={() => run(client.call('recording.clear', {}).then(recording.set))}
        />
        {error || note ? (
          <div style={{ padding: '4px 8px' }}>
            <ErrorNote error={error} />
            {note && !error ? <span className="notice">{note}</span> : null}
          </div>
        ) : null}
        <div className="list-head" role="row">
          <div className="num">#</div>
          <div>Method</div>
          <div>Host</div>
          <div>Path</div>
          <div className="num">Status</div>
          <div className="num">Time</div>
          <div className="num">Size</div>
          <div>Route</div>
        </div>
        {view.count === 0 ? (
          snapshot.loading ? (
            <p className="muted" style={{ padding: 12 }}>
              Loading traffic…
            </p>
          ) : total > 0 ? (
            <EmptyState title="Nothing matches the filter">
              <p>{total} exchanges are hidden by the filter.</p>
            </EmptyState>
          ) : (
            <EmptyState title={paused ? 'Recording is paused' : 'No traffic yet'}>
              {paused ? (
                <p>Resume recording to see new requests here.</p>
              ) : (
                <p>
                  Requests through Gatehouse appear here as they happen. Try <code>curl -k https://app.test/</code> or open a route from the Routes tab.
                </p>
              )}
            </EmptyState>
          )
        ) : (
          <WindowedList
            label="Exchanges"
            count={view.count}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            selectedIndex={selectedIndex}
            onSelect={(i) => {
              const id = view.at(i).id;
              setSelectedId(id);
              if (props.openId) props.onOpen(id);
            }}
            onOpen={open}
            follow={mode === 'follow'}
          />
        )}
        <div className="list-foot">
          <span>
            {view.count === total ? `${total} exchanges` : `${view.count} of ${total} exchanges`}
          </span>
          {recording.data ? (
            <>
              <span>{paused ? 'Recording paused' : 'Recording'}</span>
              {recording.data.dropped > 0 ? <span>{recording.data.dropped} oldest dropped (limit {recording.data.maxExchanges})</span> : null}
            </>
          ) : null}
          <span className="grow" />
          <HarControls onExport={onExport} onImport={onImport} redact={redact} onRedact={setRedact} />
        </div>
      </div>
      {props.openId ? (
        <div className="traffic-detail">
          <ExchangeDetail key={props.openId} id={props.openId} summary={props.store.get(props.openId)} onClose={closeDetail} onOpen={openById} />
        </div>
      ) : null}
    </div>
  );
}

/** A picked HAR file's text as a document; a file that is not JSON throws, naming the file and where it breaks. */
function parseHarFile(text: string, name: string): unknown {
  try {
    return parseHarText(text);
  } catch (err) {
    if (err instanceof HarImportError) throw new Error(`Cannot import ${name}: ${err.message}`);
    throw err;
  }
}
