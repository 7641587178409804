// What HubSpot receives for one call, built from the policy-filtered view only (so nothing the
// policy withholds can leak in): the call engagement, the follow-up task and the contact's
// fields. Pure functions; the sink decides when to send them.
import type { CrmView } from '../policy.ts';
import { dispositionEntry, labelOf, pipelineStageEntry, taxonomy } from '../../taxonomy.ts';
import type { Properties } from './api.ts';
import { props } from './properties.ts';

/** A name is written to a contact only when the analysis is at least this sure of it. */
export const NAME_CONFIDENCE_THRESHOLD = 0.8;

/** Dispositions that promise the caller a call back even when no next action was extracted. */
const FOLLOW_UP_DISPOSITIONS = new Set(['callback_requested', 'message_taken']);

/** Calls that must not create a contact: nobody to follow up with. */
const NO_CONTACT_DISPOSITIONS = new Set(['spam', 'wrong_number']);

/** HubSpot's default lifecycle stages in order; the relay only ever moves a contact forward. */
const LIFECYCLE_ORDER = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist'];

const DAY_MS = 86_400_000;

export function callTime(view: CrmView): string | null {
  return view.startedAt ?? view.endedAt;
}

export function mayCreateContact(view: CrmView): boolean {
  return !(view.disposition && NO_CONTACT_DISPOSITIONS.has(view.disposition));
}

export function needsFollowUp(view: CrmView): boolean {
  return view.nextAction !== null || view.nextActionDue !== null || (view.disposition !== null && FOLLOW_UP_DISPOSITIONS.has(view.disposition));
}

export function leadStatusFor(view: CrmView): string | null {
  const fromStage = view.pipelineStage ? pipelineStageEntry(view.pipelineStage).hubspot.leadStatus : null;
  const fromDisposition = view.disposition ? dispositionEntry(view.disposition).hubspot.leadStatus : null;
  return fromStage ?? fromDisposition;
}

export function lifecycleTargetFor(view: CrmView): string | null {
  return view.pipelineStage ? pipelineStageEntry(view.pipelineStage).hubspot.lifecycleStage : null;
}

/** The stage to write, or null when that would keep or lower the current one. */
export function lifecycleUpgrade(current: string | null | undefined, target: string | null): string | null {
  if (!target) return null;
  if (!current) return target;
  const from = LIFECYCLE_ORDER.indexOf(current);
  const to = LIFECYCLE_ORDER.indexOf(target);
  // A custom stage we cannot place is left alone rather than guessed over.
  if (from === -1 || to === -1) return null;
  return to > from ? target : null;
}

export function outcomeLabel(view: CrmView): string | null {
  return view.disposition ? dispositionEntry(view.disposition).hubspot.callOutcome : null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function paragraphs(text: string): string {
  return text
    .split('\n')
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('');
}

function headline(view: CrmView): string {
  const parts = [
    view.intent ? labelOf(taxonomy.intents, view.intent) : null,
    view.disposition ? labelOf(taxonomy.dispositions, view.disposition) : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' · ') : 'Not analysed';
}

export function callBody(view: CrmView): string {
  const blocks = [`<p><strong>AI call:</strong> ${escapeHtml(headline(view))}</p>`];
  if (view.summary) blocks.push(paragraphs(view.summary));
  if (view.nextAction) blocks.push(`<p><strong>Next action:</strong> ${escapeHtml(view.nextAction)}</p>`);
  if (view.transcriptUrl) blocks.push(`<p><a href="${escapeHtml(view.transcriptUrl)}">Transcript</a></p>`);
  return blocks.join('');
}

export function callProperties(view: CrmView, outcomeGuid: string | null, now: () => number = Date.now): Properties {
  const properties: Properties = {
    [props.callId]: view.callId,
    hs_timestamp: callTime(view) ?? new Date(now()).toISOString(),
    hs_call_title: `AI call: ${headline(view)}`,
    hs_call_body: callBody(view),
    hs_call_duration: String(view.durationSeconds * 1000),
    hs_call_direction: view.direction === 'inbound' ? 'INBOUND' : 'OUTBOUND',
    hs_call_status: 'COMPLETED',
  };
  if (view.fromPhone) properties.hs_call_from_number = view.fromPhone;
  if (view.toPhone) properties.hs_call_to_number = view.toPhone;
  if (outcomeGuid) properties.hs_call_disposition = outcomeGuid;
  if (view.recordingUrl) properties.hs_call_recording_url = view.recordingUrl;
  if (view.intent) properties[props.intent] = view.intent;
  if (view.intentConfidence !== null) properties[props.intentConfidence] = String(view.intentConfidence);
  if (view.disposition) properties[props.disposition] = view.disposition;
  if (view.summary) properties[props.summary] = view.summary;
  if (view.transcriptUrl) properties[props.transcriptUrl] = view.transcriptUrl;
  return properties;
}

export function taskProperties(view: CrmView, ownerId: string | null, now: () => number = Date.now): Properties {
  const start = Date.parse(callTime(view) ?? '') || now();
  const due = view.nextActionDue && !Number.isNaN(Date.parse(view.nextActionDue)) ? view.nextActionDue : new Date(start + DAY_MS).toISOString();
  const urgent = view.tags.includes('urgent') || view.tags.includes('emergency');
  const what = view.nextAction ?? (view.disposition ? labelOf(taxonomy.dispositions, view.disposition) : 'AI call');
  const body = [
    view.summary ? paragraphs(view.summary) : '',
    view.transcriptUrl ? `<p><a href="${escapeHtml(view.transcriptUrl)}">Transcript</a></p>` : '',
  ].join('');
  const properties: Properties = {
    [props.callId]: view.callId,
    hs_timestamp: due,
    hs_task_subject: `Follow up: ${what}`.slice(0, 250),
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: urgent ? 'HIGH' : 'MEDIUM',
    hs_task_type: 'CALL',
  };
  if (body) properties.hs_task_body = body;
  if (ownerId) properties.hubspot_owner_id = ownerId;
  return properties;
}

/** Fields that describe the latest call on the contact; the newest call in a batch wins. */
export function latestCallFields(view: CrmView): Properties {
  const fields: Properties = {};
  if (view.intent) fields[props.lastIntent] = view.intent;
  if (view.disposition) fields[props.lastDisposition] = view.disposition;
  if (view.summary) fields[props.lastSummary] = view.summary;
  const time = callTime(view);
  if (time) fields[props.lastCallAt] = time;
  const leadStatus = leadStatusFor(view);
  if (leadStatus) fields.hs_lead_status = leadStatus;
  return fields;
}

/** A new contact: the caller's number, a confident name, an email, and the call's fields. */
export function newContactProperties(view: CrmView, e164: string | null): Properties {
  const fields: Properties = { ...latestCallFields(view) };
  if (e164) {
    fields.phone = e164;
    fields[props.phoneKey] = e164;
  }
  if (view.callerEmail) fields.email = view.callerEmail.toLowerCase();
  if (view.callerName && (view.callerNameConfidence ?? 0) >= NAME_CONFIDENCE_THRESHOLD) {
    const [first, ...rest] = view.callerName.trim().split(/\s+/);
    if (first) fields.firstname = first;
    if (rest.length > 0) fields.lastname = rest.join(' ');
  }
  const lifecycle = lifecycleTargetFor(view);
  if (lifecycle) fields.lifecyclestage = lifecycle;
  return fields;
}
