import type { ConfigIssue } from '../../../shared/config';
import { ADVANCED_KEYS, formFromRoute, ROUTE_FIELD_INPUTS, SUB_FIELD_INPUTS, type RouteField, type RouteFormErrors, type RouteFormState } from './route-form';

/**
 * The engine's answer to a refused route edit, put next to the inputs it is
 * about. The engine validates again and has the last word; its messages name
 * fields by JSON pointer, which ROUTE_FIELD_INPUTS and SUB_FIELD_INPUTS map to
 * the form's inputs. Pure.
 */

/**
 * Puts the engine's validation errors next to the fields they are about. A refused
 * edit comes with its issues as data (field pointer, reason, for some a detail the
 * form words itself); without them the message's pointer lines ("…/routes/0/healthCheck/
 * expectStatus: must be <= 599") are read. Messages without a pointer are placed by
 * their code or words.
 */
export function errorsOfEngine(error: { message: string; code?: string; field?: string; issues?: readonly ConfigIssue[] }): RouteFormErrors {
  const out: RouteFormErrors = {};
  const add = (pointer: string, reason: string) => {
    const field = fieldOfPointer(pointer.split('/'));
    out[field] = out[field] ? `${out[field]}; ${reason}` : reason;
  };
  // The problems as data when the engine sends them, each about a field of a route: that field's
  // input, in the form's own wording where it has one. Otherwise the message's lines are read.
  const issues = (error.issues ?? []).map((issue) => ({ issue, under: /^\/routes\/\d+\/(.+)$/.exec(issue.field)?.[1] }));
  if (issues.length > 0 && issues.every((i) => i.under !== undefined)) {
    for (const { issue, under } of issues) add(under!, formWording(issue) ?? `${under}: ${issue.reason}`);
    return out;
  }
  const lines = `${error.field ?? ''}\n${error.message}`.split('\n');
  for (const line of lines) {
    const m = /\/?routes\/\d+\/([^\s:]+)(?::\s*(.*))?/.exec(line);
    if (m) add(m[1]!, m[2] ? `${m[1]}: ${m[2]}` : error.message);
  }
  if (Object.keys(out).length > 0) return out;
  return { [fieldOfError(error)]: error.message };
}

/**
 * A problem worded for the form rather than the config file: its inputs and buttons instead of
 * field names and JSON. Undefined for problems the file's wording serves as well.
 */
function formWording(issue: ConfigIssue): string | undefined {
  const d = issue.detail;
  switch (d?.code) {
    case 'https-host-not-permitted':
      return (
        `${d.host} cannot be served over HTTPS: Gatehouse's certificate authority signs only names under ${d.suffixes.join(', ')}. ` +
        `Either add "${d.suggestedSuffix}" to the HTTPS suffixes in the settings ("suffixes" in the config file), or untick "Serve over HTTPS" for this route.`
      );
    case 'https-host-is-ip':
      return `${d.host} is an IP address, and Gatehouse's certificate authority signs no certificates for IP addresses. Untick "Serve over HTTPS" to serve it over plain HTTP.`;
    default:
      return undefined;
  }
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
