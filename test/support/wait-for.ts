import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `cond` every 10 ms until it holds; fails the test after `ms` (generous: CI machines are busy). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}
