import { ADVANCED_KEYS, formFromRoute, ROUTE_FIELD_INPUTS, SUB_FIELD_INPUTS, type RouteField, type RouteFormErrors, type RouteFormState } from './route-form';

/**
 * The engine's answer to a refused route edit, put next to the inputs it is
 * about. The engine validates again and has the last word; its messages name
 * fields by JSON pointer, which ROUTE_FIELD_INPUTS and SUB_FIELD_INPUTS map to
 * the form's inputs. Pure.
 */

/**
 * Puts the engine's validation errors next to the fields they are about. The
 * engine names fields by JSON pointer ("…/routes/0/healthCheck/expectStatus: must
 * be <= 599"); each pointer line goes to its input. Messages without one are
 * placed by their code or words.
 */
export function errorsOfEngine(error: { message: string; code?: string; field?: string }): RouteFormErrors {
  const out: RouteFormErrors = {};
  const lines = `${error.field ?? ''}\n${error.message}`.split('\n');
  for (const line of lines) {
    const m = /\/?routes\/\d+\/([^\s:]+)(?::\s*(.*))?/.exec(line);
    if (!m) continue;
    const field = fieldOfPointer(m[1]!.split('/'));
    const reason = m[2] ? `${m[1]}: ${m[2]}` : error.message;
    out[field] = out[field] ? `${out[field]}; ${reason}` : reason;
  }
  if (Object.keys(out).length > 0) return out;
  return { [fieldOfError(error)]: error.message };
}

/** The input a config field (pointer segments under one route) is edited with; toggles have no message slot of their own. */
function fieldOfPointer(segments: string[]): RouteField {
  const [key, sub] = segments as [string, string | undefined];
  const subs = (SUB_FIELD_INPUTS as Record<string, Record<string, keyof RouteFormState>>)[key === 'targets' ? 'target' : key];
  const input = (sub !== undefined ? subs?.[sub] : undefined) ?? (ROUTE_FIELD_INPUTS as Record<string, keyof RouteFormState>)[key];
  if (input === undefined) return 'form';
  if (typeof formFromRoute()[input] === 'boolean') return (ADVANCED_KEYS as readonly string[]).includes(key) ? 'advanced' : 'form';
  return input;
}

/** Puts one engine error next to the field it is about: by a pointer, its code, or its words. */
export function fieldOfError(error: { message: string; code?: string; field?: string }): RouteField {
  const code = (error.code ?? '').toUpperCase();
  if (code.includes('TARGET')) return 'targets';
  if (code === 'ROUTE_EXISTS' || code.includes('HOST')) return 'host';
  const hint = `${error.field ?? ''} ${error.message}`;
  const pointer = /routes\/\d+\/([^\s:]+)/.exec(hint);
  if (pointer) return fieldOfPointer(pointer[1]!.split('/'));
  const words = hint.toLowerCase();
  if (code.includes('PATH')) return 'path';
  if (/\btargets?\b|upstream|\bport\b|url/.test(words)) return 'targets';
  if (/\bpath\b/.test(words)) return 'path';
  if (/\bhost\b|name|already|duplicate|exists/.test(words)) return 'host';
  return 'form';
}
