// The HubSpot sink: for each call, the contact (found or created), a call engagement linked to
// it, a follow-up task when one is due, the contact's lead status and lifecycle stage, and the
// full transcript only when the policy sends it. HubSpot runs none of our code, so the
// matching happens here. Every step is idempotent on the call id:
// - the relay's mapping marks a call as done once everything for it is written, so a replay
//   costs no request at all;
// - calls and tasks carry a unique ai_call_id; they are created with their associations in one
//   request, and if that conflicts (an earlier attempt got that far) the sink falls back to a
//   batch upsert by ai_call_id plus default associations, which change nothing that exists.
// A batch shares its requests: one search per unknown caller, then one request per kind of write.
import type { Logger } from 'pino';
import { policyFor, type Config, type Integration } from '../../config.ts';
import type { Metrics } from '../../metrics.ts';
import { applyPolicy, type CrmView } from '../policy.ts';
import type { DeliveryItem, DeliveryOutcome, Sink } from '../sink.ts';
import { associationTypes, HubSpotApi, type CreateInput, type EngagementType, type Properties } from './api.ts';
import { resolveContacts, newestView, type ResolvedContact } from './contacts.ts';
import { DispositionCatalog } from './dispositions.ts';
import { isPermanent, outcomeFor, toHubSpotError } from './errors.ts';
import type { HubSpotMappingStore } from './mapping.ts';
import { props } from './properties.ts';
import {
  callProperties,
  latestCallFields,
  lifecycleTargetFor,
  lifecycleUpgrade,
  needsFollowUp,
  outcomeLabel,
  taskProperties,
} from './records.ts';

export type HubSpotSinkOptions = {
  api: HubSpotApi;
  mappings: HubSpotMappingStore;
  integration: Integration;
  log?: Logger;
  now?: () => number;
};

type Work = { item: DeliveryItem; view: CrmView };

export class HubSpotSink implements Sink {
  readonly name = 'hubspot' as const;
  private readonly api: HubSpotApi;
  private readonly mappings: HubSpotMappingStore;
  private readonly integration: Integration;
  private readonly dispositions: DispositionCatalog;
  private readonly log: Logger | undefined;
  private readonly now: () => number;
  private delivered = 0;

  constructor(options: HubSpotSinkOptions) {
    this.api = options.api;
    this.mappings = options.mappings;
    this.integration = options.integration;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.dispositions = new DispositionCatalog(options.api, this.now);
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
   * never received has nothing to clear; upserting it would create one.
   */
  private async redact(callId: string): Promise<DeliveryOutcome> {
    if (!(await this.mappings.get('call', callId))) return { status: 'delivered', detail: 'HubSpot holds nothing for this call' };
    try {
      await this.api.upsertEngagements('calls', [
        { idProperty: props.callId, id: callId, properties: { hs_call_body: '<p>Removed: this call was deleted in AI Call Sync.</p>', [props.summary]: '', [props.transcriptUrl]: '' } },
      ]);
      return { status: 'delivered', detail: 'summary and transcript link cleared' };
    } catch (error) {
      return outcomeFor(error);
    }
  }

  async deliver(items: DeliveryItem[]): Promise<DeliveryOutcome[]> {
    const outcomes = new Map<string, DeliveryOutcome>();
    const work: Work[] = [];
    for (const item of items) {
      const { snapshot } = item;
      if (snapshot.eventType === 'redact') {
        outcomes.set(item.deliveryId, await this.redact(snapshot.callId));
        continue;
      }
      const done = await this.mappings.get('call', snapshot.callId);
      if (done) {
        outcomes.set(item.deliveryId, { status: 'delivered', detail: `already logged as call ${done}` });
        continue;
      }
      work.push({ item, view: applyPolicy(snapshot, policyFor(this.integration, snapshot.agentId)) });
    }
    for (const [deliveryId, outcome] of await this.deliverWork(work)) outcomes.set(deliveryId, outcome);
    return items.map((item) => outcomes.get(item.deliveryId) ?? { status: 'retry', error: 'no outcome recorded' });
  }

  private async deliverWork(work: Work[]): Promise<Map<string, DeliveryOutcome>> {
    const outcomes = new Map<string, DeliveryOutcome>();
    if (work.length === 0) return outcomes;
    try {
      const engagementIds = await this.write(work.map((w) => w.view));
      for (const { item, view } of work) {
        const id = engagementIds.get(view.callId);
        outcomes.set(item.deliveryId, id ? { status: 'delivered', detail: `call ${id}` } : { status: 'retry', error: 'HubSpot returned no call id' });
        if (id) this.delivered += 1;
      }
    } catch (error) {
      // One bad record must not hold back the rest: a permanent refusal of a batch is retried
      // call by call, so only the call HubSpot really refuses goes to the dead letters.
      if (work.length > 1 && isPermanent(error)) {
        for (const one of work) for (const [id, outcome] of await this.deliverWork([one])) outcomes.set(id, outcome);
        return outcomes;
      }
      const outcome = outcomeFor(error);
      this.log?.warn({ sink: 'hubspot', calls: work.length, status: toHubSpotError(error).status, outcome: outcome.status }, 'HubSpot delivery failed');
      for (const { item } of work) outcomes.set(item.deliveryId, outcome);
    }
    return outcomes;
  }

  /** Writes everything for a batch of calls; returns call id -> call engagement id. */
  private async write(views: CrmView[]): Promise<Map<string, string>> {
    const contacts = await resolveContacts(this.api, this.mappings, views);
    await this.updateContacts(views, contacts);

    const guids = new Map<string, string | null>();
    for (const view of views) {
      const label = outcomeLabel(view);
      if (label && !guids.has(label)) guids.set(label, await this.dispositions.guidFor(label));
    }
    const calls = await this.writeEngagements(
      'calls',
      views.map((view) => ({
        callId: view.callId,
        properties: callProperties(view, guids.get(outcomeLabel(view) ?? '') ?? null, this.now),
        contactId: contacts.get(view.callId)?.id ?? null,
      })),
    );
    await this.writeEngagements(
      'tasks',
      views.filter(needsFollowUp).map((view) => {
        const contact = contacts.get(view.callId) ?? null;
        return {
          callId: view.callId,
          properties: taskProperties(view, contact?.properties.hubspot_owner_id ?? null, this.now),
          contactId: contact?.id ?? null,
        };
      }),
    );
    for (const view of views) {
      const engagementId = calls.get(view.callId);
      if (!engagementId || !view.transcript || (await this.mappings.get('transcript', view.callId))) continue;
      const transcript = await this.api.createTranscript(engagementId, utterances(view));
      await this.mappings.put('transcript', view.callId, transcript.id);
    }
    for (const [callId, engagementId] of calls) await this.mappings.put('call', callId, engagementId);
    return calls;
  }

  /** Existing contacts get the newest call's fields; new ones got them when created. */
  private async updateContacts(views: CrmView[], contacts: Map<string, ResolvedContact | null>): Promise<void> {
    const byContact = new Map<string, { contact: ResolvedContact; views: CrmView[] }>();
    for (const view of views) {
      const contact = contacts.get(view.callId);
      if (!contact || contact.created) continue;
      const entry = byContact.get(contact.id) ?? { contact, views: [] };
      entry.views.push(view);
      byContact.set(contact.id, entry);
    }
    const inputs: { id: string; properties: Properties }[] = [];
    for (const { contact, views: ofContact } of byContact.values()) {
      const newest = newestView(ofContact);
      const properties = latestCallFields(newest);
      const stage = lifecycleUpgrade(contact.properties.lifecyclestage, lifecycleTargetFor(newest));
      if (stage) properties.lifecyclestage = stage;
      if (Object.keys(properties).length > 0) inputs.push({ id: contact.id, properties });
    }
    await this.api.updateContacts(inputs);
  }

  /** Creates calls or tasks with their contact association; on conflict, upserts by call id. */
  private async writeEngagements(
    type: EngagementType,
    rows: { callId: string; properties: Properties; contactId: string | null }[],
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (rows.length === 0) return ids;
    const typeId = type === 'calls' ? associationTypes.callToContact : associationTypes.taskToContact;
    const inputs: CreateInput[] = rows.map((row) => ({
      properties: row.properties,
      associations: row.contactId ? [{ toId: row.contactId, typeId }] : [],
    }));
    try {
      for (const created of await this.api.createEngagements(type, inputs)) {
        const callId = created.properties[props.callId];
        if (callId) ids.set(callId, created.id);
      }
      return ids;
    } catch (error) {
      if (!toHubSpotError(error).isConflict) throw error;
    }
    // An earlier attempt created some of these: upsert all by call id, then make sure each is
    // linked to its contact (linking an existing pair is a no-op).
    const upserted = await this.api.upsertEngagements(
      type,
      rows.map((row) => ({ idProperty: props.callId, id: row.callId, properties: row.properties })),
    );
    for (const result of upserted) {
      const callId = result.properties[props.callId];
      if (callId) ids.set(callId, result.id);
    }
    const pairs = rows.flatMap((row) => {
      const fromId = ids.get(row.callId);
      return fromId && row.contactId ? [{ fromId, toId: row.contactId }] : [];
    });
    await this.api.associateDefault(type, 'contacts', pairs);
    return ids;
  }
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
export function createHubSpotApi(config: Config, metrics?: Metrics): HubSpotApi | null {
  const token = config.env.HUBSPOT_ACCESS_TOKEN;
  if (!token) return null;
  return new HubSpotApi({ accessToken: token, ...(config.env.HUBSPOT_BASE_URL ? { basePath: config.env.HUBSPOT_BASE_URL } : {}), ...(metrics ? { metrics } : {}) });
}

/** The HubSpot sink when a token is configured and the integration is enabled, else null. */
export function createHubSpotSink(config: Config, deps: HubSpotSinkDeps): HubSpotSink | null {
  const integration = config.file.integrations.hubspot;
  if (!deps.api || !integration.enabled) return null;
  return new HubSpotSink({ api: deps.api, mappings: deps.mappings, integration, log: deps.log.child({ sink: 'hubspot' }) });
}
