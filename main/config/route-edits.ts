import * as jsonc from 'jsonc-parser';
import { parseRouteSpec, routeId, type GatehouseConfig, type RouteConfig } from '../../shared/config';
import { ConfigError } from './config-error';

/**
 * Edits of the config text, as pure functions: current text + its parsed config
 * in, new text out. Edits go through jsonc-parser's modify(), so the rest of the
 * file keeps the user's formatting, field order and indentation.
 */
export interface EditResult<T> {
  text: string;
  value: T;
}

/** Settings are every top-level field except the routes. */
export type ConfigSettings = Omit<GatehouseConfig, 'routes' | '$schema'>;

/** "App.Test/api/" → "app.test/api": the route id a user-typed spec names. */
export function normalizeRouteRef(ref: string): string {
  return routeId(parseRouteSpec(ref.trim()));
}

function formatting(text: string): jsonc.FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 2, eol };
}

function modify(text: string, path: jsonc.JSONPath, value: unknown, isArrayInsertion = false): string {
  const edits = jsonc.modify(text, path, value, { formattingOptions: formatting(text), isArrayInsertion });
  return jsonc.applyEdits(text, edits);
}

function indexOfRoute(config: GatehouseConfig, ref: string): number {
  const id = normalizeRouteRef(ref);
  const index = config.routes.findIndex((r) => routeId(r) === id);
  if (index < 0) {
    const known = config.routes.map((r) => routeId(r));
    throw new ConfigError(
      'ROUTE_NOT_FOUND',
      `no route "${id}"${known.length ? `; configured routes: ${known.join(', ')}` : '; no routes are configured'}`,
    );
  }
  return index;
}

export function addRoute(text: string, config: GatehouseConfig, route: RouteConfig): EditResult<RouteConfig> {
  const id = routeId(route);
  if (config.routes.some((r) => routeId(r) === id)) {
    throw new ConfigError('ROUTE_EXISTS', `route "${id}" already exists; remove it first (gatehouse route rm ${id}) or choose another path`);
  }
  return { text: appendToRoutes(text, route) ?? modify(text, ['routes', config.routes.length], route, true), value: route };
}

/** `{ "host": "x.test", "target": "…" }`: a route on one line, in the spacing such lines are usually written with. */
function oneLine(value: RouteConfig): string {
  const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{ ${fields.join(', ')} }`;
}

/**
 * Appends a route after the last one as plain text, in its style: beside them when the routes
 * are on one line, on one line after a one-line route, else indented like it. (jsonc-parser's insertion re-formats the route
 * before it, so a hand-written one-line route would be spread over several lines.)
 * Undefined when there is no last route starting a line of its own to follow.
 */
function appendToRoutes(text: string, route: RouteConfig): string | undefined {
  const tree = jsonc.parseTree(text);
  const routes = tree ? jsonc.findNodeAtLocation(tree, ['routes']) : undefined;
  if (routes?.type !== 'array') return undefined;
  const items = routes.children ?? [];
  const last = items[items.length - 1];
  const arrayText = text.slice(routes.offset, routes.offset + routes.length);
  if (!arrayText.includes('\n')) {
    // The routes on one line (`"routes": [{…},{…}]`, often the whole file): the new one joins
    // them there, compact or spaced like the last, after the separator the others use.
    if (!last) {
      if (text.trim().includes('\n')) return undefined;
      return `${text.slice(0, routes.offset)}[${inlineJson(route, isSpaced(text))}]${text.slice(routes.offset + routes.length)}`;
    }
    const end = last.offset + last.length;
    const lastText = text.slice(last.offset, end);
    const compact = !/[:,] /.test(lastText);
    const prev = items[items.length - 2];
    const sep = prev ? text.slice(prev.offset + prev.length, last.offset) : compact ? ',' : ', ';
    return `${text.slice(0, end)}${sep}${compact ? JSON.stringify(route) : oneLine(route)}${text.slice(end)}`;
  }
  if (!last) return undefined;
  const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
  const indent = text.slice(lineStart, last.offset);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const { eol, insertSpaces, tabSize } = formatting(text);
  const end = last.offset + last.length;
  const body = text.slice(last.offset, end).includes('\n')
    ? JSON.stringify(route, null, insertSpaces ? ' '.repeat(tabSize ?? 2) : '\t').split('\n').join(eol + indent)
    : oneLine(route);
  return `${text.slice(0, end)},${eol}${indent}${body}${text.slice(end)}`;
}

/**
 * Removes the route `ref` names, as plain text (see removeChild): jsonc-parser's removal
 * re-formats the array, and on a file written on one line it could even leave it unparsable.
 */
export function removeRoute(text: string, config: GatehouseConfig, ref: string): EditResult<RouteConfig> {
  const index = indexOfRoute(config, ref);
  const tree = jsonc.parseTree(text);
  const routes = tree ? jsonc.findNodeAtLocation(tree, ['routes']) : undefined;
  const edited = routes?.type === 'array' && routes.children?.[index] ? removeChild(text, routes, index) : undefined;
  return { text: edited ?? modify(text, ['routes', index], undefined), value: config.routes[index]! };
}

/** Sets a route's enabled flag (flips it when `enabled` is undefined). Enabled is the default, so enabling removes the field. */
export function setRouteEnabled(text: string, config: GatehouseConfig, ref: string, enabled?: boolean): EditResult<RouteConfig> {
  const index = indexOfRoute(config, ref);
  const current = config.routes[index]!;
  const next = enabled ?? current.enabled === false;
  const value: RouteConfig = { ...current, enabled: next };
  if (next) delete value.enabled;
  if ((current.enabled !== false) === next) return { text, value: current };
  if (next) return { text: removeProperty(text, ['routes', index], 'enabled') ?? modify(text, ['routes', index, 'enabled'], undefined), value };
  const raw = routeNodeValue(text, index);
  const edited = raw && !('enabled' in raw) ? appendProperty(text, ['routes', index], 'enabled', false) : undefined;
  return { text: edited ?? modify(text, ['routes', index, 'enabled'], false), value };
}

/**
 * Replaces the route `ref` names by `route` (which may have another host or path, as long as it
 * stays unique). Only the fields that change are written, one by one, so the route keeps its
 * layout, field order and comments: a one-line route stays on one line when its target changes.
 */
export function updateRoute(text: string, config: GatehouseConfig, ref: string, route: RouteConfig): EditResult<RouteConfig> {
  const index = indexOfRoute(config, ref);
  const id = routeId(route);
  const clash = config.routes.findIndex((r, i) => i !== index && routeId(r) === id);
  if (clash >= 0) throw new ConfigError('ROUTE_EXISTS', `another route is already "${id}"; remove it first or choose another path`);
  const written = routeNodeValue(text, index);
  if (!written) return { text: modify(text, ['routes', index], route), value: route };
  const next = route as unknown as Record<string, unknown>;
  let out = text;
  for (const key of Object.keys(written)) {
    if (!(key in next) || next[key] === undefined) out = removeProperty(out, ['routes', index], key) ?? modify(out, ['routes', index, key], undefined);
  }
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined || sameJson(written[key], value)) continue;
    out = (key in written ? replaceValue(out, ['routes', index], key, value) : appendProperty(out, ['routes', index], key, value)) ?? modify(out, ['routes', index, key], value);
  }
  return { text: out, value: route };
}

/**
 * Adds a property after an object's last one as plain text, in the object's style: on the same
 * line in a one-line object, else on a line of its own indented like the last property.
 * (jsonc-parser's insertion re-formats the line it lands on, spreading the property before it,
 * a one-line nested object say, over several lines.) Undefined when the object has no property
 * to follow or it does not start a line of its own.
 */
function appendProperty(text: string, path: jsonc.JSONPath, key: string, value: unknown): string | undefined {
  const tree = jsonc.parseTree(text);
  const object = tree ? jsonc.findNodeAtLocation(tree, path) : undefined;
  const last = object?.type === 'object' ? object.children?.[object.children.length - 1] : undefined;
  if (!object || !last) return undefined;
  const end = last.offset + last.length;
  const name = JSON.stringify(key);
  const objectText = text.slice(object.offset, object.offset + object.length);
  if (!objectText.includes('\n')) {
    // One line: compact (`,"k":v`) or spaced (`, "k": v`) like the object itself.
    const spaced = isSpaced(objectText);
    return `${text.slice(0, end)}${spaced ? `, ${name}: ` : `,${name}:`}${inlineJson(value, spaced)}${text.slice(end)}`;
  }
  const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
  const indent = text.slice(lineStart, last.offset);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const { eol, insertSpaces, tabSize } = formatting(text);
  const body = JSON.stringify(value, null, insertSpaces ? ' '.repeat(tabSize ?? 2) : '\t')
    .split('\n')
    .join(eol + indent);
  return `${text.slice(0, end)},${eol}${indent}${name}: ${body}${text.slice(end)}`;
}

/**
 * Removes a property as plain text: with the separator before it (or, for the first, the one
 * after it), leaving every other line as it was. (jsonc-parser's removal re-formats the object.)
 * Undefined when the path is not an object with that property.
 */
function removeProperty(text: string, path: jsonc.JSONPath, key: string): string | undefined {
  const tree = jsonc.parseTree(text);
  const object = tree ? jsonc.findNodeAtLocation(tree, path) : undefined;
  if (object?.type !== 'object') return undefined;
  const i = (object.children ?? []).findIndex((p) => p.children?.[0]?.value === key);
  return i < 0 ? undefined : removeChild(text, object, i);
}

/**
 * Removes the i-th element of an array or property of an object as plain text, with the
 * separator before it (for the first, the one after it); the last one leaves `[]` / `{}`.
 * Every other element keeps its text and layout.
 */
function removeChild(text: string, parent: jsonc.Node, i: number): string {
  const items = parent.children ?? [];
  const item = items[i]!;
  if (items.length === 1) return `${text.slice(0, parent.offset + 1)}${text.slice(parent.offset + parent.length - 1)}`;
  if (i > 0) {
    const prev = items[i - 1]!;
    return text.slice(0, prev.offset + prev.length) + text.slice(item.offset + item.length);
  }
  return text.slice(0, item.offset) + text.slice(items[1]!.offset);
}

/**
 * Replaces a property's value as plain text, in the layout of what it replaces: on one line,
 * compact or spaced like the object, when the old value was on one line; else spread over lines
 * indented from the property's own line. (jsonc-parser formats whole lines, which for a file on
 * one line is the whole file.) Undefined when the path is not an object with that property.
 */
function replaceValue(text: string, path: jsonc.JSONPath, key: string, value: unknown): string | undefined {
  const tree = jsonc.parseTree(text);
  const object = tree ? jsonc.findNodeAtLocation(tree, path) : undefined;
  const prop = object?.type === 'object' ? object.children?.find((p) => p.children?.[0]?.value === key) : undefined;
  const old = prop?.children?.[1];
  if (!object || !old) return undefined;
  const oldText = text.slice(old.offset, old.offset + old.length);
  let next: string;
  if (!oldText.includes('\n')) {
    next = inlineJson(value, isSpaced(text.slice(object.offset, object.offset + object.length)));
  } else {
    const lineStart = text.lastIndexOf('\n', prop!.offset - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart, prop!.offset))![0];
    const { eol, insertSpaces, tabSize } = formatting(text);
    next = JSON.stringify(value, null, insertSpaces ? ' '.repeat(tabSize ?? 2) : '\t')
      .split('\n')
      .join(eol + indent);
  }
  return text.slice(0, old.offset) + next + text.slice(old.offset + old.length);
}

/** Whether JSON text on one line is written with spaces after its colons and commas (outside strings). */
function isSpaced(json: string): boolean {
  return /[:,] /.test(json.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

/** A JSON value on one line: compact, or spaced as `{ "a": 1, "b": [1, 2] }`. */
function inlineJson(value: unknown, spaced: boolean): string {
  if (!spaced || value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => inlineJson(v, true)).join(', ')}]`;
  const fields = Object.entries(value).filter(([, v]) => v !== undefined);
  return fields.length ? `{ ${fields.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v, true)}`).join(', ')} }` : '{}';
}

/** The route at `index` as written in the file (undefined when it is not an object). */
function routeNodeValue(text: string, index: number): Record<string, unknown> | undefined {
  const tree = jsonc.parseTree(text);
  const node = tree ? jsonc.findNodeAtLocation(tree, ['routes', index]) : undefined;
  return node?.type === 'object' ? (jsonc.getNodeValue(node) as Record<string, unknown>) : undefined;
}

/** Structural equality of two JSON values (object key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => k in b && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Merges top-level settings into the file; a value of undefined removes that setting (back to its default). */
export function updateSettings(text: string, settings: Partial<ConfigSettings>): EditResult<Partial<ConfigSettings>> {
  let next = text;
  const tree = jsonc.parseTree(text);
  const written = tree?.type === 'object' ? (jsonc.getNodeValue(tree) as Record<string, unknown>) : undefined;
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'routes' || key === '$schema') continue;
    // As plain text where it can be, like the route edits: the rest of the file keeps its layout.
    let edited: string | undefined;
    if (written && value === undefined) edited = key in written ? removeProperty(next, [], key) : next;
    else if (written && key in written) edited = sameJson(written[key], value) ? next : replaceValue(next, [], key, value);
    else if (written) edited = appendProperty(next, [], key, value);
    next = edited ?? modify(next, [key], value);
  }
  return { text: next, value: settings };
}
