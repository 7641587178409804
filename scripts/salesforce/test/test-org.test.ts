// `npm run test:org` needs a Dev Hub, so it cannot run here; what it would do can be checked:
// the command line it accepts and refuses, the sf commands it makes, and the publish request
// it sends to a namespaced org.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespacedPublish, parseTestOrgArgs, permissionSets, sampleEvents, setupCommands, UsageError, withNamespace } from '../test-org.ts';

test('reads the options and keeps the defaults for the rest', () => {
  const options = parseTestOrgArgs(['--dev-hub', 'hub', '--namespace', 'aicsync', '--events', '5', '--keep']);
  assert.deepEqual(options, { devHub: 'hub', namespace: 'aicsync', alias: 'ai-call-sync-test', durationDays: 1, waitMinutes: 30, events: 5, keep: true });
});

test('takes the namespace from sfdx-project.json when none is given', () => {
  assert.equal(parseTestOrgArgs(['--dev-hub', 'hub'], 'acme').namespace, 'acme');
});

test('refuses what would fail later, naming the problem', () => {
  const cases: [string[], RegExp][] = [
    [['--namespace', 'aicsync'], /--dev-hub is required/],
    [['--dev-hub', 'hub'], /a namespace is required/],
    [['--dev-hub', 'hub', '--namespace', '1bad'], /a namespace is required/],
    [['--dev-hub', 'hub', '--namespace', 'ns', '--events', '0'], /--events takes a whole number from 1 to 200/],
    [['--dev-hub', 'hub', '--namespace', 'ns', '--duration-days', '31'], /--duration-days/],
    [['--dev-hub', '--namespace', 'ns'], /--dev-hub needs a value/],
    [['--dev-hub', 'hub', '--namespace', 'ns', '--alias', 'a b'], /--alias/],
    [['--dev-hub', 'hub', '--namespace', 'ns', '--verbose'], /unknown option --verbose/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseTestOrgArgs(argv), (error: unknown) => error instanceof UsageError && message.test(error.message), argv.join(' '));
});

test('creates the org from the Dev Hub, deploys, assigns every permission set, then runs all tests with coverage', () => {
  const commands = setupCommands(parseTestOrgArgs(['--dev-hub', 'hub', '--namespace', 'ns', '--alias', 'check', '--wait', '45']));
  assert.deepEqual(commands.map((command) => command.slice(0, 3).join(' ')), ['org create scratch', 'project deploy start', 'org assign permset', 'apex run test']);
  assert.ok(commands[0]!.join(' ').includes('--target-dev-hub hub'));
  for (const name of permissionSets) assert.ok(commands[2]!.includes(name));
  assert.ok(commands[3]!.includes('RunLocalTests') && commands[3]!.includes('--code-coverage'));
  for (const command of commands) {
    assert.ok(command.includes('--json'), 'every result is read as JSON');
    if (command[0] !== 'org' || command[1] !== 'assign') assert.ok(command.includes('45'), 'the wait applies to each long step');
  }
});

test('publishes the relay request with the namespace on the event and its fields, not on standard keys', () => {
  const events = sampleEvents(3, 'x');
  const request = namespacedPublish('65.0', events, 'ns');
  assert.equal(request.path, '/services/data/v65.0/composite/sobjects');
  assert.equal(request.body.records.length, 3);
  const record = request.body.records[0] as Record<string, unknown>;
  assert.deepEqual(record['attributes'], { type: 'ns__Call_Event__e' });
  assert.equal(record['ns__Call_Id__c'], 'CA-test-org-x-0');
  assert.equal(record['Call_Id__c'], undefined);
  assert.equal(withNamespace('Name', 'ns'), 'Name');
});
