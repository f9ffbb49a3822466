import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Open file descriptors of this process, and how many of them are sockets (Linux /proc). */
export function openDescriptors(): { fds: number; sockets: number } {
  let fds = 0;
  let sockets = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      fds++;
      if (target.startsWith('socket:')) sockets++;
    } catch {
      // the directory's own fd, closed by the time it is read
    }
  }
  return { fds, sockets };
}

/**
 * Polls until the fd and socket counts are back at (or below) `baseline`, for at
 * most `ms`; returns the last counts so the caller asserts on them.
 */
export async function settleToBaseline(baseline: { fds: number; sockets: number }, ms = 10_000): Promise<{ fds: number; sockets: number }> {
  const until = Date.now() + ms;
  let now = openDescriptors();
  while ((now.fds > baseline.fds || now.sockets > baseline.sockets) && Date.now() < until) {
    await sleep(100);
    now = openDescriptors();
  }
  return now;
}
