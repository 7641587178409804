// The analysis thread's side: it runs redaction and the offline analyser, which read a whole
// transcript at once, so the relay's event loop (webhooks, health checks, the API) never waits
// for them. analysis-thread.ts is the other side.
import { parentPort } from 'node:worker_threads';
import { offlineAnalysis } from './offline-analyser.ts';
import { loadWordModels } from './offline/classify.ts';
import { redaction, redactText } from './redact.ts';
import type { Job } from './analysis-thread.ts';

function run(job: Job): unknown {
  switch (job.kind) {
    case 'offline':
      return offlineAnalysis(job.input, job.handOnRedacted);
    case 'redact':
      return redaction(job.turns);
    case 'redactText':
      return redactText(job.text).text;
    case 'warm':
      // The word lists and models are read at start, not during the first call.
      redactText('warm up');
      loadWordModels();
      return null;
  }
}

parentPort!.on('message', (message: { id: number; job: Job }) => {
  try {
    parentPort!.postMessage({ id: message.id, value: run(message.job) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
