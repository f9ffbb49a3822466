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
