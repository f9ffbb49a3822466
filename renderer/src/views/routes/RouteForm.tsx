import { useState } from 'react';
import type { RouteConfig } from '../../../../shared/config';
import { ApiCallError } from '../../client/ui-client';
import { errorsOfEngine } from '../../model/route-form-errors';
import {
  formFromRoute,
  hasAdvanced,
  isAdvancedField,
  policyIgnoringWeights,
  routeFromForm,
  type RouteField,
  type RouteFormErrors,
  type RouteFormState,
} from '../../model/route-form';
import { RouteAdvanced } from './RouteAdvanced';
import { fieldKit } from './route-fields';

/**
 * Add or edit one route. Every RouteConfig field has an input; the less common
 * ones sit in a collapsible Advanced section. Local checks first (they follow
 * the config schema); the engine's validation errors land next to their field.
 */
export function RouteForm(props: {
  initial?: RouteConfig;
  submitLabel: string;
  onSubmit: (route: RouteConfig) => Promise<unknown>;
  onCancel: () => void;
}) {
  // The route as the form was filled from it: `initial` follows the file live, so a hand edit made
  // while the form is open is kept for every input the user leaves alone.
  const [opened] = useState(props.initial);
  const [form, setForm] = useState<RouteFormState>(() => formFromRoute(opened));
  const [errors, setErrors] = useState<RouteFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(() => hasAdvanced(opened));
  const set = <K extends keyof RouteFormState>(k: K, v: RouteFormState[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrors((e) => (e[k] ? { ...e, [k]: undefined } : e));
  };
  const kit = fieldKit(form, errors, set);
  const ignoring = policyIgnoringWeights(form);

  const show = (next: RouteFormErrors) => {
    setErrors(next);
    if ((Object.keys(next) as RouteField[]).some((f) => next[f] && isAdvancedField(f))) setAdvancedOpen(true);
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const { route, errors: local } = routeFromForm(form, props.initial, opened);
    show(local);
    if (!route) return;
    setBusy(true);
    try {
      await props.onSubmit(route);
    } catch (err) {
      show(err instanceof ApiCallError ? errorsOfEngine(err) : { form: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form route-form" onSubmit={submit} aria-label={props.submitLabel} noValidate>
      {kit.row('host', 'Host', { placeholder: 'app.test', autoFocus: true })}
      {kit.row('path', 'Path prefix', { placeholder: '/' })}
      {kit.row('targets', 'Targets', {
        rows: 2,
        placeholder: 'http://localhost:3000',
        hint: 'One per line. "3000" means http://127.0.0.1:3000. For the weighted policy add a weight: http://127.0.0.1:3001 weight=2.',
        note: ignoring ? (
          // Saved as typed either way; this says they do nothing yet, and offers the policy that uses them.
          <div className="field-note" role="note" aria-label="Weights ignored">
            These weights are ignored: {form.balance ? `the ${ignoring} policy` : 'round-robin, the default policy,'} does not use them, only weighted does.{' '}
            <button type="button" className="btn small" onClick={() => {
                set('balance', 'weighted');
                setAdvancedOpen(true); // where the Balance select shows the change
              }}>
              Use weighted
            </button>
          </div>
        ) : undefined,
      })}
      <span className="lbl">Options</span>
      <div className="checks">
        {kit.check('https', 'Serve over HTTPS')}
        {kit.check('redirectToHttps', 'Redirect HTTP to HTTPS', !form.https)}
        {kit.check('enabled', 'Enabled')}
        {kit.check('record', 'Record traffic')}
        {kit.check('stripPath', 'Strip path prefix')}
        {kit.check('preserveHost', 'Preserve Host')}
      </div>
      <details className="advanced" open={advancedOpen} onToggle={(e) => setAdvancedOpen((e.target as HTMLDetailsElement).open)} style={{ gridColumn: '1 / -1' }}>
        <summary>
          Advanced <span className="faint">balancing, TLS, compression, security headers, limits, health check, header rules, rewrite</span>
        </summary>
        <RouteAdvanced form={form} kit={kit} />
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
