// Keeps the relay from using up the org's daily API allocation, which it shares with every
// other integration and with the org's own users. Each answer's Sforce-Limit-Info says how
// much of the rolling 24-hour allocation is used. Past `slowAt` the relay spreads what is left
// (minus a reserve it never touches) evenly over a day, and because calls wait in the outbox
// meanwhile, each of those fewer requests carries a fuller batch; at the reserve it stops and
// looks again after a pause.
import type { ApiUsage } from './client.ts';

export type ApiBudgetOptions = {
  /** Share of the daily allocation to leave for others. */
  reserve?: number;
  /** Share of the allocation used beyond which requests are paced. */
  slowAt?: number;
  /** How long to stop once only the reserve is left, before a request finds out whether usage fell. */
  pauseMs?: number;
};

const DAY_MS = 24 * 60 * 60_000;

export class ApiBudget {
  private readonly reserve: number;
  private readonly slowAt: number;
  private readonly pauseMs: number;
  private nextRequestAt = 0;

  constructor(options: ApiBudgetOptions = {}) {
    this.reserve = options.reserve ?? 0.1;
    this.slowAt = options.slowAt ?? 0.8;
    this.pauseMs = options.pauseMs ?? 15 * 60_000;
  }

  /** Called after each request with the usage the org reported. */
  observe(usage: ApiUsage | null, now: number): void {
    if (!usage || usage.limit <= 0) return;
    const ceiling = usage.limit * (1 - this.reserve);
    let next = now;
    if (usage.used >= ceiling) next = now + this.pauseMs;
    else if (usage.used >= usage.limit * this.slowAt) next = now + Math.ceil(DAY_MS / (ceiling - usage.used));
    // A pause the org asked for (REQUEST_LIMIT_EXCEEDED, Retry-After) is never shortened.
    this.nextRequestAt = Math.max(this.nextRequestAt, next);
  }

  /** The org refused for a while (REQUEST_LIMIT_EXCEEDED, 503 with Retry-After). */
  pause(ms: number, now: number): void {
    this.nextRequestAt = Math.max(this.nextRequestAt, now + ms);
  }

  /** How long until the next request may go out; 0 when it may go now. */
  waitMs(now: number): number {
    return Math.max(0, this.nextRequestAt - now);
  }
}
