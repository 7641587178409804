// How the projector paces its merges of stored events into their calls.
//
// While webhooks are arriving it merges a small batch at a time, with a pause between: on PGlite
// a merge holds the thread the acknowledgements need, and a burst's backlog is merged as soon as
// the burst is over. Under a sustained rate above what that pace keeps up with (16 events per
// 20 ms, about 800 a second), every batch would come back full and calls would wait for
// finalisation for as long as the rate lasts. So once batches have come back full for a second
// on end, the pause is halved (down to 2 ms), and again after each further second; a batch that
// comes back short of full doubles it back. The batch stays small, so an acknowledgement still
// waits behind at most one short merge; the relay spends more of its time merging only while
// there is more to merge.
const BUSY_SIZE = 16;
const IDLE_SIZE = 500;
const SLOWEST_MS = 20;
const FASTEST_MS = 2;
const FULL_FOR_MS = 1000;

export class MergePace {
  private pause = SLOWEST_MS;
  private fullSince: number | null = null;

  /** The batch to merge next: small while webhooks are arriving, large when they are not. */
  size(busy: boolean): number {
    return busy ? BUSY_SIZE : IDLE_SIZE;
  }

  /**
   * Records what the last merge found and returns the pause before the next while webhooks are
   * arriving. Once they stop, the backlog is merged in large batches and the pace starts over.
   */
  merged(busy: boolean, size: number, count: number, now = performance.now()): number {
    if (!busy) {
      this.pause = SLOWEST_MS;
      this.fullSince = null;
    } else if (count < size) {
      this.fullSince = null;
      this.pause = Math.min(SLOWEST_MS, this.pause * 2);
    } else if (this.fullSince === null) {
      this.fullSince = now;
    } else if (now - this.fullSince >= FULL_FOR_MS) {
      this.fullSince = now;
      this.pause = Math.max(FASTEST_MS, this.pause / 2);
    }
    return this.pause;
  }
}
