// A background loop: runs a step again at once while it finds work, otherwise sleeps until the
// interval passes or someone calls wake(). Errors are logged and the loop goes on.
import type { Logger } from 'pino';

/** A step returns how much it did; `{ sleepMs }` asks for a specific pause (a batching window). */
export type StepResult = number | { sleepMs: number };

export class Loop {
  private readonly name: string;
  private readonly step: () => Promise<StepResult>;
  private readonly intervalMs: number;
  private readonly log: Logger;
  private running = false;
  private wakeUp: (() => void) | null = null;
  private done: Promise<void> = Promise.resolve();

  constructor(name: string, step: () => Promise<StepResult>, intervalMs: number, log: Logger) {
    this.name = name;
    this.step = step;
    this.intervalMs = intervalMs;
    this.log = log;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause = this.intervalMs;
      try {
        const result = await this.step();
        if (typeof result === 'number' && result > 0) continue;
        if (typeof result === 'object') pause = Math.max(1, Math.min(result.sleepMs, this.intervalMs * 10));
      } catch (error) {
        this.log.error({ loop: this.name, err: error }, 'background step failed');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}
