// The HubSpot sink: for each call, the contact (found or created), a call engagement linked to
// it, its primary company and (configurably) its open deal and ticket, a follow-up task linked
// the same way when one is due, the contact's lead status and lifecycle stage (forward only),
// and the full transcript only when the policy sends it. HubSpot runs none of our code, so the
// matching happens here.
//
// Idempotency: HubSpot has no unique-value properties on calls or tasks, so the relay records
// each step of a call in its own store as it goes (contact, call, task). A retry resumes after
// the last completed step. A step whose request went out but whose answer never arrived (a
// crash, a dropped connection) has an unknown outcome: after HubSpot's search index has had
// time to catch up, the sink searches calls or tasks by ai_call_id before creating. A call
// marked done costs no request at all on replay.
//
// Batches: HubSpot answers 207 with per-item errors; every call gets its own outcome, and a call
// is delivered only when each of its writes succeeded. A call is never created without its
// contact association: the association goes in the create request itself.
import type { Logger } from 'pino';
import { HubSpotSyncOptions, policyFor, type Config, type Integration } from '../../config.ts';
import type { Metrics } from '../../metrics.ts';
import { applyPolicy, type CrmView } from '../policy.ts';
import type { DeliveryItem, DeliveryOutcome, Sink } from '../sink.ts';
import { associationTypes, HubSpotApi, type Association, type CrmObject, type EngagementType, type Properties } from './api.ts';
import { resolveContacts, newestView, type ResolvedContact } from './contacts.ts';
import { DispositionCatalog } from './dispositions.ts';
import { isPermanent, outcomeFor, toHubSpotError } from './errors.ts';
import { LeadStatusOptions } from './lead-statuses.ts';
import { HubSpotPaused, PortalLimiter } from './limiter.ts';
import { SqlSharedLimits } from './shared-limits.ts';
import type { Db } from '../../store/db.ts';
import type { CallStep, CallSteps, HubSpotMappingStore } from './mapping.ts';
import { props } from './properties.ts';
import {
  callProperties,
  latestCallFields,
  leadStatusFor,
  leadStatusMove,
  lifecycleTargetFor,
  lifecycleUpgrade,
  needsFollowUp,
  outcomeLabel,
  playableRecording,
  taskProperties,
} from './records.ts';
import { relatedRecords, type Related } from './related.ts';

export type HubSpotSinkOptions = {
  api: HubSpotApi;
  mappings: HubSpotMappingStore;
  integration: Integration;
  options?: HubSpotSyncOptions;
  log?: Logger;
  now?: () => number;
};

/** One call on its way through the steps, and what stops it. */
type Work = {
  item: DeliveryItem;
  view: CrmView;
  steps: CallSteps;
  contact: ResolvedContact | null;
  related: Related | null;
  notes: string[];
  /** Set once a write for this call failed: the call is retried, its later steps wait. */
  blocked: DeliveryOutcome | null;
};

export class HubSpotSink implements Sink {
  readonly name = 'hubspot' as const;
  private readonly api: HubSpotApi;
  private readonly mappings: HubSpotMappingStore;
  private readonly integration: Integration;
  private readonly options: HubSpotSyncOptions;
  private readonly dispositions: DispositionCatalog;
  private readonly leadStatuses: LeadStatusOptions;
  private readonly log: Logger | undefined;
  private readonly now: () => number;
  private delivered = 0;

  constructor(options: HubSpotSinkOptions) {
    this.api = options.api;
    this.mappings = options.mappings;
    this.integration = options.integration;
    this.options = options.options ?? HubSpotSyncOptions.parse({});
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.dispositions = new DispositionCatalog(options.api, this.now);
    this.leadStatuses = new LeadStatusOptions(options.api, this.now);
  }

  /** For the benchmark: requests and calls so far (their ratio is requests per synced call). */
  get stats(): { requests: number; deliveredCalls: number; peakRequestsPerTenSeconds: number; tenSecondBudget: number } {
    return {
      requests: this.api.requestCount,
      deliveredCalls: this.delivered,
      peakRequestsPerTenSeconds: this.api.limiter.peakPerTenSeconds,
      tenSecondBudget: this.api.limiter.tenSecondBudget,
    };
  }

  /** For the console: the busiest 10 seconds so far against the limiter's budget. */
  apiUsage(): { measure: string; used: number; limit: number }[] {
    return [{ measure: 'busiest 10 seconds (requests)', used: this.api.limiter.peakPerTenSeconds, limit: this.api.limiter.tenSecondBudget }];
  }

  /** A rate-limit or daily-limit pause: the outbox waits instead of spending tries. */
  pausedForMs(): number {
    return this.api.limiter.pausedForMs();
  }

  /**
   * A call deleted in the relay with redactCrmsOnDelete on: the call engagement keeps its time,
   * duration and outcome, and loses the summary and transcript link it held. A call HubSpot
   * never received has nothing to clear.
   */
  private async redact(callId: string): Promise<DeliveryOutcome> {
    const engagementId = (await this.mappings.steps([callId])).get(callId)?.call?.hubspotId ?? (await this.mappings.get('call', callId));
    if (!engagementId) return { status: 'delivered', detail: 'HubSpot holds nothing for this call' };
    try {
      const result = await this.api.updateCalls([
        { id: engagementId, properties: { hs_call_body: '<p>Removed: this call was deleted in AI Call Sync.</p>', [props.summary]: '', [props.transcriptUrl]: '' } },
      ]);
      if (result.results.length === 0) return { status: 'retry', error: `redaction not written: ${result.errors[0] ?? 'HubSpot returned no record'}` };
      return { status: 'delivered', detail: 'summary and transcript link cleared' };
    } catch (error) {
      return outcomeFor(error);
    }
  }

  async deliver(items: DeliveryItem[]): Promise<DeliveryOutcome[]> {
    const outcomes = new Map<string, DeliveryOutcome>();
    const pending: DeliveryItem[] = [];
    for (const item of items) {
      const { snapshot } = item;
      if (snapshot.eventType === 'redact') {
        outcomes.set(item.deliveryId, await this.redact(snapshot.callId));
        continue;
      }
      const done = await this.mappings.get('call', snapshot.callId);
      if (done) outcomes.set(item.deliveryId, { status: 'delivered', detail: `already logged as call ${done}` });
      else pending.push(item);
    }
    for (const [deliveryId, outcome] of await this.deliverWork(pending)) outcomes.set(deliveryId, outcome);
    return items.map((item) => outcomes.get(item.deliveryId) ?? { status: 'retry', error: 'no outcome recorded' });
  }

  private async deliverWork(items: DeliveryItem[]): Promise<Map<string, DeliveryOutcome>> {
    const outcomes = new Map<string, DeliveryOutcome>();
    if (items.length === 0) return outcomes;
    const steps = await this.mappings.steps(items.map((i) => i.snapshot.callId));
    const work: Work[] = items.map((item) => ({
      item,
      view: applyPolicy(item.snapshot, policyFor(this.integration, item.snapshot.agentId)),
      steps: steps.get(item.snapshot.callId) ?? {},
      contact: null,
      related: null,
      notes: [],
      blocked: null,
    }));
    try {
      await this.write(work);
      for (const w of work) {
        const callId = w.steps.call?.hubspotId;
        if (w.blocked || !callId) {
          outcomes.set(w.item.deliveryId, w.blocked ?? { status: 'retry', error: 'HubSpot returned no call id' });
          continue;
        }
        await this.mappings.put('call', w.view.callId, callId);
        this.delivered += 1;
        outcomes.set(w.item.deliveryId, { status: 'delivered', detail: [`call ${callId}`, ...w.notes].join('; ') });
      }
    } catch (error) {
      // One bad record must not hold back the rest: a permanent refusal of a batch is retried
      // call by call, so only the call HubSpot really refuses goes to the dead letters.
      if (items.length > 1 && isPermanent(error)) {
        for (const item of items) for (const [id, outcome] of await this.deliverWork([item])) outcomes.set(id, outcome);
        return outcomes;
      }
      const outcome = outcomeFor(error);
      this.log?.warn({ sink: 'hubspot', calls: work.length, status: toHubSpotError(error).status, outcome: outcome.status }, 'HubSpot delivery failed');
      for (const { item } of work) outcomes.set(item.deliveryId, outcome);
    }
    return outcomes;
  }

  /** Runs the steps for a batch of calls; each call ends either done or blocked with a reason. */
  private async write(work: Work[]): Promise<void> {
    const offered = await this.leadStatuses.values();
    await this.resolveContacts(work, offered);
    await this.updateContacts(work.filter((w) => !w.blocked), offered);
    const linked = work.filter((w) => !w.blocked && w.contact);
    const related = await relatedRecords(this.api, [...new Map(linked.map((w) => [w.contact?.id ?? '', w.contact as ResolvedContact])).values()], this.options);
    for (const w of linked) w.related = related.get(w.contact?.id ?? '') ?? null;

    for (const w of work) {
      const recording = playableRecording(w.view).note;
      if (recording) w.notes.push(recording);
    }
    const guids = new Map<string, string | null>();
    for (const w of work) {
      const label = outcomeLabel(w.view);
      if (label && !guids.has(label)) guids.set(label, await this.dispositions.guidFor(label));
      if (label && !guids.get(label)) w.notes.push(`call outcome "${label}" not set: the portal has no such outcome`);
    }
    await this.step('calls', work, (w) => {
      const properties = callProperties(w.view, guids.get(outcomeLabel(w.view) ?? '') ?? null, this.now);
      const owner = w.contact?.properties.hubspot_owner_id;
      if (owner) properties.hubspot_owner_id = owner;
      if (w.notes.length > 0) properties[props.syncNotes] = w.notes.join('\n');
      return properties;
    });
    await this.step(
      'tasks',
      work.filter((w) => needsFollowUp(w.view)),
      (w) => taskProperties(w.view, w.contact?.properties.hubspot_owner_id ?? null, this.now),
    );
    await this.sendTranscripts(work.filter((w) => !w.blocked && w.view.transcript));
  }

  private async resolveContacts(work: Work[], offered: ReadonlySet<string>): Promise<void> {
    const known = new Map(work.flatMap((w) => (w.steps.contact?.hubspotId ? [[w.view.callId, w.steps.contact.hubspotId] as const] : [])));
    const resolution = await resolveContacts(this.api, this.mappings, work.map((w) => w.view), known, (view): Properties => {
      const status = leadStatusMove(null, leadStatusFor(view), this.options.leadStatusOrder, offered).write;
      return status ? { hs_lead_status: status } : {};
    });
    const done: { callId: string; hubspotId: string | null }[] = [];
    for (const w of work) {
      w.notes.push(...(resolution.notes.get(w.view.callId) ?? []));
      const failure = resolution.unresolved.get(w.view.callId);
      if (failure) {
        w.blocked = { status: 'retry', error: failure };
        continue;
      }
      w.contact = resolution.contacts.get(w.view.callId) ?? null;
      if (w.contact?.created) {
        const note = leadStatusMove(null, leadStatusFor(w.view), this.options.leadStatusOrder, offered).note;
        if (note) w.notes.push(note);
      }
      done.push({ callId: w.view.callId, hubspotId: w.contact?.id ?? null });
    }
    await this.mappings.complete('contact', done);
  }

  /**
   * Existing contacts get the newest call's fields, a lifecycle stage and a lead status that
   * only move forward, and never a new name. New ones got all of it when created.
   */
  private async updateContacts(work: Work[], offered: ReadonlySet<string>): Promise<void> {
    const byContact = new Map<string, { contact: ResolvedContact; work: Work[] }>();
    for (const w of work) {
      if (!w.contact || w.contact.created || w.steps.call?.done) continue;
      const entry = byContact.get(w.contact.id) ?? { contact: w.contact, work: [] };
      entry.work.push(w);
      byContact.set(w.contact.id, entry);
    }
    const inputs: { id: string; properties: Properties }[] = [];
    for (const { contact, work: ofContact } of byContact.values()) {
      const newest = newestView(ofContact.map((w) => w.view));
      const properties = latestCallFields(newest);
      const stage = lifecycleUpgrade(contact.properties.lifecyclestage, lifecycleTargetFor(newest));
      if (stage) properties.lifecyclestage = stage;
      const status = leadStatusMove(contact.properties.hs_lead_status, leadStatusFor(newest), this.options.leadStatusOrder, offered);
      if (status.write) properties.hs_lead_status = status.write;
      if (status.note) for (const w of ofContact) w.notes.push(status.note);
      if (Object.keys(properties).length > 0) inputs.push({ id: contact.id, properties });
    }
    const result = await this.api.updateContacts(inputs);
    const updated = new Set(result.results.map((r) => r.id));
    for (const input of inputs) {
      if (updated.has(input.id)) continue;
      for (const w of byContact.get(input.id)?.work ?? []) w.blocked = { status: 'retry', error: `contact not updated: ${result.errors[0] ?? 'HubSpot returned no record'}` };
    }
  }

  /**
   * Creates the calls or tasks these calls still need, each with its associations in the
   * create request. Skips what is done, waits out or searches for what has an unknown outcome.
   */
  private async step(type: EngagementType, work: Work[], properties: (w: Work) => Properties): Promise<void> {
    const step: CallStep = type === 'calls' ? 'call' : 'task';
    const open = work.filter((w) => !w.blocked && !w.steps[step]?.done);
    const unknown = open.filter((w) => w.steps[step]);
    const waitMs = this.options.unknownOutcomeWaitSeconds * 1000;
    for (const w of unknown) {
      const left = (w.steps[step]?.startedAt ?? 0) + waitMs - this.now();
      if (left > 0) w.blocked = { status: 'retry', error: `the ${step} create had no answer; looking for it once HubSpot's search index has caught up`, retryAfterMs: left };
    }
    const searchable = unknown.filter((w) => !w.blocked);
    if (searchable.length > 0) {
      const found = await this.api.searchByCallId(type, props.callId, searchable.map((w) => w.view.callId));
      this.record(step, searchable, found);
    }
    const create = open.filter((w) => !w.blocked && !w.steps[step]?.done);
    if (create.length === 0) return;
    await this.mappings.begin(step, create.map((w) => w.view.callId));
    let result;
    try {
      result = await this.api.createEngagements(
        type,
        create.map((w) => ({ properties: properties(w), associations: associationsFor(type, w) })),
      );
    } catch (error) {
      // A refusal (429, 4xx) means nothing was written; a 5xx or a lost connection leaves the
      // outcome unknown, and the started step makes the next try look before it creates.
      if (isRefusal(error)) await this.mappings.abandon(step, create.map((w) => w.view.callId));
      throw error;
    }
    this.record(step, create, result.results);
    await this.mappings.complete(
      step,
      create.flatMap((w) => (w.steps[step]?.done ? [{ callId: w.view.callId, hubspotId: w.steps[step]?.hubspotId ?? null }] : [])),
    );
    for (const w of create) {
      if (!w.steps[step]?.done) w.blocked = { status: 'retry', error: `${step} not created: ${result.errors[0] ?? 'HubSpot returned no record'}` };
    }
  }

  /** Marks the step done for each call whose record HubSpot returned (matched by ai_call_id). */
  private record(step: CallStep, work: Work[], records: CrmObject[]): void {
    const byCallId = new Map(records.map((r) => [r.properties[props.callId] ?? '', r.id]));
    for (const w of work) {
      const id = byCallId.get(w.view.callId);
      if (id) w.steps[step] = { done: true, hubspotId: id, startedAt: w.steps[step]?.startedAt ?? this.now() };
    }
  }

  /** Full transcripts, once per call; a token that may not send them leaves the call delivered, with a note. */
  private async sendTranscripts(work: Work[]): Promise<void> {
    for (const w of work) {
      const engagementId = w.steps.call?.hubspotId;
      if (!engagementId || (await this.mappings.get('transcript', w.view.callId))) continue;
      try {
        const transcript = await this.api.createTranscript(engagementId, utterances(w.view));
        await this.mappings.put('transcript', w.view.callId, transcript.id);
      } catch (error) {
        if (toHubSpotError(error).status !== 403) throw error;
        w.notes.push('transcript not synced: it needs an OAuth app with the calling transcript scopes');
      }
    }
  }
}

function isRefusal(error: unknown): boolean {
  if (error instanceof HubSpotPaused) return true; // never sent
  const status = toHubSpotError(error).status;
  return status >= 400 && status < 500 && status !== 408;
}

/** The contact, its primary company, open deal and open ticket, with HubSpot's type ids. */
function associationsFor(type: EngagementType, w: Work): Association[] {
  const ids = associationTypes[type];
  const out: Association[] = [];
  if (w.contact) out.push({ toId: w.contact.id, typeId: ids.contacts });
  if (w.related?.companyId) out.push({ toId: w.related.companyId, typeId: ids.companies });
  if (w.related?.dealId) out.push({ toId: w.related.dealId, typeId: ids.deals });
  if (w.related?.ticketId) out.push({ toId: w.related.ticketId, typeId: ids.tickets });
  return out;
}

function utterances(view: CrmView) {
  const turns = view.transcript ?? [];
  const end = view.durationSeconds * 1000;
  return turns.map((turn, index) => {
    const start = turn.startMs ?? 0;
    const next = turns[index + 1]?.startMs ?? end;
    return {
      speaker: turn.speaker === 'agent' ? { id: 'agent', name: 'AI agent' } : { id: 'caller', name: 'Caller' },
      text: turn.text,
      startTimeMillis: start,
      endTimeMillis: Math.max(start, next),
    };
  });
}

export type HubSpotSinkDeps = { api: HubSpotApi | null; log: Logger; mappings: HubSpotMappingStore };

/**
 * The portal's API client from the environment, or null when no token is configured. Build
 * it once and give it to both the sink and the card endpoint: they share the portal's limits.
 */
export function createHubSpotApi(config: Config, metrics?: Metrics, db?: Db): HubSpotApi | null {
  const token = config.env.HUBSPOT_ACCESS_TOKEN;
  if (!token) return null;
  // On PostgreSQL several relays may share the portal: they share its budget through the store.
  const limiter = db && config.env.DATABASE_URL ? new PortalLimiter({ shared: new SqlSharedLimits(db) }) : undefined;
  return new HubSpotApi({
    accessToken: token,
    ...(config.env.HUBSPOT_BASE_URL ? { basePath: config.env.HUBSPOT_BASE_URL } : {}),
    ...(metrics ? { metrics } : {}),
    ...(limiter ? { limiter } : {}),
  });
}

/** The HubSpot sink when a token is configured and the integration is enabled, else null. */
export function createHubSpotSink(config: Config, deps: HubSpotSinkDeps): HubSpotSink | null {
  const integration = config.file.integrations.hubspot;
  if (!deps.api || !integration.enabled) return null;
  return new HubSpotSink({ api: deps.api, mappings: deps.mappings, integration, options: config.file.hubspot, log: deps.log.child({ sink: 'hubspot' }) });
}
