// The Code Analyzer findings the package accepts, read from the security review document
// (docs/salesforce-security-review.md). That one file is both the suppression list CI applies
// and the false-positive write-up a security reviewer reads, so a suppression cannot exist
// without its reason.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './tools.ts';

export const securityReviewFile = path.join(repoRoot, 'docs/salesforce-security-review.md');

export type Suppression = { rule: string; file: string; reason: string };
export type Finding = { rule: string; file: string; line: number; severity: number; message: string };

/** The rows of the table under "## Suppressed findings": | rule | file | reason |. */
export function parseSuppressions(markdown = readFileSync(securityReviewFile, 'utf8')): Suppression[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Suppressed findings'));
  if (!section) throw new Error('the security review document has no "## Suppressed findings" section');
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and its separator
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, '')));
  return rows.map(([rule = '', file = '', reason = '']) => {
    if (!rule || !file || !reason) throw new Error(`a suppression needs a rule, a file and a reason: | ${rule} | ${file} | ${reason} |`);
    return { rule, file, reason };
  });
}

/** Splits findings into those a suppression covers and the rest. */
export function applySuppressions(findings: Finding[], suppressions: Suppression[]): { kept: Finding[]; suppressed: Finding[]; unused: Suppression[] } {
  const used = new Set<Suppression>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const match = suppressions.find((entry) => entry.rule === finding.rule && entry.file === finding.file);
    if (match) {
      used.add(match);
      suppressed.push(finding);
    } else kept.push(finding);
  }
  return { kept, suppressed, unused: suppressions.filter((entry) => !used.has(entry)) };
}
