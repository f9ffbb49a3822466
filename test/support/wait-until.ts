/** Polls `check` until it returns a value other than undefined/false; bounded in tries and time. */
export async function waitUntil<T>(check: () => T | undefined | false, what: string, opts: { tries?: number; intervalMs?: number } = {}): Promise<T> {
  const tries = opts.tries ?? 300;
  const interval = opts.intervalMs ?? 10;
  for (let i = 0; i < tries; i++) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what}`);
}
