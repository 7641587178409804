// Group commit for webhooks: events that arrive while a write is in flight are stored together,
// as one intake row in the next transaction, so each webhook is acknowledged only once it is
// durable, without paying one commit (or one row) per request.
import { IngestError, type IngestEvent } from '../ingest/event.ts';
import type { CallStore } from './store.ts';

type Waiting = { event: string; resolve: () => void; reject: (error: unknown) => void };

export class Intake {
  private readonly store: CallStore;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private queue: Waiting[] = [];
  private writers = 0;
  /** performance.now() of the last stored batch: background work yields while webhooks are arriving. */
  lastWriteAt = 0;

  /** concurrency: transactions in flight at once; 1 for PGlite, a few for a PostgreSQL pool. */
  constructor(store: CallStore, options: { concurrency: number; maxBatch?: number }) {
    this.store = store;
    this.concurrency = options.concurrency;
    this.maxBatch = options.maxBatch ?? 256;
  }

  submit(event: IngestEvent): Promise<void> {
    // Serialised here, alone, before the event joins a batch: an event that cannot be (a value too
    // deep for the stack) is refused on its own and never fails the others' commit.
    let serialised: string;
    try {
      serialised = JSON.stringify(event);
    } catch (error) {
      return Promise.reject(new IngestError(400, `invalid event: it cannot be stored (${(error as Error).message})`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ event: serialised, resolve, reject });
      // Start writing after the current I/O phase, so every webhook read in it shares the
      // transaction. (PGlite runs a query synchronously: a write started at once would hold the
      // thread while the other requests wait unread, and every batch would be one event.)
      if (this.writers < this.concurrency) {
        this.writers += 1;
        setImmediate(() => void this.write());
      }
    });
  }

  private async write(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.store.receiveSerialised(batch.map((w) => w.event));
          this.lastWriteAt = performance.now();
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writers -= 1;
    }
  }
}
