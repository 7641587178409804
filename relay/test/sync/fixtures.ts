// Finalised calls as the outbox hands them to sinks, for sink and policy tests.
import { CallSnapshot } from '../../src/sync/snapshot.ts';

export function snapshot(overrides: Partial<CallSnapshot> = {}): CallSnapshot {
  return CallSnapshot.parse({
    eventType: 'call_completed',
    callId: 'CA00000000000000000000000000000001',
    provider: 'twilio',
    agentId: 'front-desk',
    direction: 'inbound',
    from: '+14155550123',
    to: '+14155550199',
    startedAt: '2026-03-02T15:04:05.000Z',
    endedAt: '2026-03-02T15:07:17.000Z',
    durationSeconds: 192,
    consent: true,
    insights: {
      callerName: 'Dana Whitfield',
      callerNameConfidence: 0.9134,
      callerEmail: 'dana@example.com',
      intent: 'book_appointment',
      intentConfidence: 0.88,
      disposition: 'appointment_booked',
      dispositionConfidence: 0.91,
      summary: { asked: 'A cleaning next week.', said: 'Booked Tuesday at 10.', nextStep: 'Send a reminder.' },
      nextAction: 'Send a reminder text on Monday',
      nextActionDue: '2026-03-09T09:00:00Z',
      tags: ['new_caller', 'insurance'],
      pipelineStage: 'appointment_set',
      appointmentTime: '2026-03-10T10:00:00-08:00',
      qualificationNotes: 'Has dental insurance through work.',
    },
    analysisSource: 'llm',
    redactionConfidence: 0.97,
    transcript: [
      { speaker: 'agent', text: 'Thanks for calling, how can I help?', startMs: 0 },
      { speaker: 'caller', text: 'I would like a cleaning\nnext week.', startMs: 2100 },
    ],
    transcriptUrl: 'https://relay.example.com/calls/CA1/transcript?sig=abc',
    recordingUrl: 'https://api.twilio.com/recordings/RE1',
    ...overrides,
  });
}

/** `count` distinct calls; call ids are CA + a zero-padded index so tests can read them back. */
export function snapshots(count: number, overrides: Partial<CallSnapshot> = {}): CallSnapshot[] {
  return Array.from({ length: count }, (_, i) => snapshot({ callId: `CA${String(i).padStart(32, '0')}`, ...overrides }));
}
