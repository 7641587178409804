// Offline checks of the Salesforce package that need only Node (`npm run test:salesforce`):
// the committed metadata matches config/, every Apex file parses, tab motifs are Salesforce tab
// styles, shipped Flows are guarded templates, no string literal names the package's own fields
// (package-checks.ts), the scripts' own unit tests pass, prettier (with prettier-plugin-apex)
// finds nothing to change, and the LWC Jest tests pass.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { staleFiles } from './generate.ts';
import { allowList, flowProblems, literalProblems, packageApiNames, packageLiterals, staleAllowEntries, unknownMotifs } from './package-checks.ts';
import { bin, checksDir, ensureInstalled, repoRoot, run, runSteps } from './tools.ts';

const sourceRoot = path.join(repoRoot, 'force-app');

function apexFiles(): string[] {
  return readdirSync(sourceRoot, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.cls') || name.endsWith('.trigger'))
    .map((name) => path.join(sourceRoot, name));
}

async function parseApex(): Promise<void> {
  // Loaded here because ensureInstalled() may have just installed it.
  const { ApexErrorListener, ApexParserFactory } = await import('@apexdevtools/apex-parser');
  class Collector extends ApexErrorListener {
    errors: string[] = [];
    apexSyntaxError(line: number, column: number, message: string): void {
      this.errors.push(`${line}:${column} ${message}`);
    }
  }
  const failures: string[] = [];
  const files = apexFiles();
  for (const file of files) {
    const collector = new Collector();
    const { parser } = ApexParserFactory.createLexerAndParser(readFileSync(file, 'utf8'), collector);
    if (file.endsWith('.trigger')) parser.triggerUnit();
    else parser.compilationUnit();
    for (const error of collector.errors) failures.push(`${path.relative(repoRoot, file)}:${error}`);
  }
  if (failures.length) throw new Error(`syntax errors:\n${failures.join('\n')}`);
  console.log(`${files.length} Apex files parse`);
}

// `node scripts/salesforce/check.ts lwc` runs only the steps whose key is named.
const only = new Set(process.argv.slice(2));
ensureInstalled(checksDir);
const steps = [
  {
    key: 'metadata',
    name: 'generated metadata matches config/',
    run: () => {
      const stale = staleFiles();
      if (stale.length) throw new Error(`run node scripts/salesforce/generate.ts; out of date:\n${stale.join('\n')}`);
    },
  },
  { key: 'apex', name: 'Apex parses (@apexdevtools/apex-parser)', run: parseApex },
  {
    key: 'package',
    name: 'tab motifs, Flow templates, no string literals naming package fields',
    run: async () => {
      const literals = await packageLiterals();
      const allowed = allowList();
      const problems = [
        ...unknownMotifs(),
        ...flowProblems(),
        ...literalProblems(literals, packageApiNames(), allowed),
      ];
      // A stale entry is harmless (nothing it allows is left) but should be removed.
      for (const stale of staleAllowEntries(literals, allowed)) console.log(`warning ${stale}`);
      if (problems.length) throw new Error(problems.join('\n'));
      console.log(`${literals.length} string literals in Apex and LWC checked; ${allowed.length} allowed with a reason`);
    },
  },
  {
    key: 'unit',
    name: 'unit tests of these scripts (scripts/salesforce/test)',
    run: () => {
      run(process.execPath, ['--test', 'scripts/salesforce/test/**/*.test.ts']);
    },
  },
  {
    key: 'prettier',
    name: 'prettier with prettier-plugin-apex',
    run: () => {
      run(bin(checksDir, 'prettier'), ['--check', 'force-app/**/*.{cls,trigger,js,html,css}']);
    },
  },
  {
    key: 'lwc',
    name: 'LWC Jest (sfdx-lwc-jest)',
    run: () => {
      run(bin(checksDir, 'jest'), ['--config', 'jest.config.js', '--ci']);
    },
  },
];
await runSteps(
  'salesforce checks',
  steps.filter((step) => only.size === 0 || only.has(step.key)),
);
