// GET /t/:token: the page a CRM's transcript link opens. The token is verified before anything is
// read; a forged or altered token answers 404 (the same as a token that never existed) and is
// counted; an expired link, a deleted call and a purged transcript answer 410 Gone.
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { Insights } from '../analysis/insights.ts';
import { Turn } from '../calls/model.ts';
import { callDetail } from '../calls/queries.ts';
import type { RelayFile } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { recordingVisible } from '../privacy/consent.ts';
import type { LinkSigner } from '../privacy/links.ts';
import type { Db } from '../store/db.ts';
import { isSafeUrl } from '../ingest/limits.ts';
import { insightsView, transcriptView } from './console/call-view.ts';
import { redactedInsights } from './redacted-insights.ts';
import { document, formatDuration, formatTime, html, sendPage } from './console/html.ts';

export type TranscriptPageDeps = { db: Db; links: LinkSigner; file: RelayFile; metrics: Metrics; log: Logger };

function gone(reason: string) {
  return document('Transcript unavailable', html`<main><h1>This transcript is no longer available</h1><p>${reason}</p></main>`);
}

export function transcriptPageRoutes(deps: TranscriptPageDeps): Router {
  const router = express.Router();
  router.get('/t/:token', async (req, res) => {
    const check = deps.links.verify(req.params.token);
    if (!check.ok) {
      if (check.reason === 'expired') return sendPage(res, 410, gone('The link has expired.'));
      deps.metrics.forgedLinks.inc();
      deps.log.warn({ reason: check.reason, ip: req.ip }, 'transcript link refused');
      return sendPage(res, 404, document('Not found', html`<main><h1>Not found</h1></main>`));
    }
    const [state] = await deps.db.query<{ stage: string; purged_at: Date | null }>('select stage, purged_at from calls where id = $1', [check.callId]);
    if (!state) return sendPage(res, 404, document('Not found', html`<main><h1>Not found</h1></main>`));
    if (state.stage === 'deleted') return sendPage(res, 410, gone('The call was deleted.'));
    if (state.purged_at) return sendPage(res, 410, gone(`Transcripts are kept for ${deps.file.retention.transcriptDays} days; this one has been purged.`));
    const call = await callDetail(deps.db, check.callId);
    if (!call) return sendPage(res, 404, document('Not found', html`<main><h1>Not found</h1></main>`));
    const analysed = Insights.nullable().catch(null).parse(call.insights);
    const insights = analysed && redactedInsights(analysed);
    const turns = Turn.array().nullable().catch(null).parse(call.transcript);
    // Only an https link is put in the page (one stored before links were checked may be anything).
    const recording = isSafeUrl(call.recordingUrl) && recordingVisible(deps.file, call.agentId, call.consent) ? call.recordingUrl : null;
    const body = html`<main>
<h1>Call transcript</h1>
<dl class="facts">
<dt>Call</dt><dd><code>${call.id}</code></dd>
<dt>Started</dt><dd>${formatTime(call.startedAt)}</dd>
<dt>Duration</dt><dd>${formatDuration(call.durationSeconds)}</dd>
${call.analysisSource === 'offline' ? html`<dt>Analysis</dt><dd>offline analyser (lower confidence)</dd>` : ''}
</dl>
<h2>Summary</h2>
${insightsView(insights, false)}
${recording ? html`<h2>Recording</h2><p><audio controls preload="none" src="${recording}"></audio></p><p><a href="${recording}" rel="noreferrer">Open the recording</a></p>` : ''}
<h2>Transcript</h2>
<p class="muted">Personal details are redacted, here and in the summary above.</p>
${transcriptView(turns)}
</main>`;
    sendPage(res, 200, document('Call transcript', body));
  });
  return router;
}
