import { useState } from 'react';
import type { ReplayVia, RequestEdit } from '../../../../shared/api-contract';
import type { ExchangeDetail } from '../../../../shared/exchange-types';
import { headersToText, textToHeaders } from '../../model/header-text';
import { ErrorNote } from '../common';

/**
 * Edit method, URL, headers and body, then resend, through the route (the default: the route
 * applies as for any request) or straight to a target (e.g. the same API on another port).
 * Only what changed is sent as the edit.
 */
export function ReplayEditor(props: { detail: ExchangeDetail; onSend: (edit: RequestEdit | undefined, via?: ReplayVia) => Promise<void> }) {
  const x = props.detail.exchange;
  const bodyIsText = props.detail.requestBody.kind === 'text' || props.detail.requestBody.kind === 'json' || props.detail.requestBody.kind === 'empty';
  const initial = {
    method: x.method,
    url: x.url,
    headers: headersToText(x.headers.clientRequest),
    body: bodyIsText ? (props.detail.requestBody.text ?? '') : '',
  };
  const [form, setForm] = useState(initial);
  // The upstream that served it, as an origin (a target's path prefix is already in the forwarded path).
  const targetOrigin = /^https?:\/\/[^/?#]+/i.exec(x.target ?? '')?.[0] ?? '';
  const [via, setVia] = useState<'route' | 'target'>('route');
  const [target, setTarget] = useState(targetOrigin);
  const [error, setError] = useState<string | Error | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    const edit: RequestEdit = {};
    if (form.method.trim() && form.method.trim().toUpperCase() !== x.method) edit.method = form.method.trim().toUpperCase();
    if (form.url !== initial.url) edit.url = form.url.trim();
    if (form.headers !== initial.headers) {
      const parsed = textToHeaders(form.headers);
      if (parsed.error) return setError(parsed.error);
      edit.headers = parsed.headers;
    }
    if (bodyIsText && form.body !== initial.body) edit.body = { text: form.body };
    let sendVia: ReplayVia | undefined;
    if (via === 'target') {
      const t = target.trim();
      if (!/^https?:\/\/[^/?#\s]+\/?$/i.test(t)) return setError('The target is an origin such as http://127.0.0.1:3001: scheme, host and port, no path (the request keeps its own).');
      sendVia = { kind: 'target', target: t.replace(/\/$/, '') };
    }
    setError(null);
    setBusy(true);
    try {
      await props.onSend(Object.keys(edit).length ? edit : undefined, sendVia);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="replay-form" onSubmit={send} aria-label="Edit and replay">
      <div className="row">
        <input className="input" aria-label="Method" size={8} value={form.method} onChange={(e) => setForm({ ...form, method: e.target.value })} />
        <input className="input" style={{ flex: 1 }} aria-label="URL" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
      </div>
      <label className="muted">
        Headers (Name: value per line; Content-Length is recomputed)
        <textarea className="input" rows={8} aria-label="Headers" value={form.headers} onChange={(e) => setForm({ ...form, headers: e.target.value })} />
      </label>
      <label className="muted">
        Body
        {bodyIsText ? (
          <textarea className="input" rows={6} aria-label="Body" value={form.body} onChange={(e) => setForm({ ...form, body: e.target.value })} />
        ) : (
          <div className="notice">The body is binary; it is resent as recorded.</div>
        )}
      </label>
      <fieldset className="replay-via">
        <legend className="muted">Send to</legend>
        <label>
          <input type="radio" name="replay-via" checked={via === 'route'} onChange={() => setVia('route')} /> Through the route (as a browser would)
        </label>
        <label>
          <input type="radio" name="replay-via" checked={via === 'target'} onChange={() => setVia('target')} /> Straight to a target
        </label>
        {via === 'target' ? (
          <input
            className="input"
            aria-label="Target"
            placeholder="http://127.0.0.1:3001"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        ) : null}
      </fieldset>
      {props.detail.exchange.requestBody.truncated ? <div className="truncated">The recorded body was truncated; only the captured part can be resent.</div> : null}
      <ErrorNote error={error} />
      <div className="row">
        <button className="btn primary" type="submit" disabled={busy}>
          Send edited request
        </button>
        <button
          className="btn"
          type="button"
          onClick={() => {
            setForm(initial);
            setVia('route');
            setTarget(targetOrigin);
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
