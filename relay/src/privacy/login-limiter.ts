// Sign-in slow-down. Failed attempts are counted per (client address, user name) pair and per
// client address; past a few free failures each further one makes that pair (or address) wait
// twice as long as the last before its next attempt, up to maxDelayMs. A user name alone is never
// counted: anyone can type the operator's name, and a count on it alone would let them lock the
// operator out from anywhere. While a wait runs, an attempt is refused even with the right password
// (otherwise the limit would still let a guesser learn when they hit). Memory stays bounded: at
// most maxEntries counters, the oldest dropped first.
export type LimiterOptions = {
  /** Failures of one user name from one address before the waits begin. */
  freePerPair: number;
  /** Failures from one address, whatever the user names, before the waits begin. */
  freePerAddress: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A counter is forgotten this long after its last failure. */
  forgetAfterMs: number;
  maxEntries: number;
};

const DEFAULTS: LimiterOptions = { freePerPair: 5, freePerAddress: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000, maxEntries: 10_000 };

type Counter = { failures: number; lastAt: number };

/** What a failure did: the wait it started (0 while still free), and for which key. */
export type Slowed = { waitSeconds: number; by: 'address and user name' | 'address' | null; failures: number };

export class LoginLimiter {
  private readonly options: LimiterOptions;
  // A Map iterates in insertion order, which makes the oldest entry cheap to find.
  private readonly counters = new Map<string, Counter>();

  constructor(options: Partial<LimiterOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfterSeconds(ip: string, user: string, now = Date.now()): number {
    const waits = [this.waitLeft(pairKey(ip, user), this.options.freePerPair, now), this.waitLeft(`ip:${ip}`, this.options.freePerAddress, now)];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  recordFailure(ip: string, user: string, now = Date.now()): Slowed {
    const pair = this.bump(pairKey(ip, user), now);
    const address = this.bump(`ip:${ip}`, now);
    const pairWait = this.delay(pair.failures, this.options.freePerPair);
    const addressWait = this.delay(address.failures, this.options.freePerAddress);
    const wait = Math.max(pairWait, addressWait);
    return {
      waitSeconds: Math.ceil(wait / 1000),
      by: wait === 0 ? null : pairWait >= addressWait ? 'address and user name' : 'address',
      failures: pairWait >= addressWait ? pair.failures : address.failures,
    };
  }

  /** A successful sign-in clears its pair's count; the address keeps its count until forgotten. */
  recordSuccess(ip: string, user: string): void {
    this.counters.delete(pairKey(ip, user));
  }

  get size(): number {
    return this.counters.size;
  }

  private delay(failures: number, free: number): number {
    if (failures < free) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(30, failures - free));
  }

  private waitLeft(key: string, free: number, now: number): number {
    const counter = this.counters.get(key);
    if (!counter || now - counter.lastAt >= this.options.forgetAfterMs) return 0;
    return Math.max(0, counter.lastAt + this.delay(counter.failures, free) - now);
  }

  private bump(key: string, now: number): Counter {
    let counter = this.counters.get(key);
    if (!counter || now - counter.lastAt >= this.options.forgetAfterMs) {
      counter = { failures: 0, lastAt: now };
    }
    // Re-inserted so the Map's order stays oldest-touched first.
    this.counters.delete(key);
    while (this.counters.size >= this.options.maxEntries) this.counters.delete(this.counters.keys().next().value!);
    this.counters.set(key, counter);
    counter.failures += 1;
    counter.lastAt = now;
    return counter;
  }
}

const pairKey = (ip: string, user: string) => `pair:${ip}\n${user.toLowerCase()}`;
