import type { FrameScheduler } from '../../renderer/src/model/frame-scheduler';

/** A FrameScheduler the test drives by hand: run() fires the requested frames, pending counts them. */
export function manualFrames(): FrameScheduler & { run(): void; readonly pending: number } {
  let queue: Array<() => void> = [];
  return {
    request(fn) {
      queue.push(fn);
      return () => {
        queue = queue.filter((f) => f !== fn);
      };
    },
    run() {
      const q = queue;
      queue = [];
      for (const f of q) f();
    },
    get pending() {
      return queue.length;
    },
  };
}
