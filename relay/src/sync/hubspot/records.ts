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

// HubSpot does not publish its email rule; this is the documented shape (a local part, an @, a
// domain with a dot) without spaces or a second @. An address outside it is dropped, not sent:
// HubSpot refuses the whole contact write for one invalid email (INVALID_EMAIL).
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The caller's email as HubSpot will take it, or null (with the reason when one was given). */
export function usableEmail(raw: string | null): { email: string | null; note: string | null } {
  if (!raw || raw.trim() === '') return { email: null, note: null };
  const email = raw.trim().toLowerCase();
  return EMAIL.test(email) ? { email, note: null } : { email: null, note: 'caller email dropped: not an address HubSpot accepts' };
}

/**
 * The recording link as HubSpot can play it, or none with the reason. HubSpot's calls guide:
 * hs_call_recording_url takes HTTPS only, and plays .mp3 and .wav files. Twilio's RecordingUrl
 * has no extension; Twilio serves the same recording as MP3 when `.mp3` is appended (Twilio's
 * Recording resource, "fetch a recording media file").
 */
export function playableRecording(view: CrmView): { url: string | null; note: string | null } {
  if (!view.recordingUrl) return { url: null, note: null };
  let url: URL;
  try {
    url = new URL(view.recordingUrl);
  } catch {
    return { url: null, note: 'recording link dropped: not a URL' };
  }
  if (url.protocol !== 'https:') return { url: null, note: 'recording link dropped: HubSpot accepts only HTTPS links' };
  if (/\.(mp3|wav)$/i.test(url.pathname)) return { url: url.toString(), note: null };
  if (url.hostname === 'api.twilio.com' && /\/Recordings\/RE[0-9a-f]+$/i.test(url.pathname)) {
    url.pathname = `${url.pathname}.mp3`;
    return { url: url.toString(), note: null };
  }
  return { url: null, note: 'recording link dropped: HubSpot plays only .mp3 and .wav files' };
}

/**
 * The lead status to write, or null to leave the contact's alone. A person's choice wins: a
 * status outside the configured order is never replaced, and a status moves only forward.
 * A value the portal does not offer is not written (HubSpot would refuse the whole write).
 */
export function leadStatusMove(current: string | null | undefined, target: string | null, order: readonly string[], offered: ReadonlySet<string> | null): { write: string | null; note: string | null } {
  if (!target) return { write: null, note: null };
  if (offered && !offered.has(target)) return { write: null, note: `lead status ${target} not set: the portal has no such option` };
  if (!current) return { write: target, note: null };
  const from = order.indexOf(current);
  const to = order.indexOf(target);
  return { write: from !== -1 && to > from ? target : null, note: null };
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
  const recording = playableRecording(view).url;
  if (recording) properties.hs_call_recording_url = recording;
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
  return fields;
}

/**
 * A new contact: the caller's number, a confident name, a usable email, and the call's fields.
 * Only a contact the relay creates gets a name: a name a person entered is never replaced.
 */
export function newContactProperties(view: CrmView, e164: string | null): Properties {
  const fields: Properties = { ...latestCallFields(view) };
  if (e164) {
    fields.phone = e164;
    fields[props.phoneKey] = e164;
  }
  const email = usableEmail(view.callerEmail).email;
  if (email) fields.email = email;
  if (view.callerName && (view.callerNameConfidence ?? 0) >= NAME_CONFIDENCE_THRESHOLD) {
    const [first, ...rest] = view.callerName.trim().split(/\s+/);
    if (first) fields.firstname = first;
    if (rest.length > 0) fields.lastname = rest.join(' ');
  }
  const lifecycle = lifecycleTargetFor(view);
  if (lifecycle) fields.lifecyclestage = lifecycle;
  return fields;
}
