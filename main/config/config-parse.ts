import type { ConfigIssue, GatehouseConfig } from '../../shared/config';
import { semanticIssues } from './config-semantics';
import { lineColumn, lineStartsOf, offsetOf, parseJsonDocument, type JsonDocument } from './json-document';
import { schemaIssues, type SchemaIssue } from './schema-issues';

/**
 * Config text → a validated GatehouseConfig, or every problem found, each with
 * file, line, column, field (JSON pointer) and a plain reason. Pure: no I/O.
 */
export type ConfigParseResult =
  | { ok: true; config: GatehouseConfig; doc: JsonDocument }
  | { ok: false; issues: ConfigIssue[] };

export function parseConfigText(text: string, file: string): ConfigParseResult {
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) {
    const { line, column } = lineColumn(lineStartsOf(text), parsed.problem.offset);
    return { ok: false, issues: [{ file, line, column, field: parsed.problem.field, reason: parsed.problem.reason }] };
  }
  const { doc } = parsed;
  const structural = schemaIssues(doc.value);
  // Semantic checks skip anything the schema already complained about.
  const semantic = semanticIssues(doc.value).filter(
    (s) => !structural.some((st) => s.field === st.field || s.field.startsWith(`${st.field}/`) || st.field.startsWith(`${s.field}/`)),
  );
  const all = [...structural, ...semantic];
  if (all.length === 0) return { ok: true, config: doc.value as GatehouseConfig, doc };
  return { ok: false, issues: all.map((i) => locate(doc, file, i)).sort((a, b) => a.line - b.line || a.column - b.column) };
}

function locate(doc: JsonDocument, file: string, issue: SchemaIssue): ConfigIssue {
  const { line, column } = lineColumn(doc.lineStarts, offsetOf(doc, issue.field, issue.anchor));
  const located: ConfigIssue = { file, line, column, field: issue.field, reason: issue.reason };
  if (issue.detail) located.detail = issue.detail;
  return located;
}
