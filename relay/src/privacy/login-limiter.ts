// Sign-in rate limit: failed attempts counted per client address and per user name in a fixed
// window; over the limit, sign-in is refused until the window ends, even with the right password
// (otherwise the limit would still let a guesser learn when they hit). Memory stays bounded: at
// most maxEntries counters, the oldest dropped first.
export type LimiterOptions = { perIp: number; perUser: number; windowMs: number; maxEntries: number };

const DEFAULTS: LimiterOptions = { perIp: 20, perUser: 5, windowMs: 15 * 60_000, maxEntries: 10_000 };

type Counter = { failures: number; resetAt: number };

export class LoginLimiter {
  private readonly options: LimiterOptions;
  // A Map iterates in insertion order, which makes the oldest entry cheap to find.
  private readonly counters = new Map<string, Counter>();

  constructor(options: Partial<LimiterOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfterSeconds(ip: string, user: string, now = Date.now()): number {
    const waits = [this.blockedFor(`ip:${ip}`, this.options.perIp, now), this.blockedFor(`user:${user.toLowerCase()}`, this.options.perUser, now)];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  recordFailure(ip: string, user: string, now = Date.now()): void {
    this.bump(`ip:${ip}`, now);
    this.bump(`user:${user.toLowerCase()}`, now);
  }

  /** A successful sign-in clears the user's count; the address keeps its count until the window ends. */
  recordSuccess(user: string): void {
    this.counters.delete(`user:${user.toLowerCase()}`);
  }

  get size(): number {
    return this.counters.size;
  }

  private blockedFor(key: string, limit: number, now: number): number {
    const counter = this.counters.get(key);
    if (!counter || counter.resetAt <= now) return 0;
    return counter.failures >= limit ? counter.resetAt - now : 0;
  }

  private bump(key: string, now: number): void {
    let counter = this.counters.get(key);
    if (!counter || counter.resetAt <= now) {
      this.counters.delete(key);
      counter = { failures: 0, resetAt: now + this.options.windowMs };
      while (this.counters.size >= this.options.maxEntries) this.counters.delete(this.counters.keys().next().value!);
      this.counters.set(key, counter);
    }
    counter.failures += 1;
  }
}
