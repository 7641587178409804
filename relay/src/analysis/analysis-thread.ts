// Redaction and offline analysis in a worker thread. They are linear in the text, but a long
// call is still tens of milliseconds of work, and a megabyte of transcript far more: on the
// main thread that would hold every webhook acknowledgement and health check behind it. The
// main thread only posts the transcript and awaits the answer. One thread serves the process;
// it is started on first use, does not keep the process alive, and is started again if it dies.
import { Worker } from 'node:worker_threads';
import type { Turn } from '../calls/model.ts';
import type { AnalysisInput, AnalysisResult } from './analyser.ts';
import type { Redaction } from './redact.ts';

export type Job =
  | { kind: 'offline'; input: AnalysisInput; handOnRedacted: boolean }
  | { kind: 'redact'; turns: Turn[] }
  | { kind: 'redactText'; text: string }
  | { kind: 'warm' };

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

export class AnalysisThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  offline(input: AnalysisInput, handOnRedacted: boolean): Promise<AnalysisResult> {
    return this.post({ kind: 'offline', input, handOnRedacted }) as Promise<AnalysisResult>;
  }

  redact(turns: Turn[]): Promise<Redaction> {
    return this.post({ kind: 'redact', turns }) as Promise<Redaction>;
  }

  redactText(text: string): Promise<string> {
    return this.post({ kind: 'redactText', text }) as Promise<string>;
  }

  /** Starts the thread and has it read its word lists now rather than during the first call. */
  warm(): void {
    this.post({ kind: 'warm' }, false).catch(() => {
      // A thread that failed to start is started again by the next call, which then reports why.
    });
  }

  /** \`hold\`: keep the process alive until the answer comes (warming up does not). */
  private post(job: Job, hold = true): Promise<unknown> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (hold) worker.ref();
      worker.postMessage({ id, job });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./analysis-worker.ts', import.meta.url));
    // Nothing in flight: the thread does not hold the process open.
    worker.unref();
    worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.error !== undefined) pending.reject(new Error(`analysis failed: ${message.error}`));
      else pending.resolve(message.value);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(new Error(`the analysis thread stopped: ${error.message}`));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

let shared: AnalysisThread | undefined;

/** The process's one analysis thread. */
export function analysisThread(): AnalysisThread {
  return (shared ??= new AnalysisThread());
}
