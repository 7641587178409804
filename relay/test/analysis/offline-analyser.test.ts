// The offline analyser on calls written here: who called, why, how it ended, what next, and
// confidences that are probabilities on every result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOfflineAnalyser, type AnalysisInput } from '../../src/analysis/analyser.ts';
import { Insights } from '../../src/analysis/insights.ts';
import { resolveWhen } from '../../src/analysis/offline/dates.ts';
import type { Turn } from '../../src/calls/model.ts';

// Tuesday 17 November 2026, 15:00 UTC.
const STARTED = '2026-11-17T15:00:00.000Z';

function input(lines: string, extra: Partial<AnalysisInput> = {}): AnalysisInput {
  const transcript: Turn[] = lines
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [who, ...rest] = line.split(': ');
      return { speaker: who!.trim() === 'A' ? 'agent' : 'caller', text: rest.join(': '), startMs: null };
    });
  return { callId: 'CA1', agentId: null, direction: 'inbound', from: null, to: null, startedAt: STARTED, transcript, vendor: null, ...extra };
}

const analyse = (call: AnalysisInput) => createOfflineAnalyser().analyse(call);

function assertHonest(insights: Insights) {
  Insights.parse(insights);
  for (const value of [insights.callerNameConfidence, insights.intentConfidence, insights.dispositionConfidence]) assert.ok(value >= 0 && value <= 1, `confidence ${value} is a probability`);
}

describe('offline analyser', () => {
  it('reads a booking: caller, email, intent, outcome, appointment time and summary', async () => {
    const result = await analyse(
      input(`
A: Thanks for calling Bright Smile Dental. How can I help?
C: Hi, um, it's Maria Gonzalez. I'd like to book a cleaning, I'm a new patient.
A: Happy to help. I have tomorrow at 3 or Friday at 10.
C: Tomorrow at three works.
A: You're all set for tomorrow at 3 pm. What email should the forms go to?
C: maria dot g at gmail dot com.
A: Thanks Maria, see you tomorrow.
`),
    );
    const { insights } = result;
    assertHonest(insights);
    assert.equal(result.source, 'offline');
    assert.equal(insights.callerName, 'Maria Gonzalez');
    assert.equal(insights.callerEmail, 'maria.g@gmail.com');
    assert.equal(insights.intent, 'book_appointment');
    assert.equal(insights.disposition, 'appointment_booked');
    assert.equal(insights.appointmentTime, '2026-11-18T15:00:00.000Z', '"tomorrow at 3" from a Tuesday-afternoon call');
    assert.equal(insights.pipelineStage, 'appointment_set');
    assert.ok(insights.tags.includes('new_caller'));
    assert.match(insights.summary.asked, /^Book appointment: ".*book a cleaning/);
    assert.match(insights.summary.said, /^Appointment booked\. Agent: "You're all set for tomorrow at 3 pm\."/);
    assert.match(insights.summary.nextStep, /Maria Gonzalez's appointment on Wed, Nov 18 3:00 PM/);
    assert.ok(!result.redactedTranscript.some((t) => /Maria|gmail/.test(t.text)), 'the transcript handed on is redacted');
  });

  it('reads a support call that ends in a promised callback, with a due date from "tomorrow after 1"', async () => {
    const { insights } = await analyse(
      input(`
A: Northside Heating, how can I help?
C: I'm not calling about my bill. Our furnace stopped working and there's no heat.
A: I'm sorry. Our technician is out; can someone call you back tomorrow?
C: Yes, tomorrow after 1 please. Name's Derek Olsen, my cell is 612 555 0198.
A: Got it Derek, the technician will call you back tomorrow after 1 pm.
`,
        { from: '+14155550100' },
      ),
    );
    assertHonest(insights);
    assert.equal(insights.intent, 'support_request', 'the negated bill mention does not count');
    assert.equal(insights.disposition, 'callback_requested');
    assert.equal(insights.callerName, 'Derek Olsen');
    assert.equal(insights.nextAction, 'Call Derek Olsen back on +16125550198', 'the number given, not the one called from');
    assert.equal(insights.nextActionDue, '2026-11-18T13:00:00.000Z');
    assert.ok(insights.tags.includes('callback'));
    assert.ok(insights.tags.includes('emergency'), '"no heat" is an emergency for a heating company');
  });

  it('recognises a robocall and a wrong number from the whole conversation', async () => {
    const spam = await analyse(
      input(`
A: Lakeside Veterinary, how can I help?
C: This is an important message about your vehicle's extended warranty. Press one to speak to a specialist.
`),
    );
    assert.equal(spam.insights.intent, 'spam');
    assert.equal(spam.insights.disposition, 'spam');
    assert.equal(spam.insights.pipelineStage, null);

    const wrong = await analyse(
      input(`
A: Harbor Dentistry, how can I help?
C: Oh, is this not Tony's Pizza?
A: No, this is a dental office.
C: Sorry, wrong number.
`),
    );
    assert.equal(wrong.insights.intent, 'wrong_number');
    assert.equal(wrong.insights.disposition, 'wrong_number');
  });

  it('weights the end of the call for the outcome: a transfer after a complaint', async () => {
    const { insights } = await analyse(
      input(`
A: Summit Fitness, how can I help?
C: You keep charging me after I cancelled. This is ridiculous, I want to speak to a manager.
A: I'm sorry. I'm going to connect you with our membership manager right now.
`),
    );
    assert.equal(insights.intent, 'complaint');
    assert.equal(insights.disposition, 'transferred');
  });

  it('still produces valid insights for a call with no speech', async () => {
    const result = await analyse(input(''));
    assertHonest(result.insights);
    assert.equal(result.insights.disposition, 'abandoned');
    assert.ok(result.insights.intentConfidence <= 0.3);
    assert.equal(result.insights.callerName, null);
    assert.deepEqual(result.redactedTranscript, []);
    assert.deepEqual(result.redaction.counts, {});

    const voicemail = await analyse(input('A: You have reached the voicemail of Summit Physical Therapy. Please leave a message after the tone.'));
    assert.equal(voicemail.insights.disposition, 'voicemail');
  });

  it("uses the voice platform's own summary as extra evidence", async () => {
    const call = input('C: Hi, yeah.\nA: Okay, one moment.\nC: Sure.');
    const without = await analyse(call);
    const withVendor = await analyse({ ...call, vendor: { summary: 'Caller wanted to reschedule their appointment to next week.', data: {} } });
    assert.notEqual(without.insights.intent, 'reschedule_appointment');
    assert.equal(withVendor.insights.intent, 'reschedule_appointment');
  });

  it('hands on the original transcript when redaction in transcripts is off', async () => {
    const call = input("C: It's Maria Gonzalez, my number is 415 555 0134.");
    const result = await createOfflineAnalyser({ file: { redaction: { beforeInference: true, inTranscript: false } } } as never).analyse(call);
    assert.equal(result.redactedTranscript[0]!.text, call.transcript[0]!.text);
    assert.equal(result.redaction.counts.phone, 1);
  });
});

describe('relative dates', () => {
  const tuesday = new Date(STARTED);
  const at = (text: string) => resolveWhen(text, tuesday)?.iso ?? null;

  it('resolves days and times against the call start', () => {
    assert.equal(at('tomorrow at 3'), '2026-11-18T15:00:00.000Z');
    assert.equal(at('Friday at 10:30 a.m.'), '2026-11-20T10:30:00.000Z');
    assert.equal(at('next Friday at noon'), '2026-11-27T12:00:00.000Z', 'said on a Tuesday, "next Friday" is the one after this week');
    assert.equal(at('sometime next week'), '2026-11-23T09:00:00.000Z');
    assert.equal(at('December 3rd at two thirty'), '2026-12-03T14:30:00.000Z');
    assert.equal(at('in two days'), '2026-11-19T09:00:00.000Z');
    assert.equal(at('no date at all'), null);
    assert.equal(at('someone will call you back today'), '2026-11-17T17:00:00.000Z', 'today, by the end of the working day');
  });
});

describe('due dates said in words', () => {
  const reference = new Date(STARTED);
  it('counts "within fifteen minutes" from the call and reads "by end of day tomorrow" as tomorrow at five', () => {
    assert.equal(resolveWhen('someone will call you back within fifteen minutes', reference)?.iso, '2026-11-17T15:15:00.000Z');
    assert.equal(resolveWhen("we'll get back to you by end of day tomorrow", reference)?.iso, '2026-11-18T17:00:00.000Z');
  });
});

describe('summary', () => {
  it('quotes what was said without fillers or stutters, and what was agreed rather than a question', async () => {
    const { insights } = await analyse(
      input(`
A: Thanks for calling Cedar Plumbing. How can I help?
C: Um, hi, yeah, I I need to, uh, book a plumber for a a leaking sink, like, this week.
A: Sure. Would Thursday at 10 work for you?
C: Yes, Thursday works.
A: Great, you're all set for Thursday at 10 am. Is there anything else?
`),
    );
    assert.doesNotMatch(insights.summary.asked, /\b(um|uh)\b|\bI I\b|\ba a\b/i, insights.summary.asked);
    assert.doesNotMatch(insights.summary.said, /\?"/, insights.summary.said);
  });
});
