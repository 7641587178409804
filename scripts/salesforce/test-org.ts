// `npm run test:org -- --dev-hub <alias> --namespace <ns>`: proves in a real org what the offline
// checks cannot. With a Dev Hub that the namespace is linked to, it
//   1. copies the project with the namespace in sfdx-project.json (a scratch org created from
//      that project gets the namespace, as the managed package will have it),
//   2. creates a scratch org, deploys force-app/main, assigns the permission sets,
//   3. runs every Apex test with code coverage,
//   4. publishes a few call events the way the relay does (the relay's own sObject Collections
//      request, with the event and field names prefixed by the namespace),
//   5. waits for the subscriber and its processing job, and reports what landed,
//   6. deletes the scratch org unless --keep.
// Not part of CI: it needs a Dev Hub and the internet. A maintainer runs it before each package
// version. Commands and flags follow the Salesforce CLI reference (`sf org create scratch`,
// `sf project deploy start`, `sf org assign permset`, `sf apex run test`, `sf org display`,
// `sf data query`, `sf org delete scratch`); each is run with --json and its result read from
// the JSON it prints.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallEventPayload, type CallEvent } from '../../relay/src/sync/call-event.ts';
import { collectionsRequest } from '../../relay/src/sync/salesforce/collections.ts';
import { repoRoot } from './tools.ts';

export type TestOrgOptions = {
  devHub: string;
  namespace: string;
  alias: string;
  durationDays: number;
  waitMinutes: number;
  events: number;
  keep: boolean;
};

const usage = `usage: npm run test:org -- --dev-hub <alias> [--namespace <ns>] [--alias <name>]
       [--duration-days 1-30] [--wait <minutes>] [--events 1-200] [--keep]
  --namespace defaults to sfdx-project.json's "namespace"; it must be linked to the Dev Hub.`;

export class UsageError extends Error {}

function integer(flag: string, value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not ${value ?? 'nothing'}`);
  return number;
}

/** Reads the command line; throws UsageError naming the problem. */
export function parseTestOrgArgs(argv: string[], projectNamespace = ''): TestOrgOptions {
  const options: TestOrgOptions = { devHub: '', namespace: projectNamespace, alias: 'ai-call-sync-test', durationDays: 1, waitMinutes: 30, events: 3, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const takeValue = () => {
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return value;
    };
    switch (flag) {
      case '--dev-hub':
        options.devHub = takeValue();
        break;
      case '--namespace':
        options.namespace = takeValue();
        break;
      case '--alias':
        options.alias = takeValue();
        break;
      case '--duration-days':
        options.durationDays = integer(flag, takeValue(), 1, 30);
        break;
      case '--wait':
        options.waitMinutes = integer(flag, takeValue(), 1, 240);
        break;
      case '--events':
        options.events = integer(flag, takeValue(), 1, 200);
        break;
      case '--keep':
        options.keep = true;
        break;
      default:
        throw new UsageError(`unknown option ${flag}\n${usage}`);
    }
  }
  if (!options.devHub) throw new UsageError(`--dev-hub is required\n${usage}`);
  // Namespace prefixes are 1 to 15 letters and digits, starting with a letter.
  if (!/^[A-Za-z][A-Za-z0-9]{0,14}$/.test(options.namespace)) {
    throw new UsageError(`a namespace is required (1-15 letters and digits, starting with a letter): pass --namespace or set it in sfdx-project.json\n${usage}`);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(options.alias)) throw new UsageError(`--alias may hold letters, digits, _ . - only, not ${options.alias}`);
  return options;
}

export const permissionSets = ['AI_Call_Sync_Admin', 'AI_Call_Sync_Integration', 'AI_Call_Sync_Subscriber'];

/** The sf commands the run makes, in order, before the events are published. */
export function setupCommands(options: TestOrgOptions): string[][] {
  const wait = String(options.waitMinutes);
  return [
    ['org', 'create', 'scratch', '--definition-file', 'config/project-scratch-def.json', '--alias', options.alias, '--target-dev-hub', options.devHub, '--duration-days', String(options.durationDays), '--wait', wait, '--json'],
    ['project', 'deploy', 'start', '--source-dir', 'force-app/main', '--target-org', options.alias, '--wait', wait, '--json'],
    ['org', 'assign', 'permset', ...permissionSets.flatMap((name) => ['--name', name]), '--target-org', options.alias, '--json'],
    ['apex', 'run', 'test', '--test-level', 'RunLocalTests', '--code-coverage', '--result-format', 'json', '--wait', wait, '--target-org', options.alias, '--json'],
  ];
}

/** An object or field name as a namespaced org knows it: Call_Id__c becomes ns__Call_Id__c. */
export function withNamespace(name: string, namespace: string): string {
  return /__(c|e|mdt)$/.test(name) ? `${namespace}__${name}` : name;
}

/** The relay's publish request for these events, with the names a namespaced org expects. */
export function namespacedPublish(apiVersion: string, events: CallEvent[], namespace: string) {
  const request = collectionsRequest(apiVersion, events);
  const records = request.body.records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) =>
        key === 'attributes' ? [key, { type: withNamespace('Call_Event__e', namespace) }] : [withNamespace(key, namespace), value],
      ),
    ),
  );
  return { ...request, body: { ...request.body, records } };
}

/** Calls as the relay would publish them: a new caller, one with an email, and a support request. */
export function sampleEvents(count: number, runId: string): CallEvent[] {
  const intents = ['book_appointment', 'sales_inquiry', 'support_request'];
  const dispositions = ['appointment_booked', 'callback_requested', 'message_taken'];
  return Array.from({ length: count }, (_, i) =>
    CallEventPayload.parse({
      Call_Id__c: `CA-test-org-${runId}-${i}`,
      Schema_Version__c: 1,
      Event_Type__c: 'call_completed',
      Provider__c: 'twilio',
      Direction__c: 'Inbound',
      From_Phone__c: `+1415555${String(1000 + i).slice(-4)}`,
      To_Phone__c: '+14155550000',
      Caller_Name__c: `Test Caller ${i}`,
      Caller_Name_Confidence__c: 0.95,
      Intent__c: intents[i % intents.length],
      Intent_Confidence__c: 0.9,
      Disposition__c: dispositions[i % dispositions.length],
      Summary__c: 'A test call published by npm run test:org.',
      Duration_Seconds__c: 60 + i,
      Start_Time__c: new Date(Date.now() - 120_000).toISOString(),
      End_Time__c: new Date().toISOString(),
      Consent__c: true,
    }),
  );
}

// ---- running it ------------------------------------------------------------------------

type SfResult = { status: number; result?: unknown; message?: string };

function sf(args: string[], cwd: string): SfResult {
  console.log(`$ sf ${args.join(' ')}`);
  const run = spawnSync('sf', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, SF_DISABLE_TELEMETRY: 'true', SF_SKIP_NEW_VERSION_CHECK: 'true' },
  });
  if (run.error) throw new Error(`could not run sf (install it with npm install --global @salesforce/cli): ${run.error.message}`);
  let parsed: SfResult;
  try {
    parsed = JSON.parse(run.stdout) as SfResult;
  } catch {
    throw new Error(`sf ${args.slice(0, 3).join(' ')} printed no JSON:\n${run.stdout}\n${run.stderr}`);
  }
  if (parsed.status !== 0) throw new Error(`sf ${args.slice(0, 3).join(' ')} failed: ${parsed.message ?? JSON.stringify(parsed)}`);
  return parsed;
}

type TestSummary = { outcome: string; testsRan: string | number; passing: string | number; failing: string | number; orgWideCoverage?: string; testRunCoverage?: string };

async function main(): Promise<void> {
  const project = JSON.parse(readFileSync(path.join(repoRoot, 'sfdx-project.json'), 'utf8')) as { namespace: string; sourceApiVersion: string };
  const options = parseTestOrgArgs(process.argv.slice(2), project.namespace);
  const work = mkdtempSync(path.join(tmpdir(), 'ai-call-sync-org-'));
  for (const folder of ['force-app', 'config']) cpSync(path.join(repoRoot, folder), path.join(work, folder), { recursive: true });
  writeFileSync(path.join(work, 'sfdx-project.json'), JSON.stringify({ ...project, namespace: options.namespace }, null, 2));
  let created = false;
  try {
    const [create, ...rest] = setupCommands(options);
    sf(create!, work);
    created = true;
    for (const command of rest.slice(0, -1)) sf(command, work);
    const tests = sf(rest[rest.length - 1]!, work).result as { summary: TestSummary };
    const summary = tests.summary;
    console.log(`Apex tests: ${summary.outcome}, ${summary.passing} passed, ${summary.failing} failed of ${summary.testsRan}; org-wide coverage ${summary.orgWideCoverage ?? summary.testRunCoverage ?? 'unknown'}`);

    const org = sf(['org', 'display', '--target-org', options.alias, '--json'], work).result as { accessToken: string; instanceUrl: string };
    const runId = Date.now().toString(36);
    const events = sampleEvents(options.events, runId);
    const request = namespacedPublish(project.sourceApiVersion, events, options.namespace);
    const response = await fetch(`${org.instanceUrl}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${org.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
    });
    const results = (await response.json()) as { success: boolean; errors: { statusCode: string }[] }[];
    console.log(`published ${results.filter((result) => result.success).length} of ${events.length} events (HTTP ${response.status})`);

    const ns = (name: string) => withNamespace(name, options.namespace);
    const ids = events.map((event) => `'${event.Call_Id__c}'`).join(',');
    const query = `SELECT ${ns('Call_Id__c')}, ${ns('Sync_Status__c')}, ${ns('Match_Method__c')}, ${ns('Lead__c')}, ${ns('Contact__c')}, ${ns('Case__c')}, ${ns('Last_Error__c')} FROM ${ns('AI_Call__c')} WHERE ${ns('Call_Id__c')} IN (${ids})`;
    const deadline = Date.now() + options.waitMinutes * 60_000;
    let records: Record<string, unknown>[] = [];
    // The trigger stages each call as Pending, and the processing job finishes it moments later.
    while (Date.now() < deadline) {
      records = (sf(['data', 'query', '--query', query, '--target-org', options.alias, '--json'], work).result as { records: Record<string, unknown>[] }).records;
      if (records.length === events.length && records.every((record) => record[ns('Sync_Status__c')] !== 'Pending')) break;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
    console.log('\nwhat landed:');
    for (const record of records) {
      const link = record[ns('Contact__c')] ? 'Contact' : record[ns('Lead__c')] ? 'Lead' : 'no caller';
      console.log(`  ${String(record[ns('Call_Id__c')])}: ${String(record[ns('Sync_Status__c')])}, ${link} (${String(record[ns('Match_Method__c')])})${record[ns('Case__c')] ? ', Case' : ''}`);
      if (record[ns('Last_Error__c')]) console.log(`    ${String(record[ns('Last_Error__c')])}`);
    }
    const landed = records.filter((record) => ['Synced', 'Needs_Review'].includes(String(record[ns('Sync_Status__c')]))).length;
    console.log(`${landed} of ${events.length} calls processed`);
    if (summary.outcome !== 'Passed' || landed !== events.length) process.exitCode = 1;
  } finally {
    if (created && !options.keep) sf(['org', 'delete', 'scratch', '--target-org', options.alias, '--no-prompt', '--json'], work);
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
