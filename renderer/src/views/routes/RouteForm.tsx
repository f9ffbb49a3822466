import { useState } from 'react';
import type { RouteConfig } from '../../../../shared/config';
import { ApiCallError } from '../../client/ui-client';
import { fieldOfError, formFromRoute, routeFromForm, type RouteField, type RouteFormErrors, type RouteFormState } from '../../model/route-form';

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
  const set = <K extends keyof RouteFormState>(k: K, v: RouteFormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const { route, errors: local } = routeFromForm(form, props.initial);
    setErrors(local);
    if (!route) return;
    setBusy(true);
    try {
      await props.onSubmit(route);
    } catch (err) {
      const field: RouteField = err instanceof ApiCallError ? fieldOfError(err) : 'form';
      setErrors({ [field]: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

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
