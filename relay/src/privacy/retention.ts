// Retention: transcript text and recording references are purged a configurable number of days
// (retention.transcriptDays, default 90) after the call ended; the call's metadata (times,
// duration, intent, disposition, delivery log) is kept for reporting. A call is measured from
// its end, or from when the relay first saw it if it never ended.
export type RetentionCandidate = { endedAt: Date | null; createdAt: Date; stage: string; purgedAt: Date | null };

const DAY_MS = 86_400_000;

export function retentionCutoff(now: Date, transcriptDays: number): Date {
  return new Date(now.getTime() - transcriptDays * DAY_MS);
}

/** Deleted calls hold nothing left to purge; purged ones are done. */
export function purgeDue(call: RetentionCandidate, cutoff: Date): boolean {
  if (call.stage === 'deleted' || call.purgedAt !== null) return false;
  return (call.endedAt ?? call.createdAt).getTime() < cutoff.getTime();
}
