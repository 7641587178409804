// Finalisation: once a call's grace window has passed, assemble its transcript, analyse it, and
// in one transaction mark it analysed and write its outbox deliveries. A crash anywhere before
// that commit leaves the call `completed`, and its lease is released when its holder is seen dead
// (store/leases.ts) or runs out, so it is finalised again.
import type { Logger } from 'pino';
import type { Analyser, AnalysisResult } from '../analysis/analyser.ts';
import type { Config } from '../config.ts';
import { isSafeUrl } from '../ingest/limits.ts';
import { describeError, isTransient } from './quarantine.ts';
import type { Metrics } from '../metrics.ts';
import { atRest } from '../privacy/at-rest.ts';
import { consentFor } from '../privacy/consent.ts';
import { forgetCallText } from '../privacy/forget.ts';
import type { Db } from '../store/db.ts';
import { Outbox } from '../sync/outbox.ts';
import type { SinkName } from '../sync/sink.ts';
import type { CallSnapshot } from '../sync/snapshot.ts';
import type { CallRow, CallStore } from './store.ts';
import type { CallerKeys } from '../context/caller-key.ts';
import { callerKeyFor, setCallerKey } from '../context/index-callers.ts';

export type FinaliserDeps = {
  db: Db;
  store: CallStore;
  analyser: Analyser;
  /** Used when the configured analyser keeps failing, so a model outage never holds calls back. */
  fallbackAnalyser: Analyser;
  config: Config;
  sinks: SinkName[];
  transcriptUrl: (callId: string) => string | null;
  metrics: Metrics;
  log: Logger;
  onEnqueued: () => void;
  /** This instance's lease key (store/leases.ts). */
  leaseOwner?: number;
  /** Keys each analysed call by its caller's number, so caller context finds it (context/). */
  callerKeys?: CallerKeys;
};

const LEASE_SECONDS = 300;
const ATTEMPTS_BEFORE_FALLBACK = 3;
/** A call whose finalisation still fails with the offline analyser fails for a reason of its own. */
export const ATTEMPTS_BEFORE_QUARANTINE = ATTEMPTS_BEFORE_FALLBACK + 1;

export class Finaliser {
  private readonly deps: FinaliserDeps;

  constructor(deps: FinaliserDeps) {
    this.deps = deps;
  }

  async runOnce(limit = 8): Promise<number> {
    const due = await this.deps.store.claimDue(limit, LEASE_SECONDS, this.deps.leaseOwner ?? null);
    await Promise.all(due.map((call) => this.finalise(call)));
    return due.length;
  }

  /** Whether the call may keep and send text: agents that require consent need it recorded. */
  consentGiven(call: CallRow): boolean {
    return consentFor(this.deps.config.file, call.agent_id, call.consent).keepText;
  }

  private async finalise(call: CallRow): Promise<void> {
    const { store, db, log } = this.deps;
    try {
      const consent = this.consentGiven(call);
      const { turns, vendor } = await store.transcript(call.id, call.started_at);
      const input = {
        callId: call.id,
        agentId: call.agent_id,
        direction: call.direction,
        from: call.from_number,
        to: call.to_number,
        startedAt: call.started_at?.toISOString() ?? null,
        transcript: consent ? turns : [],
        vendor: consent ? vendor : null,
      };
      const analyser = call.finalise_attempts > ATTEMPTS_BEFORE_FALLBACK ? this.deps.fallbackAnalyser : this.deps.analyser;
      const result = await analyser.analyse(input);
      const snapshot = this.snapshot(call, result, consent);
      const finalised = await db.tx(async (sql) => {
        const updated = await sql.query(
          `update calls set stage = 'analysed', analysis = $2, lease_until = null, last_error = null, updated_at = now()
           where id = $1 and stage = 'completed' returning id`,
          [call.id, JSON.stringify(atRest(db).analysis(result))],
        );
        if (updated.length === 0) return false;
        if (this.deps.callerKeys) await setCallerKey(sql, call.id, callerKeyFor(this.deps.callerKeys, call));
        if (!consent) {
          // Without required consent no transcript, platform summary or recording is kept, only metadata.
          await forgetCallText(sql, [call.id]);
        }
        await Outbox.enqueue(sql, snapshot, this.deps.sinks, call.ended_at, atRest(db));
        await sql.query('insert into call_history (call_id, stage, detail) values ($1, $2, $3)', [
          call.id,
          'analysed',
          `analysed (${result.source}${consent ? '' : ', no consent: metadata only'}); queued for ${this.deps.sinks.join(', ')}`,
        ]);
        return true;
      });
      if (finalised) {
        this.deps.metrics.callsFinalised.inc();
        this.deps.onEnqueued();
      }
    } catch (error) {
      const message = describeError(error);
      // A failure of the database passes by itself; one that keeps coming back with the offline
      // analyser is the call's own, and the call is set aside so it is never retried ahead of others.
      if (!isTransient(error) && call.finalise_attempts >= ATTEMPTS_BEFORE_QUARANTINE) {
        log.error({ callId: call.id, attempt: call.finalise_attempts, err: error }, 'finalisation failed again; call quarantined');
        await store.quarantineCall(call.id, call.provider, message);
        this.deps.metrics.quarantinedTotal.labels('call').inc();
        return;
      }
      log.warn({ callId: call.id, attempt: call.finalise_attempts, err: error }, 'finalisation failed; will retry');
      await store.retryLater(call.id, message, Math.min(300, 2 ** call.finalise_attempts));
    }
  }

  private snapshot(call: CallRow, result: AnalysisResult, consent: boolean): CallSnapshot {
    const started = call.started_at?.getTime();
    const ended = call.ended_at?.getTime();
    const duration = call.duration_seconds ?? (started && ended ? Math.round((ended - started) / 1000) : 0);
    const hasText = consent && result.redactedTranscript.length > 0;
    return {
      eventType: 'call_completed',
      callId: call.id,
      provider: call.provider as CallSnapshot['provider'],
      agentId: call.agent_id,
      direction: call.direction,
      from: call.from_number,
      to: call.to_number,
      startedAt: call.started_at?.toISOString() ?? null,
      endedAt: call.ended_at?.toISOString() ?? null,
      durationSeconds: Math.max(0, duration),
      consent,
      insights: result.insights,
      analysisSource: result.source,
      redactionConfidence: result.redaction.confidence,
      transcript: hasText ? result.redactedTranscript : null,
      transcriptUrl: hasText ? this.deps.transcriptUrl(call.id) : null,
      // Only an https link goes to a CRM (one stored before links were checked may be anything).
      recordingUrl: consent && isSafeUrl(call.recording_url) ? call.recording_url : null,
    };
  }
}
