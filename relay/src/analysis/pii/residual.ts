// Signs that personal data may remain in a text after redaction. Each sign lowers the
// redaction confidence reported with the call, so an auditor sees which calls deserve a look.
import { findDigitRuns } from './digit-runs.ts';

const SIGNS: { pattern: RegExp; weight: number }[] = [
  // An address-like "at ... dot com" that the email rules did not accept.
  { pattern: /\b(?:at|@)\s+\w+\s*(?:dot|\.)\s*(?:com|net|org)\b/gi, weight: 0.2 },
  // A name cue followed by something that is not a placeholder.
  { pattern: /\b(?:my name is|name's|last name is|first name is)\s+(?!\[)[A-Za-z]/gi, weight: 0.15 },
  // Letters read out one by one that were not recognised as a spelled name.
  { pattern: /(?<![A-Za-z])[A-Za-z](?:[\s-]+[A-Za-z](?![A-Za-z])){3,}/g, weight: 0.1 },
];

/** A confidence penalty for one redacted text: 0 when nothing suspicious is left. */
export function residualRisks(redacted: string): number {
  let risk = 0;
  for (const { pattern, weight } of SIGNS) risk += (redacted.match(pattern)?.length ?? 0) * weight;
  // Long digit runs left in place were judged to be order or reference numbers; that call can be wrong.
  risk += findDigitRuns(redacted).filter((r) => r.digits.length >= 7).length * 0.08;
  // Lower-case transcripts hide names from the capitalisation the name rules use.
  const letters = redacted.replace(/\[[A-Z]+_\d+\]/g, '');
  if (letters.length > 40 && letters === letters.toLowerCase()) risk += 0.05;
  return risk;
}
