// Pieces of a call both the console and the transcript page show: the transcript by speaker with
// timestamps, and the insights.
import type { Insights } from '../../analysis/insights.ts';
import type { Turn } from '../../calls/model.ts';
import { formatTime, html, type SafeHtml } from './html.ts';
import { dispositionLabel, intentLabel, stageLabel, tagLabel } from './labels.ts';

function offset(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function transcriptView(turns: Turn[] | null): SafeHtml {
  if (!turns || turns.length === 0) return html`<p class="muted">No transcript is kept for this call.</p>`;
  return html`<ol class="transcript">${turns.map(
    (t) => html`<li class="${t.speaker}"><span class="who">${t.speaker === 'agent' ? 'Agent' : 'Caller'}</span>${t.startMs !== null ? html` <time class="muted">${offset(t.startMs)}</time>` : ''}<div>${t.text}</div></li>`,
  )}</ol>`;
}

export function insightsView(insights: Insights | null, confidences = true): SafeHtml {
  if (!insights) return html`<p class="muted">Not analysed yet.</p>`;
  const pct = (n: number) => (confidences ? html` <span class="muted">(${Math.round(n * 100)}%)</span>` : '');
  return html`<dl class="facts">
<dt>Intent</dt><dd>${intentLabel(insights.intent)}${pct(insights.intentConfidence)}</dd>
<dt>Outcome</dt><dd>${dispositionLabel(insights.disposition)}${pct(insights.dispositionConfidence)}</dd>
<dt>Asked</dt><dd>${insights.summary.asked}</dd>
<dt>Said</dt><dd>${insights.summary.said}</dd>
<dt>Next step</dt><dd>${insights.summary.nextStep}</dd>
${insights.nextAction ? html`<dt>Next action</dt><dd>${insights.nextAction}${insights.nextActionDue ? html` (due ${formatTime(insights.nextActionDue)})` : ''}</dd>` : ''}
${insights.appointmentTime ? html`<dt>Appointment</dt><dd>${formatTime(insights.appointmentTime)}</dd>` : ''}
${insights.pipelineStage ? html`<dt>Pipeline stage</dt><dd>${stageLabel(insights.pipelineStage)}</dd>` : ''}
${insights.tags.length > 0 ? html`<dt>Tags</dt><dd>${insights.tags.map(tagLabel).join(', ')}</dd>` : ''}
${insights.qualificationNotes ? html`<dt>Notes</dt><dd>${insights.qualificationNotes}</dd>` : ''}
</dl>`;
}
