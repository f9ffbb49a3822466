/**
 * Gatehouse's managed block in a hosts file, as pure text transforms: one
 * line per configured host (IPv4 and IPv6 loopback) between marker comments.
 * Adding then removing gives back the original bytes.
 */

export const HOSTS_BEGIN = '# BEGIN gatehouse — managed by `gatehouse dns setup --hosts`; `gatehouse dns teardown` removes it';
/** Marks a block before which Gatehouse had to add a line break (the file did not end with one). */
export const HOSTS_BEGIN_AFTER_ADDED_NEWLINE = `${HOSTS_BEGIN} (line break added above)`;
export const HOSTS_END = '# END gatehouse';

export interface HostsEntries {
  /** Host names that can go in a hosts file. */
  names: string[];
  /** Wildcard hosts, which a hosts file cannot express. */
  wildcards: string[];
}

/** Splits route hosts into hosts-file names and wildcards, lower-cased, de-duplicated, sorted. */
export function hostsEntries(hosts: readonly string[]): HostsEntries {
  const names = new Set<string>();
  const wildcards = new Set<string>();
  for (const raw of hosts) {
    const h = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!h) continue;
    (h.includes('*') ? wildcards : names).add(h);
  }
  return { names: [...names].sort(), wildcards: [...wildcards].sort() };
}

function blockLines(names: readonly string[], begin: string): string[] {
  return [begin, ...names.flatMap((n) => [`127.0.0.1\t${n}`, `::1\t${n}`]), HOSTS_END];
}

interface Located {
  start: number;
  end: number;
  addedNewline: boolean;
}

/** Finds the managed block (from its BEGIN line to the end of its END line, including the newline). */
function locate(content: string): Located | undefined {
  const lines = content.split('\n');
  let offset = 0;
  let start = -1;
  let addedNewline = false;
  for (const line of lines) {
    const lineEnd = offset + line.length;
    const text = line.replace(/\r$/, '');
    if (start < 0 && (text === HOSTS_BEGIN || text === HOSTS_BEGIN_AFTER_ADDED_NEWLINE)) {
      start = offset;
      addedNewline = text === HOSTS_BEGIN_AFTER_ADDED_NEWLINE;
    } else if (start >= 0 && text === HOSTS_END) {
      return { start, end: Math.min(lineEnd + 1, content.length), addedNewline };
    }
    offset = lineEnd + 1;
  }
  return undefined;
}

export function hasHostsBlock(content: string): boolean {
  return locate(content) !== undefined;
}

/** The names currently listed in the managed block. */
export function namesInHostsBlock(content: string): string[] {
  const at = locate(content);
  if (!at) return [];
  const names = new Set<string>();
  for (const line of content.slice(at.start, at.end).split('\n')) {
    const m = /^127\.0\.0\.1\s+(\S+)/.exec(line);
    if (m) names.add(m[1]!);
  }
  return [...names];
}

/** The content without Gatehouse's block — exactly the bytes before it was added. */
export function withoutHostsBlock(content: string): string {
  const at = locate(content);
  if (!at) return content;
  const before = content.slice(0, at.start);
  const after = content.slice(at.end);
  if (at.addedNewline && before.endsWith('\n') && after === '') return before.slice(0, -1);
  return before + after;
}

/** The content with the block listing exactly these names (replacing an existing block in place). */
export function withHostsBlock(content: string, names: readonly string[]): string {
  const at = locate(content);
  if (at) {
    const begin = at.addedNewline ? HOSTS_BEGIN_AFTER_ADDED_NEWLINE : HOSTS_BEGIN;
    return content.slice(0, at.start) + blockLines(names, begin).join('\n') + '\n' + content.slice(at.end);
  }
  const needsNewline = content.length > 0 && !content.endsWith('\n');
  const begin = needsNewline ? HOSTS_BEGIN_AFTER_ADDED_NEWLINE : HOSTS_BEGIN;
  return content + (needsNewline ? '\n' : '') + blockLines(names, begin).join('\n') + '\n';
}
