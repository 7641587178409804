// The console's caller page: one caller's calls, found by number through the caller key (the
// number itself is sealed in the store), and beside each call what its agent was told at call
// start or asked mid-call. Retell's inbound webhook comes before its call has an id, so its
// answers are shown with the call that started within two minutes after them.
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AnalysisResult } from '../../analysis/analyser.ts';
import { CallerKeys, normalisePhone } from '../../context/caller-key.ts';
import { givenTo, type GivenRow } from '../../context/given.ts';
import { describe } from '../../context/variables.ts';
import { atRest } from '../../privacy/at-rest.ts';
import type { Db } from '../../store/db.ts';
import { signedIn } from './auth.ts';
import { formatTime, html, sendPage, type SafeHtml } from './html.ts';
import { dispositionLabel, intentLabel } from './labels.ts';
import { consolePage } from './layout.ts';

const Query = z.object({ phone: z.string().max(40).optional().catch(undefined) });
const MATCH_WINDOW_MS = 2 * 60_000;

type CallRow = { id: string; agent_id: string | null; provider: string; started_at: Date | null; consent: boolean | null; analysis: unknown };

function givenView(rows: GivenRow[]): SafeHtml {
  if (rows.length === 0) return html`<span class="muted">nothing recorded</span>`;
  return html`${rows.map(
    (g) => html`<div data-testid="given"><span class="muted">${formatTime(g.givenAt)} · ${g.platform} ${g.kind === 'tool' ? 'tool call' : g.kind} · sources ${Object.entries(g.context.sources)
      .map(([s, o]) => `${s} ${o}`)
      .join(', ')}</span><br>${describe(g.context)}</div>`,
  )}`;
}

export function callerPages(deps: { db: Db; keys: CallerKeys }): Router {
  const router = express.Router();
  router.get('/console/callers', async (req, res) => {
    const { session, csrf } = signedIn(res);
    const frame = { title: 'Callers', current: 'callers' as const, user: session.user, csrf };
    const q = Query.parse(req.query);
    const e164 = normalisePhone(q.phone);
    const form = html`<h1>Callers</h1>
<form class="filters" method="get" action="/console/callers" role="search" aria-label="Find a caller">
<div><label for="f-phone">Phone number</label><input id="f-phone" name="phone" value="${q.phone ?? ''}" placeholder="+15615550192" autocomplete="off"></div>
<button type="submit">Show history</button></form>`;
    if (!q.phone) return sendPage(res, 200, consolePage(frame, form));
    if (!e164) return sendPage(res, 400, consolePage(frame, html`${form}<p class="alert" role="alert">Not a phone number.</p>`));
    const key = deps.keys.of(e164);
    const calls = await deps.db.query<CallRow>(
      `select id, agent_id, provider, started_at, consent, analysis from calls where caller_key = $1 and stage = 'analysed' order by started_at desc limit 50`,
      [key],
    );
    const given = await givenTo(deps.db, key, 200);
    const fields = atRest(deps.db);
    const forCall = (call: CallRow) =>
      given.filter((g) => {
        if (g.callId) return g.callId === call.id;
        const start = call.started_at?.getTime();
        return start !== undefined && g.givenAt.getTime() <= start + 60_000 && start - g.givenAt.getTime() <= MATCH_WINDOW_MS;
      });
    const body = html`${form}
<h2>${e164}</h2>
<p data-testid="caller-call-count">${calls.length} ${calls.length === 1 ? 'call' : 'calls'}</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Started</th><th scope="col">Call</th><th scope="col">Agent</th><th scope="col">Intent</th><th scope="col">Outcome</th><th scope="col">What the agent was told</th></tr></thead>
<tbody>${calls.map((c) => {
      const insights = fields.openAnalysis(c.analysis as AnalysisResult | null)?.insights;
      return html`<tr><td>${formatTime(c.started_at)}</td><td><a href="/console/calls/${encodeURIComponent(c.id)}">${c.id}</a></td><td>${c.agent_id ?? '—'}</td>
<td>${intentLabel(insights?.intent ?? null)}</td><td>${dispositionLabel(insights?.disposition ?? null)}</td><td>${givenView(forCall(c))}</td></tr>`;
    })}</tbody></table></div>
<h2>Every answer given about this caller</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">At</th><th scope="col">Platform</th><th scope="col">Call</th><th scope="col">Agent</th><th scope="col">Told</th></tr></thead>
<tbody>${given.map((g) => html`<tr><td>${formatTime(g.givenAt)}</td><td>${g.platform} ${g.kind}</td><td>${g.callId ?? '—'}</td><td>${g.agentId ?? '—'}</td><td>${describe(g.context)}</td></tr>`)}</tbody></table></div>`;
    sendPage(res, 200, consolePage(frame, body));
  });
  return router;
}
