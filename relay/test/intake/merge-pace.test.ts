// The projector's pace while webhooks arrive: a burst is merged at the slow pace, a sustained
// overload speeds merging up a step per second, and the pace falls back once batches run short.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MergePace } from '../../src/calls/merge-pace.ts';

describe('merge pace', () => {
  it('merges small batches while webhooks arrive and large ones when they stop', () => {
    const pace = new MergePace();
    assert.equal(pace.size(true), 16);
    assert.equal(pace.size(false), 500);
  });

  it('keeps the 20 ms pause through a burst shorter than a second', () => {
    const pace = new MergePace();
    for (let t = 0; t < 1000; t += 20) assert.equal(pace.merged(true, 16, 16, t), 20);
  });

  it('halves the pause for each second batches keep coming back full, down to 2 ms', () => {
    const pace = new MergePace();
    const pauses: number[] = [];
    let t = 0;
    for (let second = 0; second < 6; second++) {
      const end = t + 1000;
      let pause = 20;
      while (t < end) {
        pause = pace.merged(true, 16, 16, t);
        t += pause;
      }
      pauses.push(pause);
    }
    // The pause in use at the end of each second: it halves as each full second completes.
    assert.deepEqual(pauses, [20, 10, 5, 2.5, 2, 2]);
  });

  it('doubles the pause back, up to 20 ms, as soon as a batch comes back short', () => {
    const pace = new MergePace();
    for (let t = 0; t <= 3000; t += 5) pace.merged(true, 16, 16, t);
    assert.equal(pace.merged(true, 16, 16, 3001), 2.5);
    assert.equal(pace.merged(true, 16, 9, 3002), 5);
    assert.equal(pace.merged(true, 16, 16, 3003), 5, 'a full batch after a short one starts a new second');
    assert.equal(pace.merged(true, 16, 0, 3004), 10);
    assert.equal(pace.merged(true, 16, 0, 3005), 20);
    assert.equal(pace.merged(true, 16, 0, 3006), 20);
  });

  it('starts over once webhooks stop: a later burst begins at the slow pace', () => {
    const pace = new MergePace();
    for (let t = 0; t <= 2000; t += 5) pace.merged(true, 16, 16, t);
    assert.equal(pace.merged(true, 16, 16, 2001), 5);
    pace.merged(false, 500, 500, 2100);
    assert.equal(pace.merged(true, 16, 16, 60_000), 20, 'full batches a minute apart are not a second of them');
    assert.equal(pace.merged(true, 16, 16, 60_500), 20);
  });
});
