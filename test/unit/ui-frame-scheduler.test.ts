import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { throttledScheduler, type SchedulerClock } from '../../renderer/src/model/frame-scheduler';
import { manualFrames } from '../support/manual-frames';

function manualClock(): SchedulerClock & { advance(ms: number): void; timers(): number } {
  let now = 1000;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout(h) {
      timers = timers.filter((t) => t !== h);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
    timers: () => timers.length,
  };
}

test('throttledScheduler: the first request after a quiet spell runs on the next frame', () => {
  const frames = manualFrames();
  const clock = manualClock();
  const s = throttledScheduler(frames, 250, clock);
  let runs = 0;
  s.request(() => runs++);
  assert.equal(clock.timers(), 0, 'no waiting after a quiet spell');
  assert.equal(frames.pending, 1);
  frames.run();
  assert.equal(runs, 1);
});

test('throttledScheduler: while requests keep coming, runs are at least the interval apart', () => {
  const frames = manualFrames();
  const clock = manualClock();
  const s = throttledScheduler(frames, 250, clock);
  const ranAt: number[] = [];
  s.request(() => ranAt.push(clock.now()));
  frames.run();
  // A request 16 ms later waits for the interval, then for a frame.
  clock.advance(16);
  s.request(() => ranAt.push(clock.now()));
  assert.equal(frames.pending, 0, 'not on the very next frame');
  clock.advance(200);
  assert.equal(frames.pending, 0, 'still inside the interval');
  clock.advance(34);
  assert.equal(frames.pending, 1, 'a frame is requested once the interval has passed');
  frames.run();
  assert.deepEqual(ranAt, [1000, 1250]);
  // Long after, the next request is immediate again.
  clock.advance(1000);
  s.request(() => ranAt.push(clock.now()));
  frames.run();
  assert.deepEqual(ranAt, [1000, 1250, 2250]);
});

test('throttledScheduler: cancelling stops a waiting or frame-queued run', () => {
  const frames = manualFrames();
  const clock = manualClock();
  const s = throttledScheduler(frames, 250, clock);
  let runs = 0;
  s.request(() => runs++)();
  frames.run();
  assert.equal(runs, 0, 'cancelled while waiting for its frame');
  s.request(() => runs++);
  frames.run();
  assert.equal(runs, 1);
  clock.advance(10);
  const cancel = s.request(() => runs++);
  assert.equal(clock.timers(), 1);
  cancel();
  assert.equal(clock.timers(), 0, 'the interval timer is cleared');
  clock.advance(1000);
  frames.run();
  assert.equal(runs, 1);
});
