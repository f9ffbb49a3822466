import * as jsonc from 'jsonc-parser';

/**
 * Strict JSON parsing that keeps positions: the parsed value plus a syntax tree
 * that maps a JSON pointer back to a line and column, so every config problem
 * can be reported where it is in the file.
 */
export interface JsonDocument {
  readonly text: string;
  readonly value: unknown;
  readonly root: jsonc.Node;
  /** Offsets at which each line starts (line 1 at index 0). */
  readonly lineStarts: readonly number[];
}

/** A problem located by offset; the caller turns it into a line/column issue. */
export interface LocatedProblem {
  offset: number;
  /** JSON pointer of the enclosing field ("" at the top). */
  field: string;
  reason: string;
}

export type JsonParseResult = { ok: true; doc: JsonDocument } | { ok: false; problem: LocatedProblem };

const STRICT: jsonc.ParseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
export function lineColumn(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

function previousNonSpaceAt(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) if (!/\s/.test(text[i]!)) return i;
  return -1;
}

function previousNonSpace(text: string, offset: number): string {
  const i = previousNonSpaceAt(text, offset);
  return i < 0 ? '' : text[i]!;
}

function isTrailingComma(text: string, e: jsonc.ParseError): boolean {
  return (
    (e.error === jsonc.ParseErrorCode.PropertyNameExpected || e.error === jsonc.ParseErrorCode.ValueExpected) &&
    previousNonSpace(text, e.offset) === ',' &&
    /^[}\]]/.test(text.slice(e.offset).trimStart())
  );
}

function syntaxReason(text: string, e: jsonc.ParseError): string {
  const token = text.slice(e.offset, e.offset + Math.max(e.length, 1));
  const trailingComma = isTrailingComma(text, e);
  switch (e.error) {
    case jsonc.ParseErrorCode.InvalidSymbol:
      if (token.startsWith("'")) return 'JSON needs double quotes ("…") around strings and field names';
      return `unexpected ${JSON.stringify(token)}; expected a value: a "string", a number, true, false, null, {…} or […]`;
    case jsonc.ParseErrorCode.InvalidNumberFormat:
      return `${JSON.stringify(token)} is not a valid JSON number`;
    case jsonc.ParseErrorCode.PropertyNameExpected:
      if (trailingComma) return 'trailing comma: JSON allows no "," before "}"; remove it';
      return 'expected a field name in double quotes';
    case jsonc.ParseErrorCode.ValueExpected:
      if (trailingComma) return 'trailing comma: JSON allows no "," before "]"; remove it';
      return 'expected a value: a "string", a number, true, false, null, {…} or […]';
    case jsonc.ParseErrorCode.ColonExpected:
      return 'expected ":" after the field name';
    case jsonc.ParseErrorCode.CommaExpected:
      if (token === ']') return 'missing "}" to close an object before this "]" (or a "," between items)';
      if (token === '}') return 'missing "]" to close a list before this "}" (or a "," between items)';
      return 'missing "," before this item';
    case jsonc.ParseErrorCode.CloseBraceExpected:
      return 'missing "}" to close an object';
    case jsonc.ParseErrorCode.CloseBracketExpected:
      return 'missing "]" to close a list';
    case jsonc.ParseErrorCode.EndOfFileExpected:
      return 'unexpected text after the end of the JSON document';
    case jsonc.ParseErrorCode.InvalidCommentToken:
    case jsonc.ParseErrorCode.UnexpectedEndOfComment:
      return 'comments are not allowed in JSON; remove them';
    case jsonc.ParseErrorCode.UnexpectedEndOfString:
      return 'unterminated string: a closing " is missing';
    case jsonc.ParseErrorCode.UnexpectedEndOfNumber:
      return 'incomplete number';
    case jsonc.ParseErrorCode.InvalidUnicode:
      return 'invalid \\u escape: it needs four hex digits, e.g. \\u00e9';
    case jsonc.ParseErrorCode.InvalidEscapeCharacter:
      return `invalid escape ${JSON.stringify(token).slice(1, -1)}; write a backslash as \\\\`;
    case jsonc.ParseErrorCode.InvalidCharacter:
      return 'control character inside a string; write it as an escape such as \\n or \\t';
    default:
      return `invalid JSON (${jsonc.printParseErrorCode(e.error)})`;
  }
}

/** The first repeated field name in any object, reported at its second occurrence. */
function findDuplicateKey(node: jsonc.Node, segments: (string | number)[]): LocatedProblem | null {
  if (node.type === 'object') {
    const seen = new Map<string, number>();
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key) continue;
      const name = String(key.value);
      if (seen.has(name)) {
        return {
          offset: key.offset,
          field: toPointer([...segments, name]),
          reason: `duplicate field "${name}" in the same object; JSON would keep only the last one, so remove one of them`,
        };
      }
      seen.set(name, key.offset);
      if (value) {
        const inner = findDuplicateKey(value, [...segments, name]);
        if (inner) return inner;
      }
    }
  } else if (node.type === 'array') {
    const items = node.children ?? [];
    for (let i = 0; i < items.length; i++) {
      const inner = findDuplicateKey(items[i]!, [...segments, i]);
      if (inner) return inner;
    }
  }
  return null;
}

export function parseJsonDocument(input: string): JsonParseResult {
  // A byte-order mark (some Windows editors write one) becomes a space: offsets stay put.
  const text = input.charCodeAt(0) === 0xfeff ? ` ${input.slice(1)}` : input;
  if (text.trim() === '') {
    return { ok: false, problem: { offset: 0, field: '', reason: 'the file is empty; the smallest valid config is {"routes": []}' } };
  }
  const errors: jsonc.ParseError[] = [];
  const root = jsonc.parseTree(text, errors, STRICT);
  const first = errors[0];
  if (first || !root) {
    let offset = first?.offset ?? 0;
    let path = jsonc.getLocation(text, offset).path.filter((s) => s !== '');
    if (first && isTrailingComma(text, first)) {
      // Point at the comma itself, in the list or object it ends, not at an item after it that
      // does not exist (/routes/1 for a list of one).
      offset = previousNonSpaceAt(text, first.offset);
      if (first.error === jsonc.ParseErrorCode.ValueExpected && typeof path[path.length - 1] === 'number') path = path.slice(0, -1);
    }
    const field = toPointer(path);
    return { ok: false, problem: { offset, field, reason: first ? syntaxReason(text, first) : 'invalid JSON' } };
  }
  const duplicate = findDuplicateKey(root, []);
  if (duplicate) return { ok: false, problem: duplicate };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // jsonc-parser and JSON.parse agree on strict JSON; this is a safety net.
    return { ok: false, problem: { offset: 0, field: '', reason: `invalid JSON: ${(err as Error).message}` } };
  }
  return { ok: true, doc: { text, value, root, lineStarts: lineStartsOf(text) } };
}

export type Anchor = 'value' | 'key' | 'parent';

/**
 * Offset of the field at `pointer`: its value, its key (for unknown fields), or
 * the enclosing object (for missing fields). Falls back to the nearest ancestor
 * that exists.
 */
export function offsetOf(doc: JsonDocument, pointer: string, anchor: Anchor = 'value'): number {
  let segments = fromPointer(pointer);
  if (anchor === 'parent') segments = segments.slice(0, -1);
  let node: jsonc.Node = doc.root;
  for (const segment of segments) {
    const next = childOf(node, segment);
    if (!next) return node.offset;
    node = next;
  }
  if (anchor === 'key' && node.parent?.type === 'property' && node.parent.children?.[0]) {
    return node.parent.children[0].offset;
  }
  return node.offset;
}

function childOf(node: jsonc.Node, segment: string): jsonc.Node | undefined {
  if (node.type === 'array') return /^\d+$/.test(segment) ? node.children?.[Number(segment)] : undefined;
  if (node.type !== 'object') return undefined;
  let found: jsonc.Node | undefined;
  for (const prop of node.children ?? []) if (prop.children?.[0]?.value === segment) found = prop.children[1];
  return found;
}
