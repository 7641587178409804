// A short-lived cache of CRM answers, keyed by caller key (never the number). A lookup that
// arrives while the same question is in flight shares it, and an answer that comes after its
// lookup's budget ran out still lands here, so the caller's next lookup (the agent's mid-call
// tool call, a call back a minute later) has it at once. Failures are not kept.
export class AnswerCache<T> {
  private readonly entries = new Map<string, { expires: number; value: Promise<T> }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(ttlSeconds: number, maxEntries = 10_000) {
    this.ttlMs = ttlSeconds * 1000;
    this.maxEntries = maxEntries;
  }

  get(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return entry.value;
    const value = load();
    if (this.ttlMs <= 0) return value;
    this.entries.delete(key);
    this.entries.set(key, { expires: now + this.ttlMs, value });
    // Oldest first out: Map keeps insertion order.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
