// How the projector paces its merges of acknowledged events into their calls.
//
// While webhooks are arriving it merges a small batch at a time, with a pause between: on PGlite
// a merge holds the thread the acknowledgements need (each costs a dozen statements whatever its
// size, so the pause is long), and a burst's backlog is merged as soon as the burst is over. A
// call waits its grace window (20 s by default) before finalisation, so tens of milliseconds
// more before its events are merged cost it nothing. Under a sustained rate above what that pace
// keeps up with (16 events per 40 ms, about 400 a second), every merge would leave events waiting
// and calls would wait for finalisation for as long as the rate lasts. So once merges have left
// events waiting for a second on end, the pause is halved (down to 2 ms), and again after each
// further second; a merge that leaves nothing waiting doubles it back. The batch stays small, so an acknowledgement still
// waits behind at most one short merge; the relay spends more of its time merging only while
// there is more to merge.
const BUSY_SIZE = 16;
const IDLE_SIZE = 500;
const SLOWEST_MS = 40;
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
   * Records whether the last merge left events waiting and returns the pause before the next
   * while webhooks are arriving. Once they stop, the backlog is merged in large batches and the pace starts over.
   */
  merged(busy: boolean, more: boolean, now = performance.now()): number {
    if (!busy) {
      this.pause = SLOWEST_MS;
      this.fullSince = null;
    } else if (!more) {
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
