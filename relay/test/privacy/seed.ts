// Builds stored calls for the data-protection tests the way the relay does: webhook events
// through the call store, then what finalisation writes (analysis, outbox deliveries), all
// through the at-rest cipher registered on the store.
import type { Insights } from '../../src/analysis/insights.ts';
import type { CallStore } from '../../src/calls/store.ts';
import type { Turn } from '../../src/calls/model.ts';
import { atRest } from '../../src/privacy/at-rest.ts';
import type { Db } from '../../src/store/db.ts';
import { Outbox } from '../../src/sync/outbox.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';

export const SECRET_WORDS = 'Rosalind Quayle asked about the Pemberton invoice';

export function insightsFor(name: string): Insights {
  return {
    callerName: name,
    callerNameConfidence: 0.92,
    callerEmail: `${name.split(' ')[0]!.toLowerCase()}@example.com`,
    intent: 'billing_question',
    intentConfidence: 0.9,
    disposition: 'resolved',
    dispositionConfidence: 0.8,
    summary: { asked: `${name} asked about an invoice.`, said: 'The agent explained the charge.', nextStep: 'None' },
    nextAction: null,
    nextActionDue: null,
    tags: [],
    pipelineStage: null,
    appointmentTime: null,
    qualificationNotes: null,
  };
}

export type Seeded = { callId: string; turns: Turn[] };

export async function seedCall(
  db: Db,
  store: CallStore,
  options: { callId: string; agentId?: string; from?: string; words?: string; endedDaysAgo?: number; sinks?: ('dry-run' | 'hubspot' | 'salesforce')[]; delivered?: boolean; insights?: Insights },
): Promise<Seeded> {
  const words = options.words ?? SECRET_WORDS;
  const turns: Turn[] = [
    { speaker: 'agent', text: 'Thanks for calling, how can I help?', startMs: 0 },
    { speaker: 'caller', text: words, startMs: 2500 },
  ];
  const ended = new Date(Date.now() - (options.endedDaysAgo ?? 0) * 86_400_000);
  const started = new Date(ended.getTime() - 60_000);
  await store.record([
    {
      callId: options.callId,
      provider: 'generic',
      event: 'status:completed',
      sequence: '1',
      call: {
        agentId: options.agentId ?? 'front-desk',
        from: options.from ?? '+15615550192',
        to: '+18005550199',
        status: 'completed',
        startedAt: started.toISOString(),
        endedAt: ended.toISOString(),
        durationSeconds: 60,
        recordingUrl: `https://recordings.example.com/${options.callId}.mp3`,
        transcriptDone: true,
        recordingDone: true,
      },
      transcript: turns,
      vendor: { summary: `Vendor summary: ${words}`, data: {} },
    },
    { callId: options.callId, provider: 'generic', event: 'transcript:content', sequence: '2', call: {}, turn: { speaker: 'caller', text: words, startMs: 2500, order: 2 } },
  ]);
  const insights = options.insights ?? insightsFor('Rosalind Quayle');
  const result = { source: 'offline', insights, redaction: { counts: { phone: 1 }, confidence: 0.9 }, redactedTranscript: turns };
  const snapshot: CallSnapshot = {
    eventType: 'call_completed',
    callId: options.callId,
    provider: 'generic',
    agentId: options.agentId ?? 'front-desk',
    direction: 'inbound',
    from: options.from ?? '+15615550192',
    to: '+18005550199',
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    durationSeconds: 60,
    consent: true,
    insights,
    analysisSource: 'offline',
    redactionConfidence: 0.9,
    transcript: turns,
    transcriptUrl: `https://relay.example.com/t/token-${options.callId}`,
    recordingUrl: `https://recordings.example.com/${options.callId}.mp3`,
  };
  await db.tx(async (sql) => {
    await sql.query(`update calls set stage = 'analysed', analysis = $2 where id = $1`, [options.callId, JSON.stringify(atRest(db).analysis(result))]);
    await Outbox.enqueue(sql, snapshot, options.sinks ?? ['dry-run'], ended, atRest(db));
    if (options.delivered) await sql.query(`update deliveries set status = 'delivered', delivered_at = now() where call_id = $1`, [options.callId]);
  });
  return { callId: options.callId, turns };
}
