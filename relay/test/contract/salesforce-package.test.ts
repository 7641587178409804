// The Salesforce package must say what config/ says. The platform event's fields, the global
// value sets and the routing defaults are generated from config/call-event.json and
// config/taxonomy.json; these tests fail when the committed metadata drifts from the config, and
// when the Apex or the Flow reads a Call_Event__e field the contract does not have.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { globalValueSets, renderPackageMetadata, repoRoot, staleFiles } from '../../../scripts/salesforce/generate.ts';
import { callEventContract } from '../../src/sync/call-event.ts';
import { taxonomy } from '../../src/taxonomy.ts';

const metadata = path.join(repoRoot, 'force-app/main/default');
const contractFields = new Set(callEventContract.fields.map((field) => field.name));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => path.join(dir, name));
}

test('the committed metadata is exactly what the generator makes from config/', () => {
  const stale = staleFiles(renderPackageMetadata());
  assert.deepEqual(stale, [], `regenerate with: node scripts/salesforce/generate.ts\n${stale.join('\n')}`);
});

test('Call_Event__e has one field file per contract field and no other', () => {
  const onDisk = readdirSync(path.join(metadata, 'objects/Call_Event__e/fields')).map((name) => name.replace('.field-meta.xml', ''));
  assert.deepEqual(new Set(onDisk), contractFields);
});

test('Call_Event__e is a high-volume event published immediately', () => {
  const xml = readFileSync(path.join(metadata, 'objects/Call_Event__e/Call_Event__e.object-meta.xml'), 'utf8');
  assert.match(xml, /<eventType>HighVolume<\/eventType>/);
  assert.match(xml, /<publishBehavior>PublishImmediately<\/publishBehavior>/);
});

test('each field file carries the contract type and length', () => {
  for (const field of callEventContract.fields) {
    const xml = readFileSync(path.join(metadata, `objects/Call_Event__e/fields/${field.name}.field-meta.xml`), 'utf8');
    assert.match(xml, new RegExp(`<type>${field.type}</type>`), field.name);
    if ('length' in field) assert.match(xml, new RegExp(`<length>${field.length}</length>`), field.name);
    if (field.type === 'Number') {
      assert.match(xml, new RegExp(`<precision>${field.precision}</precision>`), field.name);
      assert.match(xml, new RegExp(`<scale>${field.scale}</scale>`), field.name);
    }
  }
});

test('the global value sets hold the taxonomy values and labels, in order', () => {
  const expected: Record<keyof typeof globalValueSets, { value: string; label: string }[]> = {
    AI_Call_Intent: taxonomy.intents,
    AI_Call_Disposition: taxonomy.dispositions,
    AI_Call_Pipeline_Stage: taxonomy.pipelineStages,
    AI_Call_Tag: taxonomy.tags,
  };
  for (const [name, entries] of Object.entries(expected)) {
    const xml = readFileSync(path.join(metadata, `globalValueSets/${name}.globalValueSet-meta.xml`), 'utf8');
    const values = [...xml.matchAll(/<customValue>\s*<fullName>([^<]+)<\/fullName>\s*<default>false<\/default>\s*<label>([^<]+)<\/label>/g)].map(
      (match) => ({ value: match[1], label: match[2]?.replaceAll('&amp;', '&') }),
    );
    assert.deepEqual(
      values,
      entries.map(({ value, label }) => ({ value, label })),
      name,
    );
  }
});

test('the picklists the subscriber writes use the taxonomy value sets', () => {
  const uses = (file: string, valueSet: string) =>
    assert.match(readFileSync(path.join(metadata, file), 'utf8'), new RegExp(`<valueSetName>${valueSet}</valueSetName>`), file);
  uses('objects/AI_Call__c/fields/Intent__c.field-meta.xml', 'AI_Call_Intent');
  uses('objects/AI_Call__c/fields/Disposition__c.field-meta.xml', 'AI_Call_Disposition');
  uses('objects/AI_Call__c/fields/Pipeline_Stage__c.field-meta.xml', 'AI_Call_Pipeline_Stage');
  uses('objects/AI_Call__c/fields/Tags__c.field-meta.xml', 'AI_Call_Tag');
  for (const object of ['Lead', 'Contact', 'Case']) {
    uses(`objects/${object}/fields/Intent__c.field-meta.xml`, 'AI_Call_Intent');
    uses(`objects/${object}/fields/Disposition__c.field-meta.xml`, 'AI_Call_Disposition');
  }
});

test('every disposition has a routing rule with its taxonomy Lead Status and call disposition', () => {
  for (const disposition of taxonomy.dispositions) {
    const xml = readFileSync(path.join(metadata, `customMetadata/AI_Call_Routing.Disposition_${disposition.value}.md-meta.xml`), 'utf8');
    const valueOf = (field: string) => new RegExp(`<field>${field}</field>\\s*<value[^>]*?(?:/>|>([^<]*)</value>)`).exec(xml)?.[1] ?? null;
    assert.equal(valueOf('Disposition__c'), disposition.value);
    assert.equal(valueOf('Lead_Status__c'), disposition.salesforce.leadStatus);
    assert.equal(valueOf('Call_Disposition__c'), disposition.salesforce.callDisposition);
  }
});

/** Call_Event__e fields the Apex reads or sets: `event.X__c` and `new Call_Event__e(X__c = ...)`. */
function apexEventFieldReferences(): Map<string, string> {
  const references = new Map<string, string>();
  const sources = [...filesUnder(path.join(metadata, 'classes'), '.cls'), ...filesUnder(path.join(metadata, 'triggers'), '.trigger')];
  for (const file of sources) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\bevent\.(\w+__c)\b/gi)) references.set(match[1]!, path.basename(file));
    for (const constructor of source.matchAll(/new\s+Call_Event__e\s*\(([^)]*)\)/g)) {
      for (const match of constructor[1]!.matchAll(/(\w+__c)\s*=/g)) references.set(match[1]!, path.basename(file));
    }
  }
  return references;
}

test('the Apex reads and writes only Call_Event__e fields that are in the contract', () => {
  const references = apexEventFieldReferences();
  // The convention (Call_Event__e variables are named `event`) is what this test relies on:
  // if it stopped finding the handler's references it would pass vacuously, so count them.
  assert.ok(references.size >= 20, `expected the handler to use most contract fields, found ${references.size}`);
  const unknown = [...references].filter(([field]) => !contractFields.has(field));
  assert.deepEqual(unknown, [], 'fields not in config/call-event.json');
});

test('the Flows read only Call_Event__e fields that are in the contract', () => {
  for (const file of filesUnder(path.join(metadata, 'flows'), '.flow-meta.xml')) {
    const xml = readFileSync(file, 'utf8');
    if (!/<object>Call_Event__e<\/object>/.test(xml)) continue;
    // In a platform-event-triggered flow, $Record is the event.
    const used = [...xml.matchAll(/\$Record\.(\w+__c)/g)].map((match) => match[1]!);
    assert.ok(used.length > 0, `${path.basename(file)} reads no event field`);
    assert.deepEqual(
      used.filter((field) => !contractFields.has(field)),
      [],
      path.basename(file),
    );
  }
});
