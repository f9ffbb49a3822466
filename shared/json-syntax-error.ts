/**
 * Where JSON text stops being JSON (RFC 8259, as JSON.parse reads it), and what was
 * expected there. For error messages only: V8 names the position of some syntax errors
 * ("... in JSON at position 12") but not of others ("Unexpected token 'h', "this is
 * not json" is not valid JSON"), and its wording differs between versions. One pass,
 * no recursion (nesting depth costs a stack entry, not a call). Pure.
 */

export interface JsonSyntaxError {
  /** Offset of the first character that cannot continue the text (text.length: the text ended too soon). */
  offset: number;
  /** What would have been valid there, e.g. 'a value', '"," or "}"'. */
  expected: string;
}

const VALUE = 'a value (an object, array, string, number, true, false or null)';
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Inside a string: the next character that is not plain content. */
const STRING_STOP = /["\\\u0000-\u001f]/g;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const LITERALS = ['true', 'false', 'null'];
const STRING_REST = 'the rest of a string: an escape such as \\n or \\u00e9, or the closing "';

type State = 'value' | 'value-or-]' | 'key' | 'key-or-}' | ':' | 'after';

/** The first syntax error of text[start…], or undefined when it is valid JSON. */
export function jsonSyntaxError(text: string, start = 0): JsonSyntaxError | undefined {
  const n = text.length;
  /** Open containers: true for an object, false for an array. */
  const open: boolean[] = [];
  let state: State = 'value';
  let i = start;
  const fail = (offset: number, expected: string): JsonSyntaxError => ({ offset, expected });
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
    if (i >= n) return state === 'after' && open.length === 0 ? undefined : fail(n, expectedIn(state, open));
    const c = text[i]!;
    // A container closed right after it opened, or after a value in it.
    if ((c === ']' && (state === 'value-or-]' || (state === 'after' && open.at(-1) === false))) || (c === '}' && (state === 'key-or-}' || (state === 'after' && open.at(-1) === true)))) {
      open.pop();
      i++;
      state = 'after';
      continue;
    }
    switch (state) {
      case 'value':
      case 'value-or-]':
        if (c === '{' || c === '[') {
          open.push(c === '{');
          i++;
          state = c === '{' ? 'key-or-}' : 'value-or-]';
        } else if (c === '"') {
          const end = stringEnd(text, i);
          if (end < 0) return fail(-end - 1, STRING_REST);
          i = end;
          state = 'after';
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          if (!NUMBER.test(text)) return fail(i + 1, 'a digit');
          i = NUMBER.lastIndex;
          state = 'after';
        } else {
          const literal = LITERALS.find((l) => text.startsWith(l, i));
          if (literal === undefined) return fail(i, expectedIn(state, open));
          i += literal.length;
          state = 'after';
        }
        break;
      case 'key':
      case 'key-or-}': {
        if (c !== '"') return fail(i, expectedIn(state, open));
        const end = stringEnd(text, i);
        if (end < 0) return fail(-end - 1, STRING_REST);
        i = end;
        state = ':';
        break;
      }
      case ':':
        if (c !== ':') return fail(i, expectedIn(state, open));
        i++;
        state = 'value';
        break;
      case 'after':
        if (open.length === 0 || c !== ',') return fail(i, expectedIn(state, open));
        i++;
        state = open.at(-1) ? 'key' : 'value';
        break;
    }
  }
}

function expectedIn(state: State, open: readonly boolean[]): string {
  switch (state) {
    case 'value':
      return VALUE;
    case 'value-or-]':
      return `${VALUE} or "]"`;
    case 'key':
      return 'a property name in double quotes';
    case 'key-or-}':
      return 'a property name in double quotes or "}"';
    case ':':
      return '":" after the property name';
    case 'after':
      return open.length === 0 ? 'the end of the file (the JSON value is complete)' : open.at(-1) ? '"," or "}"' : '"," or "]"';
  }
}

/**
 * The offset after the string starting at text[at] (a '"'), or -(offset of the fault) - 1 (a
 * control character, a bad escape, or -text.length - 1 when the text ends inside the string).
 */
export function stringEnd(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    STRING_STOP.lastIndex = i;
    if (!STRING_STOP.test(text)) return -text.length - 1;
    const k = STRING_STOP.lastIndex - 1;
    const c = text[k];
    if (c === '"') return k + 1;
    if (c !== '\\') return -k - 1; // a control character: it must be escaped
    ESCAPE.lastIndex = k;
    if (!ESCAPE.test(text)) return -(k + 1) - 1;
    i = ESCAPE.lastIndex;
  }
}
