// Redaction and analysis stay linear in the text and off the event loop. Times are compared as
// a ratio on the same machine in the same run (a 200 KB turn against a 20 KB one), never
// against a fixed number of milliseconds; `npm run bench` publishes the absolute figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOfflineAnalyser } from '../../src/analysis/analyser.ts';
import { redactText } from '../../src/analysis/redact.ts';

/**
 * Speech-to-text with every kind of finding, and runs of the inputs that made the old patterns
 * quadratic: one long word (the written-email pattern), fillers and names (the cue search),
 * titles, street words, digits and spelled letters.
 */
const PIECES = [
  "yeah hi this is maria gonzalez, my number is five five five one two three four five six seven and my email is maria dot g at gmail dot com. ",
  'I live at 1420 Elm Street, Springfield, IL 62704. Thanks, Tom. Dr. Smith said um, uh, J-O-N-E-S, it is under Marcus Wells. ',
  'a'.repeat(400) + ' ',
  'um, '.repeat(60),
  'Maria '.repeat(60),
  'Dr. '.repeat(60),
  'St '.repeat(60),
  '1 '.repeat(100),
  'J-'.repeat(100) + ' ',
  'x@'.repeat(100) + ' ',
];

function text(kilobytes: number): string {
  let out = '';
  for (let i = 0; out.length < kilobytes * 1024; i++) out += PIECES[i % PIECES.length];
  return out;
}

/** The least CPU time of a few runs: the machine's other work only ever adds. */
function cpuMs(run: () => void, times = 3): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('redaction cost', () => {
  it('redacts a 200 KB turn in time proportional to a 20 KB turn', () => {
    const small = text(20);
    const large = text(200);
    redactText(small);
    const ratio = cpuMs(() => redactText(large)) / cpuMs(() => redactText(small));
    // Linear is 10; a quadratic step anywhere makes it 100.
    assert.ok(ratio < 25, `200 KB took ${ratio.toFixed(1)} times as long as 20 KB`);
  });
});

describe('analysis thread', () => {
  it('leaves the event loop free while a long call is analysed', async () => {
    const analyser = createOfflineAnalyser();
    const turns = Array.from({ length: 2000 }, (_, i) => ({ speaker: i % 2 ? ('agent' as const) : ('caller' as const), text: PIECES[i % 2]!, startMs: null }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const result = await analyser.analyse({ callId: 'CAlong', agentId: null, direction: 'inbound', from: null, to: null, startedAt: '2026-11-17T15:00:00.000Z', transcript: turns, vendor: null });
    clearInterval(timer);
    // On the main thread the analysis would run to the end before any timer could fire.
    assert.ok(ticks > 1, `timers fired ${ticks} times while the call was analysed`);
    assert.ok(result.redactedTranscript.every((t) => !/gonzalez|gmail|1420/i.test(t.text)), 'the long call is redacted');
  });
});
