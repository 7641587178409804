// Keeps one HubSpot portal's requests under its limits: the rolling 10-second burst limit, the
// daily limit, and the search API's own per-second limit. It waits for a free slot when the
// wait is short and throws HubSpotPaused when it is long, so the outbox reschedules the work
// instead of holding a worker. A 429 from HubSpot pauses the whole portal: Retry-After when the
// server gives one; an hour when the daily limit is spent, because HubSpot resets it at midnight
// in the portal's own time zone, which the relay does not know, so it probes hourly.
export type LimiterOptions = {
  /** Requests allowed per rolling 10 seconds (HubSpot: 100 or 190 depending on the plan). */
  perTenSeconds: number;
  /** Requests allowed per day (HubSpot: 250,000 or more depending on the plan). */
  perDay: number;
  /** Search requests allowed per second (HubSpot: 5 per second per token). */
  searchPerSecond: number;
  /** Share of each limit the relay allows itself, leaving room for other integrations. */
  headroom: number;
  /** Waits longer than this become HubSpotPaused instead of a sleep. */
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The budget shared with other relays through the store (PostgreSQL); this relay's own otherwise. */
  shared?: SharedLimits;
};

/** The limits one request must fit in, already reduced by the headroom. */
export type Budget = { perTenSeconds: number; perDay: number; searchPerSecond: number; windowMs: number; searchWindowMs: number };

/** A budget kept outside the process: reserve() records the request or says how long to wait. */
export interface SharedLimits {
  reserve(kind: { search: boolean }, budget: Budget): Promise<{ waitMs: number; reason: string }>;
  pause(ms: number, reason: string): Promise<void>;
}

export const defaultLimiterOptions: LimiterOptions = {
  perTenSeconds: 100,
  perDay: 250_000,
  searchPerSecond: 5,
  headroom: 0.9,
  maxWaitMs: 15_000,
};

// HubSpot counts requests when they arrive, the limiter when they leave; a little slack on
// each window keeps transit jitter from squeezing one more into HubSpot's than intended.
const TEN_SECONDS = 10_250;
const SECOND = 1_100;
const DAY = 86_400_000;
const DAILY_PROBE_MS = 3_600_000;

export class HubSpotPaused extends Error {
  readonly retryAfterMs: number;
  constructor(reason: string, retryAfterMs: number) {
    super(`HubSpot paused: ${reason}; resuming in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.retryAfterMs = retryAfterMs;
  }
}

export class PortalLimiter {
  private readonly options: LimiterOptions;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly recent: number[] = [];
  private readonly recentSearches: number[] = [];
  private dayStart: number;
  private dayCount = 0;
  private pausedUntil = 0;
  private pauseReason = '';
  private peak = 0;
  /** Serialises slot taking so concurrent callers never overshoot a window together. */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: Partial<LimiterOptions> = {}) {
    this.options = { ...defaultLimiterOptions, ...options };
    this.now = this.options.now ?? Date.now;
    this.sleep = this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.dayStart = this.now();
  }

  /** Most requests sent in any rolling 10 seconds so far. */
  get peakPerTenSeconds(): number {
    return this.peak;
  }

  get tenSecondBudget(): number {
    return Math.max(1, Math.floor(this.options.perTenSeconds * this.options.headroom));
  }

  /**
   * Waits for a slot (or throws HubSpotPaused), then counts the request as sent. With a budget
   * (the card endpoint, which a person is waiting on), the request does not queue behind the
   * sink's: it takes a slot within the budget or gives up at once.
   */
  acquire(kind: { search: boolean }, budget?: { maxWaitMs: number }): Promise<void> {
    if (budget) return this.take(kind, budget.maxWaitMs);
    const turn = this.queue.then(() => this.take(kind));
    this.queue = turn.catch(() => {});
    return turn;
  }

  /** How long until a request could go out now; the outbox claims no work meanwhile. */
  pausedForMs(): number {
    return Math.max(0, this.waitMs({ search: false }));
  }

  /** HubSpot answered 429: nobody sends to this portal until the pause ends, on any relay. */
  pause(ms: number, reason: string): void {
    // A pause that cannot be shared still holds this relay back; the next 429 shares it again.
    void this.options.shared?.pause(ms, reason).catch(() => {});
    const until = this.now() + ms;
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauseReason = reason;
    }
  }

  pauseForDailyLimit(retryAfterMs: number | undefined): void {
    this.pause(retryAfterMs ?? DAILY_PROBE_MS, 'daily limit reached');
  }

  private async take(kind: { search: boolean }, maxWaitMs = this.options.maxWaitMs): Promise<void> {
    for (;;) {
      const wait = this.waitMs(kind);
      if (wait <= 0) break;
      if (wait > maxWaitMs) throw new HubSpotPaused(this.pauseReason || 'rate limit budget spent', wait);
      await this.sleep(wait);
    }
    for (let shared = await this.reserveShared(kind); shared.waitMs > 0; shared = await this.reserveShared(kind)) {
      if (shared.waitMs > maxWaitMs) throw new HubSpotPaused(shared.reason, shared.waitMs);
      await this.sleep(shared.waitMs);
    }
    const now = this.now();
    this.recent.push(now);
    if (kind.search) this.recentSearches.push(now);
    this.dayCount += 1;
    this.peak = Math.max(this.peak, this.recent.length);
  }

  private async reserveShared(kind: { search: boolean }): Promise<{ waitMs: number; reason: string }> {
    if (!this.options.shared) return { waitMs: 0, reason: '' };
    return this.options.shared.reserve(kind, {
      perTenSeconds: this.tenSecondBudget,
      perDay: Math.floor(this.options.perDay * this.options.headroom),
      searchPerSecond: Math.max(1, Math.floor(this.options.searchPerSecond * this.options.headroom)),
      windowMs: TEN_SECONDS,
      searchWindowMs: SECOND,
    });
  }

  private waitMs(kind: { search: boolean }): number {
    const now = this.now();
    if (now - this.dayStart >= DAY) {
      this.dayStart = now;
      this.dayCount = 0;
    }
    prune(this.recent, now - TEN_SECONDS);
    prune(this.recentSearches, now - SECOND);
    let wait = this.pausedUntil - now;
    if (this.dayCount >= Math.floor(this.options.perDay * this.options.headroom)) {
      this.pauseReason = 'daily budget spent';
      wait = Math.max(wait, this.dayStart + DAY - now);
    }
    if (this.recent.length >= this.tenSecondBudget) {
      wait = Math.max(wait, (this.recent[0] ?? now) + TEN_SECONDS - now);
    }
    const searchBudget = Math.max(1, Math.floor(this.options.searchPerSecond * this.options.headroom));
    if (kind.search && this.recentSearches.length >= searchBudget) {
      wait = Math.max(wait, (this.recentSearches[0] ?? now) + SECOND - now);
    }
    return wait;
  }
}

function prune(times: number[], before: number): void {
  while (times.length > 0 && (times[0] ?? 0) <= before) times.shift();
}
