import { useState } from 'react';
import type { RouteConfig } from '../../../../shared/config';
import { ApiCallError } from '../../client/ui-client';
import { fieldOfError, formFromRoute, hasAdvanced, routeFromForm, type RouteField, type RouteFormErrors, type RouteFormState } from '../../model/route-form';

/** Add or edit one route. Local checks first; the engine's validation errors land next to their field. */
export function RouteForm(props: {
  initial?: RouteConfig;
  submitLabel: string;
  onSubmit: (route: RouteConfig) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<RouteFormState>(() => formFromRoute(props.initial));
  const [errors, setErrors] = useState<RouteFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(() => hasAdvanced(props.initial));
  const set = <K extends keyof RouteFormState>(k: K, v: RouteFormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const { route, errors: local } = routeFromForm(form, props.initial);
    setErrors(local);
    if (local.advanced || local.headers || local.rewrite) setAdvancedOpen(true);
    if (!route) return;
    setBusy(true);
    try {
      await props.onSubmit(route);
    } catch (err) {
      const field: RouteField = err instanceof ApiCallError ? fieldOfError(err) : 'form';
      setErrors({ [field]: (err as Error).message });
      if (field === 'advanced' || field === 'headers' || field === 'rewrite') setAdvancedOpen(true);
    } finally {
      setBusy(false);
    }
  }

  const clearError = (name: RouteField) => setErrors((e) => (e[name] ? { ...e, [name]: undefined } : e));
  const fieldProps = (name: RouteField) => ({
    className: `input${errors[name] ? ' invalid' : ''}`,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `err-${name}` : undefined,
  });
  const err = (name: RouteField) =>
    errors[name] ? (
      <div className="field-error" id={`err-${name}`} role="alert">
        {errors[name]}
      </div>
    ) : null;

  type TextField = 'rateLimitRate' | 'rateLimitBurst' | 'latency' | 'bandwidth' | 'healthCheckPath' | 'healthCheckInterval';
  const numberInput = (name: TextField, label: string, placeholder: string) => (
    <label>
      {label}{' '}
      <input
        name={name}
        aria-label={label === 'Path' || label === 'Interval' ? `Health check ${label.toLowerCase()}` : label}
        className={`input${errors.advanced ? ' invalid' : ''}`}
        style={{ width: 90 }}
        placeholder={placeholder}
        value={form[name]}
        onChange={(e) => set(name, e.target.value)}
      />
    </label>
  );

  return (
    <form className="form" onSubmit={submit} aria-label={props.submitLabel} noValidate>
      <label className="lbl" htmlFor="route-host">
        Host
      </label>
      <div>
        <input id="route-host" name="host" placeholder="app.test" autoFocus value={form.host} onChange={(e) => set('host', e.target.value)} {...fieldProps('host')} />
        {err('host')}
      </div>
      <label className="lbl" htmlFor="route-path">
        Path prefix
      </label>
      <div>
        <input id="route-path" name="path" placeholder="/" value={form.path} onChange={(e) => set('path', e.target.value)} {...fieldProps('path')} />
        {err('path')}
      </div>
      <label className="lbl" htmlFor="route-targets">
        Targets
      </label>
      <div>
        <textarea
          id="route-targets"
          name="targets"
          rows={2}
          placeholder="http://localhost:3000"
          value={form.targets}
          onChange={(e) => set('targets', e.target.value)}
          {...fieldProps('targets')}
        />
        <div className="hint">One per line. "3000" means http://127.0.0.1:3000.</div>
        {err('targets')}
      </div>
      <span className="lbl">Options</span>
      <div className="checks">
        <label>
          <input type="checkbox" name="https" checked={form.https} onChange={(e) => set('https', e.target.checked)} /> Serve over HTTPS
        </label>
        <label>
          <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
        </label>
        <label>
          <input type="checkbox" name="stripPath" checked={form.stripPath} onChange={(e) => set('stripPath', e.target.checked)} /> Strip path prefix
        </label>
        <label>
          <input type="checkbox" name="preserveHost" checked={form.preserveHost} onChange={(e) => set('preserveHost', e.target.checked)} /> Preserve Host
        </label>
      </div>
      <details className="advanced" open={advancedOpen} onToggle={(e) => setAdvancedOpen((e.target as HTMLDetailsElement).open)} style={{ gridColumn: '1 / -1' }}>
        <summary>Advanced</summary>
        <div className="form">
          <span className="lbl">Features</span>
          <div className="checks">
            <label>
              <input type="checkbox" name="compress" checked={form.compress} onChange={(e) => set('compress', e.target.checked)} /> Compress responses
            </label>
            <label>
              <input type="checkbox" name="cache" checked={form.cache} onChange={(e) => set('cache', e.target.checked)} /> Cache responses
            </label>
            <label>
              <input type="checkbox" name="securityHeaders" checked={form.securityHeaders} onChange={(e) => set('securityHeaders', e.target.checked)} /> Security headers
            </label>
            <label>
              <input type="checkbox" name="spa" checked={form.spa} onChange={(e) => set('spa', e.target.checked)} /> Single-page app (file: targets)
            </label>
          </div>
          <span className="lbl">Limits</span>
          <div className="checks">
            {numberInput('rateLimitRate', 'Rate limit (req/s)', '10')}
            {numberInput('rateLimitBurst', 'Burst', '20')}
            {numberInput('latency', 'Latency', '200ms')}
            {numberInput('bandwidth', 'Bandwidth (bytes/s)', '65536')}
          </div>
          <span className="lbl">Health check</span>
          <div className="checks">
            {numberInput('healthCheckPath', 'Path', '/health')}
            {numberInput('healthCheckInterval', 'Interval', '10s')}
          </div>
          {errors.advanced ? (
            <>
              <span />
              <div>{err('advanced')}</div>
            </>
          ) : null}
          <label className="lbl" htmlFor="route-headers">
            Header rules (JSON)
          </label>
          <div>
            <textarea
              id="route-headers"
              name="headersJson"
              rows={6}
              spellCheck={false}
              placeholder='{"response": {"set": {"X-Dev": "1"}}, "request": {"remove": ["Cookie"]}}'
              value={form.headersJson}
              onChange={(e) => {
                set('headersJson', e.target.value);
                clearError('headers');
              }}
              {...fieldProps('headers')}
              className={`input mono${errors.headers ? ' invalid' : ''}`}
            />
            {err('headers')}
          </div>
          <label className="lbl" htmlFor="route-rewrite">
            Path rewrite (JSON)
          </label>
          <div>
            <textarea
              id="route-rewrite"
              name="rewriteJson"
              rows={2}
              spellCheck={false}
              placeholder='{"prefix": "/old", "to": "/new"}'
              value={form.rewriteJson}
              onChange={(e) => {
                set('rewriteJson', e.target.value);
                clearError('rewrite');
              }}
              {...fieldProps('rewrite')}
              className={`input mono${errors.rewrite ? ' invalid' : ''}`}
            />
            {err('rewrite')}
          </div>
        </div>
      </details>
      {errors.form ? (
        <div className="actions">
          <div className="field-error" role="alert">
            {errors.form}
          </div>
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="btn primary" disabled={busy}>
          {props.submitLabel}
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
