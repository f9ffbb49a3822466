/**
 * Runs a callback on the next animation frame — or after a short timeout when
 * frames do not come (a hidden tab or window), so queued work still drains.
 */
export interface FrameScheduler {
  /** Schedules fn once; returns a cancel function. */
  request(fn: () => void): () => void;
}

export function animationFrameScheduler(fallbackMs = 250): FrameScheduler {
  return {
    request(fn) {
      let done = false;
      const run = () => {
        if (done) return;
        done = true;
        cancelAnimationFrame(raf);
        clearTimeout(timer);
        fn();
      };
      const raf = requestAnimationFrame(run);
      const timer = setTimeout(run, fallbackMs);
      return () => {
        done = true;
        cancelAnimationFrame(raf);
        clearTimeout(timer);
      };
    },
  };
}

export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserClock: SchedulerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * At most one run per `minIntervalMs`: a request right after a quiet spell
 * goes to the next frame, but while work keeps coming (thousands of exchanges
 * a second) runs are spaced out, so the list re-lays out a few times a second
 * instead of on every frame — more often than anyone can read it, and the
 * frames in between stay free for scrolling and input.
 */
export function throttledScheduler(inner: FrameScheduler, minIntervalMs: number, clock: SchedulerClock = browserClock): FrameScheduler {
  let lastRun = -Infinity;
  return {
    request(fn) {
      let cancelInner: (() => void) | null = null;
      let timer: unknown = null;
      let cancelled = false;
      const run = () => {
        cancelInner = inner.request(() => {
          if (cancelled) return;
          lastRun = clock.now();
          fn();
        });
      };
      const wait = lastRun + minIntervalMs - clock.now();
      if (wait > 0) {
        timer = clock.setTimeout(() => {
          timer = null;
          if (!cancelled) run();
        }, wait);
      } else run();
      return () => {
        cancelled = true;
        if (timer !== null) clock.clearTimeout(timer);
        cancelInner?.();
      };
    },
  };
}
