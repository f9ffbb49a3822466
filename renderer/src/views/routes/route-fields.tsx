import type { ReactElement } from 'react';
import type { RouteField, RouteFormErrors, RouteFormState } from '../../model/route-form';

/**
 * The route form's inputs, each with its label and its message right under it
 * (id "route-<name>", message id "err-<name>"). Plain functions that return
 * elements, not components, so typing never remounts an input.
 */
type TextName = { [K in keyof RouteFormState]: RouteFormState[K] extends string ? K : never }[keyof RouteFormState];
type FlagName = { [K in keyof RouteFormState]: RouteFormState[K] extends boolean ? K : never }[keyof RouteFormState];

export interface FieldKit {
  /** The message slot of a field (nothing when it has none). */
  error(name: RouteField): ReactElement | null;
  text(name: TextName, label: string, options?: { placeholder?: string; accessibleName?: string; wide?: boolean; list?: string; hint?: string }): ReactElement;
  select(name: TextName, label: string, choices: ReadonlyArray<readonly [value: string, label: string]>, options?: { hint?: string }): ReactElement;
  check(name: FlagName, label: string, disabled?: boolean): ReactElement;
  /** A row of the form's grid: the label in the first column, the input (a textarea when `rows` is given) in the second, `note` under its hint. */
  row(name: TextName, label: string, options?: { placeholder?: string; rows?: number; mono?: boolean; hint?: string; autoFocus?: boolean; note?: ReactElement }): ReactElement;
}

export function fieldKit(form: RouteFormState, errors: RouteFormErrors, set: <K extends keyof RouteFormState>(k: K, v: RouteFormState[K]) => void): FieldKit {
  const error = (name: RouteField) =>
    errors[name] ? (
      <div className="field-error" id={`err-${name}`} role="alert">
        {errors[name]}
      </div>
    ) : null;
  const invalid = (name: RouteField) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `err-${name}` : undefined,
  });
  return {
    error,
    text: (name, label, o = {}) => (
      <div className={`field${o.wide ? ' wide' : ''}`} key={name}>
        <label htmlFor={`route-${name}`}>{label}</label>
        <input
          id={`route-${name}`}
          name={name}
          className={`input${errors[name] ? ' invalid' : ''}`}
          aria-label={o.accessibleName}
          placeholder={o.placeholder}
          list={o.list}
          spellCheck={false}
          value={form[name]}
          onChange={(e) => set(name, e.target.value)}
          {...invalid(name)}
        />
        {o.hint ? <div className="hint">{o.hint}</div> : null}
        {error(name)}
      </div>
    ),
    select: (name, label, choices, o = {}) => {
      // A value the choices do not list (written by hand in the file) stays selectable, so saving keeps it.
      const all = choices.some(([v]) => v === form[name]) ? choices : [...choices, [form[name], `${form[name]} (from the file)`] as const];
      return (
        <div className="field" key={name}>
          <label htmlFor={`route-${name}`}>{label}</label>
          <select
            id={`route-${name}`}
            name={name}
            className={`input${errors[name] ? ' invalid' : ''}`}
            value={form[name]}
            onChange={(e) => set(name, e.target.value as RouteFormState[typeof name])}
            {...invalid(name)}
          >
            {all.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
          {o.hint ? <div className="hint">{o.hint}</div> : null}
          {error(name)}
        </div>
      );
    },
    check: (name, label, disabled) => (
      <label key={name}>
        <input type="checkbox" name={name} checked={form[name]} disabled={disabled} onChange={(e) => set(name, e.target.checked)} /> {label}
      </label>
    ),
    row: (name, label, o = {}) => {
      const common = {
        id: `route-${name}`,
        name,
        className: `input${o.mono ? ' mono' : ''}${errors[name] ? ' invalid' : ''}`,
        placeholder: o.placeholder,
        value: form[name],
        ...invalid(name),
      };
      return (
        <>
          <label className="lbl" htmlFor={`route-${name}`}>
            {label}
          </label>
          <div>
            {o.rows !== undefined ? (
              <textarea {...common} rows={o.rows} spellCheck={false} onChange={(e) => set(name, e.target.value)} />
            ) : (
              <input {...common} autoFocus={o.autoFocus} onChange={(e) => set(name, e.target.value)} />
            )}
            {o.hint ? <div className="hint">{o.hint}</div> : null}
            {o.note ?? null}
            {error(name)}
          </div>
        </>
      );
    },
  };
}
