// The suppression list is the security review document itself: a suppression is applied only
// with its reason, and only to the rule and file it names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySuppressions, parseSuppressions } from '../security-review.ts';

const doc = [
  '# Security review',
  '## Suppressed findings',
  '| Rule | File | Why it is not a vulnerability |',
  '|---|---|---|',
  '| `ApexCRUDViolation` | `force-app/main/default/classes/A.cls` | system mode: a subscriber process |',
  '## Other',
  '| not | a | suppression |',
].join('\n');

test('reads the rule, file and reason of each suppression, and nothing outside its section', () => {
  assert.deepEqual(parseSuppressions(doc), [
    { rule: 'ApexCRUDViolation', file: 'force-app/main/default/classes/A.cls', reason: 'system mode: a subscriber process' },
  ]);
});

test('a suppression without a reason is refused', () => {
  assert.throws(() => parseSuppressions(doc.replace('system mode: a subscriber process', '')), /reason/);
});

test('a suppression covers its rule in its file only', () => {
  const findings = [
    { rule: 'ApexCRUDViolation', file: 'force-app/main/default/classes/A.cls', line: 3, severity: 2, message: '' },
    { rule: 'ApexCRUDViolation', file: 'force-app/main/default/classes/B.cls', line: 4, severity: 2, message: '' },
  ];
  const { kept, suppressed, unused } = applySuppressions(findings, parseSuppressions(doc));
  assert.equal(suppressed.length, 1);
  assert.equal(kept[0]!.file, 'force-app/main/default/classes/B.cls');
  assert.deepEqual(unused, []);
});

test('the committed document parses', () => {
  assert.ok(Array.isArray(parseSuppressions()));
});
