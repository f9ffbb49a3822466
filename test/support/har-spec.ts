/**
 * A validator for the REQUIRED fields and types of HAR 1.2
 * (http://www.softwareishard.com/blog/har-12-spec/), written from the spec.
 * Returns every problem found as "path: problem".
 */
type Obj = Record<string, unknown>;

const ISO_8601 = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

export function validateHar12(har: unknown): string[] {
  const errors: string[] = [];
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const need = (o: Obj, key: string, type: 'string' | 'number' | 'object' | 'array' | 'boolean', path: string): boolean => {
    const v = o[key];
    const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? isObj(v) : typeof v === type && (type !== 'number' || Number.isFinite(v));
    if (!ok) errors.push(`${path}.${key}: required ${type}, got ${v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40)}`);
    return ok;
  };
  const nameValues = (list: unknown, path: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((nv, i) => {
      if (!isObj(nv)) return void errors.push(`${path}[${i}]: not an object`);
      need(nv, 'name', 'string', `${path}[${i}]`);
      need(nv, 'value', 'string', `${path}[${i}]`);
    });
  };
  if (!isObj(har) || !need(har, 'log', 'object', 'har')) return errors;
  const log = har.log as Obj;
  if (need(log, 'version', 'string', 'log') && log.version !== '1.2') errors.push(`log.version: expected "1.2", got ${String(log.version)}`);
  if (need(log, 'creator', 'object', 'log')) {
    need(log.creator as Obj, 'name', 'string', 'log.creator');
    need(log.creator as Obj, 'version', 'string', 'log.creator');
  }
  if (log.pages !== undefined && need(log, 'pages', 'array', 'log')) {
    (log.pages as unknown[]).forEach((p, i) => {
      const path = `log.pages[${i}]`;
      if (!isObj(p)) return void errors.push(`${path}: not an object`);
      need(p, 'startedDateTime', 'string', path);
      need(p, 'id', 'string', path);
      need(p, 'title', 'string', path);
      need(p, 'pageTimings', 'object', path);
    });
  }
  if (!need(log, 'entries', 'array', 'log')) return errors;
  (log.entries as unknown[]).forEach((e, i) => {
    const path = `log.entries[${i}]`;
    if (!isObj(e)) return void errors.push(`${path}: not an object`);
    if (need(e, 'startedDateTime', 'string', path) && !ISO_8601.test(e.startedDateTime as string)) {
      errors.push(`${path}.startedDateTime: not ISO 8601: ${String(e.startedDateTime)}`);
    }
    need(e, 'time', 'number', path);
    need(e, 'cache', 'object', path);
    if (need(e, 'request', 'object', path)) {
      const r = e.request as Obj;
      const p = `${path}.request`;
      need(r, 'method', 'string', p);
      if (need(r, 'url', 'string', p) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(r.url as string)) errors.push(`${p}.url: not absolute`);
      need(r, 'httpVersion', 'string', p);
      need(r, 'cookies', 'array', p);
      if (Array.isArray(r.cookies)) nameValues(r.cookies, `${p}.cookies`);
      need(r, 'headers', 'array', p);
      nameValues(r.headers, `${p}.headers`);
      need(r, 'queryString', 'array', p);
      nameValues(r.queryString, `${p}.queryString`);
      need(r, 'headersSize', 'number', p);
      need(r, 'bodySize', 'number', p);
      if (r.postData !== undefined && need(r, 'postData', 'object', p)) {
        const pd = r.postData as Obj;
        need(pd, 'mimeType', 'string', `${p}.postData`);
        if (pd.text === undefined && pd.params === undefined) errors.push(`${p}.postData: needs text or params`);
        if (pd.text !== undefined) need(pd, 'text', 'string', `${p}.postData`);
      }
    }
    if (need(e, 'response', 'object', path)) {
      const r = e.response as Obj;
      const p = `${path}.response`;
      need(r, 'status', 'number', p);
      need(r, 'statusText', 'string', p);
      need(r, 'httpVersion', 'string', p);
      need(r, 'cookies', 'array', p);
      if (Array.isArray(r.cookies)) nameValues(r.cookies, `${p}.cookies`);
      need(r, 'headers', 'array', p);
      nameValues(r.headers, `${p}.headers`);
      if (need(r, 'content', 'object', p)) {
        const c = r.content as Obj;
        need(c, 'size', 'number', `${p}.content`);
        need(c, 'mimeType', 'string', `${p}.content`);
        if (c.text !== undefined) need(c, 'text', 'string', `${p}.content`);
        if (c.encoding !== undefined) need(c, 'encoding', 'string', `${p}.content`);
      }
      need(r, 'redirectURL', 'string', p);
      need(r, 'headersSize', 'number', p);
      need(r, 'bodySize', 'number', p);
    }
    if (need(e, 'timings', 'object', path)) {
      const t = e.timings as Obj;
      const p = `${path}.timings`;
      for (const k of ['send', 'wait', 'receive']) {
        if (need(t, k, 'number', p) && (t[k] as number) < 0) errors.push(`${p}.${k}: must not be negative`);
      }
      for (const k of ['blocked', 'dns', 'connect', 'ssl']) {
        if (t[k] !== undefined && (typeof t[k] !== 'number' || ((t[k] as number) < 0 && t[k] !== -1))) errors.push(`${p}.${k}: must be -1 or a non-negative number`);
      }
      if (typeof e.time === 'number') {
        const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']
          .map((k) => (typeof t[k] === 'number' && (t[k] as number) > 0 ? (t[k] as number) : 0))
          .reduce((a, b) => a + b, 0);
        if (Math.abs(sum - e.time) > 0.01) errors.push(`${path}.time: ${e.time} is not the sum of the timings (${sum})`);
      }
    }
  });
  return errors;
}
