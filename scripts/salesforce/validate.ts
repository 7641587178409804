// Offline validation of the Salesforce package that needs the Salesforce CLI and Java 17
// (`npm run validate:salesforce`, run by .ci/run): `sf project convert source` accepts the
// source, apex-ls CheckForIssues finds no errors (it knows the standard objects and the
// package's own metadata, so unknown fields and types fail) both as the source stands and on a
// copy whose sfdx-project.json declares a namespace, as the managed package has, and Salesforce
// Code Analyzer with the AppExchange selection (PMD's AppExchange rules, Graph Engine, PMD
// security and performance) finds nothing Critical or High that docs/salesforce-security-review.md
// does not explain.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applySuppressions, type Finding, parseSuppressions } from './security-review.ts';
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

/** The namespace the copy declares; any registered-looking prefix would do. */
const testNamespace = 'aicsync';

/** A copy of the project whose sfdx-project.json declares the test namespace. */
function namespacedCopy(): string {
  const copy = path.join(work, 'namespaced');
  cpSync(path.join(repoRoot, 'force-app'), path.join(copy, 'force-app'), { recursive: true });
  const project = JSON.parse(readFileSync(path.join(repoRoot, 'sfdx-project.json'), 'utf8')) as { namespace: string };
  project.namespace = testNamespace;
  writeFileSync(path.join(copy, 'sfdx-project.json'), JSON.stringify(project, null, 2));
  return copy;
}

function checkForIssues(root = repoRoot): void {
  const { stdout, stderr } = run(java, ['-cp', classpath, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-d', 'warnings', '-w', root], {
    capture: true,
  });
  const problems: string[] = [];
  const warnings: string[] = [];
  let file = '';
  for (const line of (stdout + stderr).split('\n')) {
    if (line.startsWith('/')) file = path.relative(root, line.trim());
    else if (/^(Error|Missing|Syntax):/.test(line)) problems.push(`${file}: ${line}`);
    else if (line.startsWith('Warning:')) warnings.push(`${file}: ${line}`);
    else if (/Exception|\tat /.test(line)) problems.push(line);
  }
  for (const warning of warnings) console.log(`warning ${warning}`);
  if (problems.length) throw new Error(`apex-ls found ${problems.length} problem(s):\n${problems.join('\n')}`);
  console.log(`apex-ls ${packageVersion(validateDir, '@salesforce/code-analyzer-pmd-engine')} (engine): no errors, ${warnings.length} warning(s)`);
}

// Salesforce Code Analyzer, as `sf code-analyzer run --rule-selector ...` would run it, through
// its library so that the results come back as objects. Its engines: PMD (with Salesforce's
// AppExchange rules) and Salesforce Graph Engine. Code Analyzer's severities: 1 Critical,
// 2 High, 3 Moderate, 4 Low, 5 Info.
const ruleSelectors = ['AppExchange', 'sfge', 'pmd:Security', 'pmd:Performance'];

type CodeLocation = { getFile(): string | undefined; getStartLine(): number | undefined };
type CodeAnalyzerViolation = {
  getRule(): { getName(): string; getEngineName(): string; getSeverityLevel(): number };
  getMessage(): string;
  getPrimaryLocation(): CodeLocation;
};
type CodeAnalyzerLibrary = {
  CodeAnalyzerConfig: { fromObject(data: object, root?: string): unknown };
  CodeAnalyzer: new (config: unknown) => {
    addEnginePlugin(plugin: unknown): Promise<void>;
    createWorkspace(paths: string[]): Promise<unknown>;
    selectRules(selectors: string[], options: { workspace: unknown }): Promise<{ getCount(): number; getEngineNames(): string[] }>;
    run(rules: unknown, options: { workspace: unknown }): Promise<{ getViolations(): CodeAnalyzerViolation[] }>;
  };
};

async function runCodeAnalyzer(): Promise<void> {
  const require = createRequire(path.join(validateDir, 'package.json'));
  const core = require('@salesforce/code-analyzer-core') as CodeAnalyzerLibrary;
  const engines = ['@salesforce/code-analyzer-pmd-engine', '@salesforce/code-analyzer-sfge-engine'].map(
    (name) => require(name) as { createEnginePlugin(): unknown },
  );
  const analyzer = new core.CodeAnalyzer(core.CodeAnalyzerConfig.fromObject({}, repoRoot));
  for (const engine of engines) await analyzer.addEnginePlugin(engine.createEnginePlugin());
  const workspace = await analyzer.createWorkspace([path.join(repoRoot, 'force-app')]);
  const rules = await analyzer.selectRules(ruleSelectors, { workspace });
  if (rules.getCount() < 30 || !rules.getEngineNames().includes('sfge')) {
    throw new Error(`expected the AppExchange, Graph Engine and PMD rules; selected ${rules.getCount()} from ${rules.getEngineNames().join(', ')}`);
  }
  const results = await analyzer.run(rules, { workspace });
  const findings: Finding[] = results.getViolations().map((violation) => {
    const location = violation.getPrimaryLocation();
    return {
      rule: violation.getRule().getName(),
      file: path.relative(repoRoot, location.getFile() ?? '').split(path.sep).join('/'),
      line: location.getStartLine() ?? 0,
      severity: violation.getRule().getSeverityLevel(),
      message: violation.getMessage().trim(),
    };
  });
  const { kept, suppressed, unused } = applySuppressions(findings, parseSuppressions());
  const counts = new Map<number, number>();
  for (const finding of kept) {
    counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
    console.log(`sev ${finding.severity} ${finding.rule} ${finding.file}:${finding.line} ${finding.message}`);
  }
  for (const entry of unused) console.log(`warning: suppression of ${entry.rule} in ${entry.file} matches no finding; remove it`);
  const summary = [1, 2, 3, 4, 5].map((severity) => `sev${severity}=${counts.get(severity) ?? 0}`).join(' ');
  console.log(`Code Analyzer ${rules.getCount()} rules (${ruleSelectors.join(', ')}): ${summary}, ${suppressed.length} suppressed with a reason`);
  const blocking = kept.filter((finding) => finding.severity <= blockingSeverity);
  if (blocking.length) throw new Error(`${blocking.length} Critical or High finding(s); fix them or explain them in docs/salesforce-security-review.md`);
}

ensureInstalled(validateDir);
try {
  await runSteps('salesforce validation', [
    { name: 'Java 17', run: requireJava17 },
    { name: 'sf project convert source', run: convertSource },
    { name: 'apex-ls CheckForIssues', run: () => checkForIssues() },
    { name: `apex-ls CheckForIssues under the namespace ${testNamespace}`, run: () => checkForIssues(namespacedCopy()) },
    { name: `Salesforce Code Analyzer (${ruleSelectors.join(', ')})`, run: runCodeAnalyzer },
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
