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
 * Appends a route after the last one as plain text, in its style: on one line after a
 * one-line route, else indented like it. (jsonc-parser's insertion re-formats the route
 * before it, so a hand-written one-line route would be spread over several lines.)
 * Undefined when there is no last route starting a line of its own to follow.
 */
function appendToRoutes(text: string, route: RouteConfig): string | undefined {
  const tree = jsonc.parseTree(text);
  const routes = tree ? jsonc.findNodeAtLocation(tree, ['routes']) : undefined;
  const last = routes?.type === 'array' ? routes.children?.[routes.children.length - 1] : undefined;
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

export function removeRoute(text: string, config: GatehouseConfig, ref: string): EditResult<RouteConfig> {
  const index = indexOfRoute(config, ref);
  return { text: modify(text, ['routes', index], undefined), value: config.routes[index]! };
}

/** Sets a route's enabled flag (flips it when `enabled` is undefined). Enabled is the default, so enabling removes the field. */
export function setRouteEnabled(text: string, config: GatehouseConfig, ref: string, enabled?: boolean): EditResult<RouteConfig> {
  const index = indexOfRoute(config, ref);
  const current = config.routes[index]!;
  const next = enabled ?? current.enabled === false;
  const value: RouteConfig = { ...current, enabled: next };
  if (next) delete value.enabled;
  if ((current.enabled !== false) === next) return { text, value: current };
  return { text: modify(text, ['routes', index, 'enabled'], next ? undefined : false), value };
}

/** Replaces the route `ref` names by `route` (which may have another host or path, as long as it stays unique). */
export function updateRoute(text: string, config: GatehouseConfig, ref: string, route: RouteConfig): EditResult<RouteConfig> {
  const index = indexOfRoute(config, ref);
  const id = routeId(route);
  const clash = config.routes.findIndex((r, i) => i !== index && routeId(r) === id);
  if (clash >= 0) throw new ConfigError('ROUTE_EXISTS', `another route is already "${id}"; remove it first or choose another path`);
  return { text: modify(text, ['routes', index], route), value: route };
}

/** Merges top-level settings into the file; a value of undefined removes that setting (back to its default). */
export function updateSettings(text: string, settings: Partial<ConfigSettings>): EditResult<Partial<ConfigSettings>> {
  let next = text;
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'routes' || key === '$schema') continue;
    next = modify(next, [key], value);
  }
  return { text: next, value: settings };
}
