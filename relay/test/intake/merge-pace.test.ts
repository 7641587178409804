// The projector's pace while webhooks arrive: a burst is merged at the slow pace, a sustained
// overload speeds merging up a step per second, and the pace falls back once the backlog is gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MergePace } from '../../src/calls/merge-pace.ts';

describe('merge pace', () => {
  it('merges small batches while webhooks arrive and large ones when they stop', () => {
    const pace = new MergePace();
    assert.equal(pace.size(true), 16);
    assert.equal(pace.size(false), 500);
  });

  it('keeps the 40 ms pause through a burst shorter than a second', () => {
    const pace = new MergePace();
    for (let t = 0; t < 1000; t += 40) assert.equal(pace.merged(true, true, t), 40);
  });

  it('halves the pause for each second merges keep leaving events waiting, down to 2 ms', () => {
    const pace = new MergePace();
    const pauses: number[] = [];
    let t = 0;
    for (let second = 0; second < 6; second++) {
      const end = t + 1000;
      let pause = 40;
      while (t < end) {
        pause = pace.merged(true, true, t);
        t += pause;
      }
      pauses.push(pause);
    }
    // The pause in use at the end of each second: it halves as each full second completes.
    assert.deepEqual(pauses, [40, 20, 10, 5, 2.5, 2]);
  });

  it('doubles the pause back, up to 40 ms, as soon as a merge leaves nothing waiting', () => {
    const pace = new MergePace();
    for (let t = 0; t <= 3000; t += 5) pace.merged(true, true, t);
    assert.equal(pace.merged(true, true, 3001), 5);
    assert.equal(pace.merged(true, false, 3002), 10);
    assert.equal(pace.merged(true, true, 3003), 10, 'a backlog after none starts a new second');
    assert.equal(pace.merged(true, false, 3004), 20);
    assert.equal(pace.merged(true, false, 3005), 40);
    assert.equal(pace.merged(true, false, 3006), 40);
  });

  it('starts over once webhooks stop: a later burst begins at the slow pace', () => {
    const pace = new MergePace();
    for (let t = 0; t <= 2000; t += 5) pace.merged(true, true, t);
    assert.equal(pace.merged(true, true, 2001), 10);
    pace.merged(false, true, 2100);
    assert.equal(pace.merged(true, true, 60_000), 40, 'backlogs a minute apart are not a second of them');
    assert.equal(pace.merged(true, true, 60_500), 40);
  });
});
