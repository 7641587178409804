// The package checks must catch what they are for: each case below is a mistake an org would
// only show at deploy or after a namespaced install.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  apexStringLiterals,
  documentedMotifs,
  flowProblems,
  javascriptStringLiterals,
  literalProblems,
  namesIn,
  packageApiNames,
  unknownMotifs,
} from '../package-checks.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'package-checks-'));
const write = (name: string, text: string) => {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
};

test('the documented motif list has the hundred tab styles, Globe at 68 and Desk at 33', () => {
  const motifs = documentedMotifs();
  assert.equal(motifs.size, 100);
  assert.ok(motifs.has('Custom68: Globe'));
  assert.ok(motifs.has('Custom33: Desk'));
  assert.ok(!motifs.has('Custom68: Desk'));
});

test('a tab with a motif Salesforce does not have is reported; the shipped tabs pass', () => {
  const bad = write('Bad__c.tab-meta.xml', '<CustomTab><customObject>true</customObject><motif>Custom68: Desk</motif></CustomTab>');
  assert.equal(unknownMotifs([bad]).length, 1);
  assert.deepEqual(unknownMotifs(), []);
});

test('a Flow that is no template, or looks up a blank phone key, is reported; the shipped Flow passes', () => {
  const lookup = '<recordLookups><filters><field>Phone_Key__c</field><operator>EqualTo</operator><value><elementReference>Key</elementReference></value></filters></recordLookups>';
  const unguarded = write('a.flow-meta.xml', `<Flow>${lookup}</Flow>`);
  assert.equal(flowProblems([unguarded]).length, 2);
  const guard = '<conditions><leftValueReference>Key</leftValueReference><operator>IsBlank</operator><rightValue><booleanValue>false</booleanValue></rightValue></conditions>';
  const guarded = write('b.flow-meta.xml', `<Flow>${guard}<isTemplate>true</isTemplate>${lookup}</Flow>`);
  assert.deepEqual(flowProblems([guarded]), []);
  assert.deepEqual(flowProblems(), []);
});

test('string literals naming package fields are found in Apex, with or without a namespace, whatever the case', async () => {
  const names = packageApiNames();
  const file = write('Sample.cls', "public class Sample { String a = 'Phone_Key__c'; String b = 'acme__summary__c'; String c = 'Phone'; }");
  const literals = await apexStringLiterals(file);
  assert.equal(literals.length, 3);
  const problems = literalProblems(literals, names, []);
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.deepEqual(namesIn("'Name'", names), []);
  assert.deepEqual(namesIn("'Lead__r.Name'", names), ['Lead__r']);
});

test('LWC: schema imports are the right way and pass; a literal field name does not; the allow-list exempts a reviewed one', () => {
  const names = packageApiNames();
  const file = write('panel.js', "import SUMMARY from '@salesforce/schema/AI_Call__c.Summary__c';\nconst field = 'Summary__c';\nconst shown = `${field}`;\n");
  const literals = javascriptStringLiterals(file);
  const problems = literalProblems(literals, names, []);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /panel\.js:2/);
  const allowed = [{ file: literals[0]!.file, literal: "'Summary__c'", reason: 'reviewed' }];
  assert.deepEqual(literalProblems(literals, names, allowed), []);
});
