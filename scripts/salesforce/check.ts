// Offline checks of the Salesforce package that need only Node (`npm run test:salesforce`):
// the committed metadata matches config/, every Apex file parses, prettier (with
// prettier-plugin-apex) finds nothing to change, and the LWC Jest tests pass.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { staleFiles } from './generate.ts';
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
