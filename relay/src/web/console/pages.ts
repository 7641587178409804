// The console's pages: overview (success rate, latency, integrations), calls list with filters
// and paging, call detail (insights, redaction report, state history, per-sink run log, transcript
// link, delete) and dead letters with replay.
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { Insights, RedactionReport } from '../../analysis/insights.ts';
import { callDetail, CallFilter, listCalls } from '../../calls/queries.ts';
import { listQuarantine } from '../../calls/quarantine.ts';
import type { RelayFile } from '../../config.ts';
import type { Metrics } from '../../metrics.ts';
import { deleteCall } from '../../privacy/deletion.ts';
import type { KeyRing } from '../../privacy/encryption.ts';
import type { LinkSigner } from '../../privacy/links.ts';
import type { Db } from '../../store/db.ts';
import type { Outbox } from '../../sync/outbox.ts';
import type { Sink } from '../../sync/sink.ts';
import { activitySection } from './activity.ts';
import { signedIn } from './auth.ts';
import { insightsView } from './call-view.ts';
import { formatDuration, formatTime, html, sendPage, type SafeHtml } from './html.ts';
import { dispositionLabel, dispositionOptions, intentLabel, intentOptions } from './labels.ts';
import { consolePage, type Frame } from './layout.ts';
import { deliveryHealth, integrationStatus, SUCCESS_TARGET } from './stats.ts';

export type PagesDeps = {
  db: Db;
  outbox: Outbox;
  /** The sinks this relay delivers to; their API usage and pauses show in the integration status. */
  sinks: Pick<Sink, 'name' | 'apiUsage' | 'pausedForMs'>[];
  file: RelayFile;
  metrics: Metrics;
  links: LinkSigner;
  keys: KeyRing;
  onReplay: () => void;
};

const PAGE_SIZE = 25;
const SYNC_LABELS = { synced: 'Synced', pending: 'Pending', failed: 'Failed', not_synced: 'Not queued' } as const;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const ListQuery = z.object({
  agent: z.string().max(80).optional().catch(undefined),
  intent: z.string().max(80).optional().catch(undefined),
  disposition: z.string().max(80).optional().catch(undefined),
  sync: CallFilter.shape.sync.catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

function frame(res: Response, title: string, current: Frame['current']): Frame {
  const { session, csrf } = signedIn(res);
  return { title, current, user: session.user, csrf };
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function seconds(value: number | null): string {
  return value === null ? '—' : value < 10 ? `${value.toFixed(2)} s` : `${Math.round(value)} s`;
}

function select(name: string, label: string, options: { value: string; label: string }[], current: string | undefined): SafeHtml {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">Any</option>${options.map(
    (o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.label}</option>`,
  )}</select></div>`;
}

export function consolePages(deps: PagesDeps): Router {
  const router = express.Router();

  router.get('/console', async (_req, res) => {
    const health = await deliveryHealth(deps.db);
    const integrations = await integrationStatus(deps.db, deps.sinks.map((s) => s.name));
    const sinkNamed = new Map(deps.sinks.map((s) => [s.name as string, s]));
    const requests = new Map((await deps.metrics.crmRequests.get()).values.map((v) => [String(v.labels.sink), v.value]));
    const deadLetters = (await deps.outbox.deadLetters()).length;
    const meets = health.successRate === null ? null : health.successRate >= SUCCESS_TARGET;
    const body = html`<h1>Overview</h1>
<section aria-labelledby="h-health"><h2 id="h-health">Last 24 hours</h2>
<div class="cards">
<div class="card"><div>Delivered to the CRMs</div><div class="figure ${meets === null ? '' : meets ? 'ok' : 'bad'}" data-testid="success-rate">${percent(health.successRate)}</div>
<div class="muted">target ${percent(SUCCESS_TARGET)} · ${health.delivered} of ${health.finished} finished${meets === false ? html` · <strong class="bad">below target</strong>` : ''}</div></div>
<div class="card"><div>Call end to CRM</div><div class="figure" data-testid="latency-p50">${seconds(health.latencyP50Seconds)}</div><div class="muted">median · 95th percentile ${seconds(health.latencyP95Seconds)}</div></div>
<div class="card"><div>Waiting</div><div class="figure">${health.pending}</div><div class="muted">deliveries queued or retrying</div></div>
<div class="card"><div>Dead letters</div><div class="figure ${deadLetters > 0 ? 'bad' : 'ok'}">${deadLetters}</div><div class="muted"><a href="/console/dead-letters">review and replay</a></div></div>
</div></section>
${await activitySection(deps.db)}
<section aria-labelledby="h-int"><h2 id="h-int">Integrations</h2>
<div class="table-wrap"><table><caption class="muted">State from the latest delivery attempt; API requests counted since this relay started.</caption>
<thead><tr><th scope="col">Integration</th><th scope="col">State</th><th scope="col">Last attempt</th><th scope="col">Last error</th><th scope="col">Attempts (24 h)</th><th scope="col">API usage</th><th scope="col">Queued</th><th scope="col">Dead</th></tr></thead>
<tbody>${integrations.map((i) => {
      const sink = sinkNamed.get(i.sink);
      const pausedMs = sink?.pausedForMs?.() ?? 0;
      const usage = sink?.apiUsage?.() ?? [];
      return html`<tr><th scope="row">${i.sink}</th><td class="${i.state === 'connected' ? 'ok' : i.state === 'failing' ? 'bad' : 'muted'}">${i.state}${pausedMs > 0 ? html`<br><span class="warn">paused ${Math.ceil(pausedMs / 1000)} s to stay within limits</span>` : ''}</td><td>${formatTime(i.lastAttemptAt)}</td>
<td>${i.lastError ? html`${i.lastError} <span class="muted">(${formatTime(i.lastErrorAt)})</span>` : '—'}</td><td>${i.attempts24h}</td>
<td>${usage.map((u) => html`<div class="${u.limit > 0 && u.used / u.limit >= 0.9 ? 'bad' : ''}">${u.measure}: ${u.used.toLocaleString('en-US')} of ${u.limit.toLocaleString('en-US')}${u.limit > 0 ? ` (${Math.round((u.used / u.limit) * 100)}%)` : ''}</div>`)}<div class="muted">${requests.get(i.sink) ?? 0} requests since start</div></td>
<td>${i.pending}</td><td>${i.dead}</td></tr>`;
    })}</tbody></table></div></section>
<section aria-labelledby="h-data"><h2 id="h-data">Data protection</h2>
<dl class="facts"><dt>Transcripts kept</dt><dd>${deps.file.retention.transcriptDays} days, then purged (metadata kept)</dd>
<dt>Encryption key in use</dt><dd><code>${deps.keys.activeId}</code></dd>
<dt>Redaction events on delete</dt><dd>${deps.file.retention.redactCrmsOnDelete ? 'on: CRMs are told to clear the transcript' : 'off'}</dd></dl></section>`;
    sendPage(res, 200, consolePage(frame(res, 'Overview', 'overview'), body));
  });

  router.get('/console/calls', async (req, res) => {
    const q = ListQuery.parse(req.query);
    const nextDay = (d: string) => new Date(new Date(`${d}T00:00:00Z`).getTime() + 86_400_000).toISOString();
    const filter = CallFilter.parse({
      agent: q.agent || undefined,
      intent: q.intent || undefined,
      disposition: q.disposition || undefined,
      sync: q.sync,
      since: q.from ? `${q.from}T00:00:00Z` : undefined,
      until: q.to ? nextDay(q.to) : undefined,
      limit: PAGE_SIZE,
      offset: (q.page - 1) * PAGE_SIZE,
    });
    const { calls, total } = await listCalls(deps.db, filter);
    const agents = await deps.db.query<{ agent_id: string }>(`select distinct agent_id from calls where agent_id is not null and stage <> 'deleted' order by agent_id limit 200`);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const pageLink = (page: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({ agent: q.agent, intent: q.intent, disposition: q.disposition, sync: q.sync, from: q.from, to: q.to })) if (v) params.set(k, v);
      params.set('page', String(page));
      return `/console/calls?${params}`;
    };
    const body = html`<h1>Calls</h1>
<form class="filters" method="get" action="/console/calls" role="search" aria-label="Filter calls">
${select('agent', 'Agent', agents.map((a) => ({ value: a.agent_id, label: a.agent_id })), q.agent)}
${select('intent', 'Intent', intentOptions, q.intent)}
${select('disposition', 'Outcome', dispositionOptions, q.disposition)}
${select('sync', 'Sync status', Object.entries(SYNC_LABELS).map(([value, label]) => ({ value, label })), q.sync)}
<div><label for="f-from">From</label><input id="f-from" type="date" name="from" value="${q.from ?? ''}"></div>
<div><label for="f-to">To</label><input id="f-to" type="date" name="to" value="${q.to ?? ''}"></div>
<button type="submit">Filter</button> <a href="/console/calls">Clear</a>
</form>
<p aria-live="polite" data-testid="call-count">${total} ${total === 1 ? 'call' : 'calls'}</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Received</th><th scope="col">Call</th><th scope="col">Agent</th><th scope="col">Intent</th><th scope="col">Outcome</th><th scope="col">Duration</th><th scope="col">Sync</th></tr></thead>
<tbody>${calls.map(
      (c) => html`<tr><td>${formatTime(c.createdAt)}</td><td><a href="/console/calls/${encodeURIComponent(c.id)}">${c.callerName ?? c.id}</a></td><td>${c.agentId ?? '—'}</td>
<td>${intentLabel(c.intent)}</td><td>${dispositionLabel(c.disposition)}</td><td>${formatDuration(c.durationSeconds)}</td>
<td class="${c.syncStatus === 'failed' ? 'bad' : c.syncStatus === 'synced' ? 'ok' : ''}">${SYNC_LABELS[c.syncStatus as keyof typeof SYNC_LABELS] ?? c.syncStatus}</td></tr>`,
    )}</tbody></table></div>
<nav class="pager" aria-label="Pages">${q.page > 1 ? html`<a href="${pageLink(q.page - 1)}" rel="prev">Previous</a>` : ''}<span>Page ${q.page} of ${pages}</span>${q.page < pages ? html`<a href="${pageLink(q.page + 1)}" rel="next">Next</a>` : ''}</nav>`;
    sendPage(res, 200, consolePage(frame(res, 'Calls', 'calls'), body));
  });

  router.get('/console/calls/:id', async (req, res) => {
    const call = await callDetail(deps.db, req.params.id);
    if (!call) return sendPage(res, 404, consolePage(frame(res, 'Not found', 'calls'), html`<h1>No such call</h1>`));
    const [state] = await deps.db.query<{ purged_at: Date | null; deleted_at: Date | null }>('select purged_at, deleted_at from calls where id = $1', [call.id]);
    const insights = Insights.nullable().catch(null).parse(call.insights);
    const redaction = RedactionReport.nullable().catch(null).parse(call.redaction);
    const deleted = call.stage === 'deleted';
    const linkable = !deleted && !state?.purged_at && call.stage === 'analysed';
    const notice = req.query.deleted === '1' ? html`<p class="notice" role="status">The call was deleted. Its transcript link no longer works.</p>` : '';
    const body = html`<h1>Call <code>${call.id}</code></h1>
${notice}
${deleted ? html`<p class="alert">Deleted ${formatTime(state?.deleted_at)}: transcript, recording, numbers and analysis removed.</p>` : ''}
${state?.purged_at ? html`<p class="alert">Transcript and recording purged by retention ${formatTime(state.purged_at)}.</p>` : ''}
<dl class="facts">
<dt>Provider</dt><dd>${call.provider}</dd><dt>Agent</dt><dd>${call.agentId ?? '—'}</dd><dt>Direction</dt><dd>${call.direction}</dd>
<dt>From</dt><dd>${call.from ?? '—'}</dd><dt>To</dt><dd>${call.to ?? '—'}</dd>
<dt>Started</dt><dd>${formatTime(call.startedAt)}</dd><dt>Ended</dt><dd>${formatTime(call.endedAt)}</dd><dt>Duration</dt><dd>${formatDuration(call.durationSeconds)}</dd>
<dt>Stage</dt><dd>${call.stage}</dd><dt>Consent</dt><dd>${call.consent === null ? 'not recorded' : call.consent ? 'given' : 'refused'}</dd>
<dt>Analysis</dt><dd>${call.analysisSource ?? '—'}${call.analysisSource === 'offline' ? ' (offline analyser, lower confidence)' : ''}</dd>
${call.lastError ? html`<dt>Last error</dt><dd class="bad">${call.lastError}</dd>` : ''}
</dl>
${linkable ? html`<p><a href="/t/${deps.links.sign(call.id)}" data-testid="transcript-link">Open the transcript page</a> <span class="muted">(the link the CRMs receive)</span></p>` : ''}
<h2>Insights</h2>
${insightsView(insights)}
<h2>Redaction report</h2>
${redaction
  ? html`<p>Confidence ${percent(redaction.confidence)}. ${Object.keys(redaction.counts).length === 0 ? 'Nothing needed redacting.' : Object.entries(redaction.counts).map(([type, n]) => `${n} ${type}`).join(', ') + ' replaced.'}</p>`
  : html`<p class="muted">No report.</p>`}
<h2>State history</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">At</th><th scope="col">Stage</th><th scope="col">What happened</th></tr></thead>
<tbody>${call.history.map((h) => html`<tr><td>${formatTime(h.at as Date)}</td><td>${String(h.stage)}</td><td>${String(h.detail ?? '')}</td></tr>`)}</tbody></table></div>
<h2>Deliveries</h2>
${call.deliveries.length === 0 ? html`<p class="muted">Nothing queued for the CRMs yet.</p>` : ''}
${call.deliveries.map(
  (d) => html`<section aria-label="${d.sink} delivery"><h3>${d.sink} · ${d.eventType} · <span class="${d.status === 'dead' ? 'bad' : d.status === 'delivered' ? 'ok' : ''}">${d.status}</span></h3>
<p class="muted">Queued ${formatTime(d.createdAt)}${d.deliveredAt ? html` · delivered ${formatTime(d.deliveredAt)}` : ''} · ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}${d.lastError ? html` · last error: ${d.lastError}` : ''}</p>
${d.log.length > 0 ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Try</th><th scope="col">At</th><th scope="col">Request</th><th scope="col">Outcome</th><th scope="col">Error</th><th scope="col">Latency</th></tr></thead>
<tbody>${d.log.map((a) => html`<tr><td>${String(a.attempt)}</td><td>${formatTime(a.at as Date)}</td><td>${String(a.request_summary ?? '—')}</td><td>${String(a.outcome)}</td><td>${String(a.error ?? '—')}</td><td>${String(a.latency_ms)} ms</td></tr>`)}</tbody></table></div>` : ''}
</section>`,
)}
${deleted
  ? ''
  : html`<h2>Delete</h2><p>Removes the transcript, recording, numbers and analysis from the relay and ends the transcript link.${deps.file.retention.redactCrmsOnDelete ? ' The CRMs that received the call are told to clear the transcript.' : ' What the CRMs already hold stays there.'}</p>
<form method="post" action="/console/calls/${encodeURIComponent(call.id)}/delete" data-confirm="Delete this call's transcript and personal data? This cannot be undone.">
<input type="hidden" name="_csrf" value="${signedIn(res).csrf}"><button class="danger" type="submit">Delete call</button></form>`}`;
    sendPage(res, 200, consolePage(frame(res, `Call ${call.id}`, 'calls'), body));
  });

  router.post('/console/calls/:id/delete', async (req, res) => {
    const result = await deleteCall(deps.db, req.params.id, { redactCrms: deps.file.retention.redactCrmsOnDelete, who: `console user ${signedIn(res).session.user}` });
    if (result.status === 'not_found') return sendPage(res, 404, consolePage(frame(res, 'Not found', 'calls'), html`<h1>No such call</h1>`));
    if (result.status === 'deleted' && result.redactionsQueued.length > 0) deps.onReplay();
    res.redirect(303, `/console/calls/${encodeURIComponent(req.params.id)}?deleted=1`);
  });

  router.get('/console/dead-letters', async (req, res) => {
    const letters = await deps.outbox.deadLetters();
    const replayed = typeof req.query.replayed === 'string' ? Number(req.query.replayed) : null;
    const csrf = signedIn(res).csrf;
    const body = html`<h1>Dead letters</h1>
${replayed !== null && Number.isFinite(replayed) ? html`<p class="notice" role="status">${replayed} ${replayed === 1 ? 'delivery' : 'deliveries'} queued again.</p>` : ''}
<p>Deliveries that used up their tries. Replay puts them back in the queue with a fresh set of tries.</p>
${letters.length === 0
  ? html`<p class="ok">None.</p>`
  : html`<form method="post" action="/console/dead-letters/replay" data-confirm="Replay every dead letter?"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="all" value="1"><button type="submit">Replay all ${letters.length}</button></form>
<div class="table-wrap"><table><thead><tr><th scope="col">Delivery</th><th scope="col">Integration</th><th scope="col">Call</th><th scope="col">Tries</th><th scope="col">Dead since</th><th scope="col">Error</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${letters.map(
      (l) => html`<tr><td>${l.deliveryId}</td><td>${l.sink}</td><td><a href="/console/calls/${encodeURIComponent(l.callId)}">${l.callId}</a></td><td>${l.attempts}</td><td>${formatTime(l.deadAt)}</td><td>${l.error}</td>
<td><form method="post" action="/console/dead-letters/replay"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="deliveryId" value="${l.deliveryId}"><button type="submit" aria-label="Replay delivery ${l.deliveryId}">Replay</button></form></td></tr>`,
    )}</tbody></table></div>`}`;
    sendPage(res, 200, consolePage(frame(res, 'Dead letters', 'dead-letters'), body));
  });

  router.get('/console/quarantine', async (req, res) => {
    const page = z.coerce.number().int().min(1).max(100_000).catch(1).parse(req.query.page ?? 1);
    const { entries, total } = await listQuarantine(deps.db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const body = html`<h1>Quarantine</h1>
<p>Work set aside because it failed on its own, so that it never held up the rest: webhook events whose import failed, calls whose finalisation kept failing, deliveries that could not be read or sent. Each keeps its error and what was set aside (also at <code>GET /api/quarantine</code>).</p>
<p data-testid="quarantine-count">${total} ${total === 1 ? 'entry' : 'entries'}</p>
${entries.length === 0
  ? html`<p class="ok">None.</p>`
  : html`<div class="table-wrap"><table><thead><tr><th scope="col">Set aside</th><th scope="col">Kind</th><th scope="col">Call</th><th scope="col">Source</th><th scope="col">Error</th><th scope="col">Payload</th></tr></thead>
<tbody>${entries.map(
      (q) => html`<tr><td>${formatTime(q.quarantinedAt)}</td><td>${q.kind}</td><td>${q.callId ? html`<a href="/console/calls/${encodeURIComponent(q.callId)}">${q.callId}</a>` : '—'}</td><td>${q.source ?? '—'}</td><td>${q.error}</td>
<td>${q.payload === null ? '—' : html`<details><summary>Show</summary><pre>${JSON.stringify(q.payload, null, 2)}</pre></details>`}</td></tr>`,
    )}</tbody></table></div>`}
<nav class="pager" aria-label="Pages">${page > 1 ? html`<a href="/console/quarantine?page=${page - 1}" rel="prev">Previous</a>` : ''}<span>Page ${page} of ${pages}</span>${page < pages ? html`<a href="/console/quarantine?page=${page + 1}" rel="next">Next</a>` : ''}</nav>`;
    sendPage(res, 200, consolePage(frame(res, 'Quarantine', 'quarantine'), body));
  });

  router.post('/console/dead-letters/replay', async (req: Request, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = Number(body.deliveryId);
    const selector = body.all === '1' ? ({ all: true } as const) : Number.isInteger(id) && id > 0 ? { deliveryId: id } : null;
    if (!selector) return sendPage(res, 400, consolePage(frame(res, 'Bad request', 'dead-letters'), html`<h1>Nothing to replay</h1>`));
    const replayed = await deps.outbox.replay(selector);
    deps.onReplay();
    res.redirect(303, `/console/dead-letters?replayed=${replayed}`);
  });

  return router;
}
