// The transcript page needs no sign-in (it is the link the CRMs hold), so everything on it is
// redacted text, the insights included. The analysis puts the caller's real name and email back
// into its summary, next action and notes for the CRMs; for the page those values, each part of
// the name, and anything else the redactor finds, are replaced again.
import type { Insights } from '../analysis/insights.ts';
import { redactText } from '../analysis/redact.ts';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function redactedInsights(insights: Insights): Insights {
  const known: [string, string][] = [];
  if (insights.callerEmail) known.push([insights.callerEmail, '[EMAIL]']);
  if (insights.callerName) {
    known.push([insights.callerName, '[NAME]']);
    for (const part of insights.callerName.split(/\s+/)) if (part.length > 1) known.push([part, '[NAME]']);
  }
  const patterns = known.map(([value, placeholder]) => [new RegExp(`(?<![\\p{L}\\p{N}])${escape(value)}(?![\\p{L}\\p{N}])`, 'giu'), placeholder] as const);
  const scrub = (text: string) => redactText(patterns.reduce((t, [pattern, placeholder]) => t.replace(pattern, placeholder), text)).text;
  const maybe = (text: string | null) => (text === null ? null : scrub(text));
  return {
    ...insights,
    callerName: null,
    callerEmail: null,
    summary: { asked: scrub(insights.summary.asked), said: scrub(insights.summary.said), nextStep: scrub(insights.summary.nextStep) },
    nextAction: maybe(insights.nextAction),
    qualificationNotes: maybe(insights.qualificationNotes),
  };
}
