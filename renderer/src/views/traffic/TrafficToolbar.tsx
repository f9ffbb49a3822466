import type { RecordingState, RouteView } from '../../../../shared/api-contract';
import type { ExchangeFilter, StatusClass } from '../../../../shared/exchange-types';
import type { ListMode } from '../../model/traffic-view';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const WS = 'WS';
const CLASSES: StatusClass[] = ['2xx', '3xx', '4xx', '5xx', 'error', 'pending'];

export function TrafficToolbar(props: {
  filter: ExchangeFilter;
  onFilter: (f: ExchangeFilter) => void;
  routes: readonly RouteView[];
  mode: ListMode;
  onMode: (m: ListMode) => void;
  recording: RecordingState | undefined;
  onPause: () => void;
  onResume: () => void;
  onClear: () => void;
}) {
  const f = props.filter;
  const classes = new Set(f.statusClass ?? []);
  const toggleClass = (c: StatusClass) => {
    const next = new Set(classes);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    props.onFilter({ ...f, statusClass: [...next] });
  };
  const recording = props.recording?.recording ?? true;
  return (
    <div className="toolbar" role="toolbar" aria-label="Traffic filters">
      <input
        className="input grow"
        type="search"
        aria-label="Filter text"
        placeholder="Filter: method, host/path, status…"
        title="Shows the exchanges whose method (WS for WebSockets), host and path (app.test/api, with or without the port), status, target or error code contain this text"
        value={f.text ?? ''}
        onChange={(e) => props.onFilter({ ...f, text: e.target.value })}
      />
      <select
        className="input"
        aria-label="Method"
        value={f.websocket ? WS : typeof f.method === 'string' ? f.method : ''}
        onChange={(e) => {
          const { method: _m, websocket: _w, ...rest } = f;
          const v = e.target.value;
          // The choices mirror the Method column, which shows WS for WebSockets (sent as GET or
          // CONNECT): "WS" is the websocket filter, and a method leaves the WebSockets out.
          props.onFilter(v === WS ? { ...rest, websocket: true } : v ? { ...rest, method: v, websocket: false } : rest);
        }}
      >
        <option value="">Any method</option>
        {METHODS.map((m) => (
          <option key={m}>{m}</option>
        ))}
        <option value={WS} title="WebSocket connections">
          WS
        </option>
      </select>
      <div className="chips" role="group" aria-label="Status class">
        {CLASSES.map((c) => (
          <button key={c} type="button" className="chip" aria-pressed={classes.has(c)} onClick={() => toggleClass(c)}>
            {c}
          </button>
        ))}
      </div>
      <input
        className="input"
        aria-label="Host"
        placeholder="Host (*.app.test)"
        size={14}
        value={f.host ?? ''}
        onChange={(e) => props.onFilter({ ...f, host: e.target.value })}
      />
      <select
        className="input"
        aria-label="Route"
        value={f.routeId ?? ''}
        onChange={(e) => {
          const { routeId: _r, ...rest } = f;
          props.onFilter(e.target.value ? { ...rest, routeId: e.target.value } : rest);
        }}
      >
        <option value="">Any route</option>
        {props.routes.map((r) => (
          <option key={r.id} value={r.id}>
            {r.id}
          </option>
        ))}
      </select>
      <select className="input" aria-label="Order" value={props.mode} onChange={(e) => props.onMode(e.target.value as ListMode)}>
        <option value="newest-first">Newest first</option>
        <option value="follow">Follow new</option>
      </select>
      {recording ? (
        <button className="btn" onClick={props.onPause} title="Stop recording new exchanges">
          Pause
        </button>
      ) : (
        <button className="btn primary" onClick={props.onResume} title="Record new exchanges again">
          Resume
        </button>
      )}
      <button className="btn" onClick={props.onClear}>
        Clear
      </button>
    </div>
  );
}

/** Export (optionally redacted) and import of HAR files. */
export function HarControls(props: { onExport: (redact: boolean) => void; onImport: (file: File) => void; redact: boolean; onRedact: (r: boolean) => void }) {
  return (
    <span className="har-controls">
      <label title="Mask credentials in the export: Authorization, cookies, API-key and token headers, and secret-named query, form and JSON fields (token, code, key, password, …)">
        <input type="checkbox" checked={props.redact} onChange={(e) => props.onRedact(e.target.checked)} /> Redact
      </label>
      <button className="btn" onClick={() => props.onExport(props.redact)}>
        Export HAR
      </button>
      <label className="btn" style={{ color: 'inherit' }}>
        Import HAR
        <input
          type="file"
          accept=".har,application/json"
          className="sr-only"
          aria-label="Import HAR file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) props.onImport(file);
            e.target.value = '';
          }}
        />
      </label>
    </span>
  );
}
