// Offline validation of the Salesforce package that needs the Salesforce CLI and Java 17
// (`npm run validate:salesforce`, run by .ci/run): `sf project convert source` accepts the
// source, apex-ls CheckForIssues finds no errors (it knows the standard objects and the
// package's own metadata, so unknown fields and types fail), and PMD's Apex security and
// performance rules, rated by Salesforce Code Analyzer's severities, find nothing Critical or High.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bin, ensureInstalled, packageVersion, repoRoot, run, runSteps, validateDir } from './tools.ts';

const pmdEngine = path.join(validateDir, 'node_modules/@salesforce/code-analyzer-pmd-engine');
const javaLib = path.join(pmdEngine, 'dist/java-lib');
const work = mkdtempSync(path.join(tmpdir(), 'sf-validate-'));
const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
const classpath = `${javaLib}/*`;

// Code Analyzer's severities: 1 Critical, 2 High, 3 Moderate, 4 Low, 5 Info.
const blockingSeverity = 2;

function requireJava17(): void {
  const { stderr, stdout } = run(java, ['-version'], { capture: true });
  const major = Number(/version "(\d+)/.exec(stderr + stdout)?.[1] ?? 0);
  if (major < 17) throw new Error(`apex-ls and PMD need Java 17 or newer; found ${major || 'none'} (set JAVA_HOME)`);
  console.log(`java ${major}`);
}

function convertSource(): void {
  const output = path.join(work, 'mdapi');
  run(bin(validateDir, 'sf'), ['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', output], {
    env: {
      SF_DISABLE_TELEMETRY: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      // The CLI writes its state under HOME; keep it in the scratch folder.
      HOME: work,
    },
  });
  const manifest = readFileSync(path.join(output, 'package.xml'), 'utf8');
  for (const type of ['ApexClass', 'ApexTrigger', 'CustomObject', 'CustomField', 'GlobalValueSet', 'LightningComponentBundle', 'PermissionSet', 'Flow', 'PlatformEventSubscriberConfig']) {
    if (!manifest.includes(`<name>${type}</name>`)) throw new Error(`package.xml has no ${type}`);
  }
}

function checkForIssues(): void {
  const { stdout, stderr } = run(java, ['-cp', classpath, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-d', 'warnings', '-w', repoRoot], {
    capture: true,
  });
  const problems: string[] = [];
  const warnings: string[] = [];
  let file = '';
  for (const line of (stdout + stderr).split('\n')) {
    if (line.startsWith('/')) file = path.relative(repoRoot, line.trim());
    else if (/^(Error|Missing|Syntax):/.test(line)) problems.push(`${file}: ${line}`);
    else if (line.startsWith('Warning:')) warnings.push(`${file}: ${line}`);
    else if (/Exception|\tat /.test(line)) problems.push(line);
  }
  for (const warning of warnings) console.log(`warning ${warning}`);
  if (problems.length) throw new Error(`apex-ls found ${problems.length} problem(s):\n${problems.join('\n')}`);
  console.log(`apex-ls ${packageVersion(validateDir, '@salesforce/code-analyzer-pmd-engine')} (engine): no errors, ${warnings.length} warning(s)`);
}

type RuleInfo = { name: string; ruleSetFile: string };
type PmdResults = {
  violations: { rule: string; message: string; codeLocation: { file: string; startLine: number } }[];
  processingErrors: { file: string; message: string }[];
};

function runPmd(): void {
  const require = createRequire(path.join(pmdEngine, 'package.json'));
  const { RULE_MAPPINGS } = require('./dist/pmd-rule-mappings.js') as { RULE_MAPPINGS: Record<string, { severity: number; tags: string[] }> };
  const emptyCustomRulesets = path.join(work, 'custom-rulesets.txt');
  writeFileSync(emptyCustomRulesets, '');
  const rulesFile = path.join(work, 'rules.json');
  run(java, ['-cp', classpath, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', 'describe', rulesFile, emptyCustomRulesets, 'apex'], { capture: true });
  const rules = (JSON.parse(readFileSync(rulesFile, 'utf8')) as RuleInfo[]).filter((rule) =>
    /category\/apex\/(security|performance)\.xml$/.test(rule.ruleSetFile),
  );
  if (rules.length < 10) throw new Error(`expected the PMD Apex security and performance rules, found ${rules.length}`);
  const ruleset = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ruleset name="AI Call Sync security and performance" xmlns="http://pmd.sourceforge.net/ruleset/2.0.0">',
    '  <description>PMD Apex security and performance rules</description>',
    ...rules.map((rule) => `  <rule ref="${rule.ruleSetFile}/${rule.name}"/>`),
    '</ruleset>',
  ].join('\n');
  const rulesetFile = path.join(work, 'ruleset.xml');
  writeFileSync(rulesetFile, ruleset);
  const sources = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'force-app'], { capture: true })
    .stdout.split('\n')
    .filter((file) => /\.(cls|trigger)$/.test(file))
    .map((file) => path.join(repoRoot, file));
  const input = path.join(work, 'pmd-input.json');
  writeFileSync(input, JSON.stringify({ ruleSetInputFile: rulesetFile, runDataPerLanguage: { apex: { filesToScan: sources } } }));
  const output = path.join(work, 'pmd-results.json');
  run(java, ['-cp', classpath, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', 'run', input, output], { capture: true });
  const results = JSON.parse(readFileSync(output, 'utf8')) as PmdResults;
  if (results.processingErrors.length) {
    throw new Error(`PMD could not process:\n${results.processingErrors.map((error) => `${error.file}: ${error.message}`).join('\n')}`);
  }
  const rated = results.violations.map((violation) => ({ ...violation, severity: RULE_MAPPINGS[violation.rule]?.severity ?? 3 }));
  const counts = new Map<number, number>();
  for (const violation of rated) {
    counts.set(violation.severity, (counts.get(violation.severity) ?? 0) + 1);
    const where = `${path.relative(repoRoot, violation.codeLocation.file)}:${violation.codeLocation.startLine}`;
    console.log(`sev ${violation.severity} ${violation.rule} ${where} ${violation.message.trim()}`);
  }
  const summary = [1, 2, 3, 4, 5].map((severity) => `sev${severity}=${counts.get(severity) ?? 0}`).join(' ');
  console.log(`PMD ${rules.length} rules on ${sources.length} files: ${summary}`);
  const blocking = rated.filter((violation) => violation.severity <= blockingSeverity);
  if (blocking.length) throw new Error(`${blocking.length} Critical or High violation(s)`);
}

ensureInstalled(validateDir);
try {
  await runSteps('salesforce validation', [
    { name: 'Java 17', run: requireJava17 },
    { name: 'sf project convert source', run: convertSource },
    { name: 'apex-ls CheckForIssues', run: checkForIssues },
    { name: 'PMD security and performance rules', run: runPmd },
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
