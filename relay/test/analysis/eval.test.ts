// A regression floor on the labelled sets: the offline analyser and the redactor must not get
// worse than this without someone noticing. `npm run eval` prints the full figures.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createOfflineAnalyser } from '../../src/analysis/analyser.ts';
import { evaluateAnalyser, evaluateRedaction, loadCalls, loadUtterances } from '../../eval/evaluate.ts';

it('keeps strict redaction F2 at 0.9 or more and offline intent accuracy at 0.75 or more', async () => {
  const utterances = loadUtterances();
  const calls = loadCalls();
  assert.ok(utterances.length >= 60 && calls.length >= 40, 'the labelled sets are complete');
  const redaction = evaluateRedaction(utterances);
  assert.ok(redaction.strict.overall.f2 >= 0.9, `strict redaction F2 ${redaction.strict.overall.f2}: ${redaction.misses.join('; ')}`);
  const offline = await evaluateAnalyser(createOfflineAnalyser(), calls);
  assert.ok(offline.intentAccuracy >= 0.75, `offline intent accuracy ${offline.intentAccuracy}: ${offline.misses.join('; ')}`);
});
