// Intent and outcome from the offline analyser on calls phrased the way no cue was written for:
// the word model has to carry them, and outcomes have to follow what was actually offered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intentWords, loadDispositionModel, loadIntentModel, posterior } from '../../src/analysis/offline/bayes.ts';
import { classifyDisposition, classifyIntent } from '../../src/analysis/offline/classify.ts';
import type { Direction, Turn } from '../../src/calls/model.ts';
import { Disposition, Intent } from '../../src/taxonomy.ts';

const call = (lines: string): Turn[] =>
  lines
    .trim()
    .split('\n')
    .map((line) => ({ speaker: line.startsWith('A:') ? 'agent' : 'caller', text: line.slice(2).trim(), startMs: null }));

describe('offline intent and outcome', () => {
  it('has word models that know every intent and outcome and give a probability for each', () => {
    assert.deepEqual([...loadIntentModel().labels].sort(), [...Intent.options].sort());
    assert.deepEqual([...loadDispositionModel().labels].sort(), [...Disposition.options].sort());
    const p = posterior(loadIntentModel(), intentWords(call('C: hi my card got charged twice for the same visit'), 'inbound'));
    const total = [...p.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
    assert.equal([...p].sort((a, b) => b[1] - a[1])[0]![0], 'billing_question');
  });

  it('reads the need from the words when no cue names it', () => {
    const turns = call(`
A: Harbor Marina, how can I help?
C: hey my boat's bilge pump has been running nonstop since the storm and i'm worried it's taking on water
A: I'll have the dock manager check on it and call you back within the hour.`);
    assert.notEqual(classifyIntent(turns, null, 'inbound', null).value, 'support_request', 'no cue names this problem');
    assert.equal(classifyIntent(turns, null, 'inbound').value, 'support_request');
  });

  const outcome = (lines: string, direction: Direction = 'inbound') => {
    const turns = call(lines);
    return classifyDisposition(turns, classifyIntent(turns, null, direction), null, direction).value;
  };

  it('hears "no, we\'re good" as turning down an offer only when something was offered', () => {
    const reminder = `
A: Hi, this is the assistant from Riverside Pediatrics calling to let you know the clinic is closed Monday for the holiday. Anything you need before then?
C: no we're good thanks
A: Have a nice weekend.`;
    assert.equal(outcome(reminder, 'outbound'), 'resolved');
    const offer = `
A: Hi, this is the assistant from Evergreen Lawn Care. We're running spring aeration specials in your area, would you like us to add you to the route?
C: no we do our own lawn, thanks though
A: No problem, have a good day.`;
    assert.equal(outcome(offer, 'outbound'), 'not_interested');
  });

  it('tells a call cut off from one the agent closed after a short answer', () => {
    assert.equal(outcome(`
A: Reliable Plumbing, how can I help?
C: hi yeah our water heater is making this
A: Sorry, you cut out there, can you repeat that?
A: Hello? It looks like we lost the call.`), 'abandoned');
    assert.equal(outcome(`
A: Hi, this is Lakeview Dental confirming your cleaning tomorrow at ten. Will you be able to make it?
C: yes i'll be there
A: Great, thank you.`, 'outbound'), 'resolved');
  });
});
