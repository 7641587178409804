// Finds or creates the HubSpot contact for each call in a batch, spending as few requests as
// possible and never creating a duplicate:
// 1. the contact a call already used (its recorded step) or the relay's own mapping (phone,
//    then email) answers for callers it has seen: no search, one batch read for all of them;
// 2. the rest are searched once each by normalised phone (HubSpot's calculated searchable
//    numbers and the raw phone fields) and email, and the results re-checked here;
// 3. callers still unknown are created in one batch create. Contacts carry a unique phone-key
//    property (HubSpot documents unique values on contacts), so when the mapping write was lost
//    and search lags, the create answers 409 and the contact is read back by that key instead.
// A contact that already exists is never renamed: only contacts created here get a name.
import type { CrmView } from '../policy.ts';
import type { CrmObject, HubSpotApi, Properties, SearchFilter } from './api.ts';
import { toHubSpotError } from './errors.ts';
import type { HubSpotMappingStore } from './mapping.ts';
import { callerPhone, storedPhoneE164, type CallerPhone } from './phone.ts';
import { props } from './properties.ts';
import { mayCreateContact, newContactProperties, usableEmail } from './records.ts';

export const contactProperties = [
  'phone',
  'mobilephone',
  'email',
  'lifecyclestage',
  'hs_lead_status',
  'hubspot_owner_id',
  // HubSpot keeps the primary company's id and the number of deals on the contact itself, so
  // linking a call to them costs no request when there are none.
  'associatedcompanyid',
  'num_associated_deals',
  props.phoneKey,
];

export type ResolvedContact = CrmObject & { created: boolean };

/** Per call: its contact (null: no caller to link), or why it could not be written. */
export type ContactResolution = {
  contacts: Map<string, ResolvedContact | null>;
  /** Calls whose contact HubSpot did not write this time, with the reason: retry them. */
  unresolved: Map<string, string>;
  /** Per call, what was left out of the contact and why. */
  notes: Map<string, string[]>;
};

type Caller = { key: string; phone: CallerPhone | null; email: string | null; views: CrmView[] };

function callerOf(view: CrmView): { phone: CallerPhone | null; email: string | null } {
  const phone = callerPhone(view.direction === 'inbound' ? view.fromPhone : view.toPhone);
  return { phone, email: usableEmail(view.callerEmail).email };
}

/** Search request for one caller: any phone field matching, or the email. */
export function searchGroups(phone: CallerPhone | null, email: string | null): { filters: SearchFilter[] }[] {
  const groups: { filters: SearchFilter[] }[] = [];
  if (phone) {
    groups.push({ filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: phone.national }] });
    groups.push({ filters: [{ propertyName: 'hs_searchable_calculated_mobile_number', operator: 'EQ', value: phone.national }] });
    groups.push({ filters: [{ propertyName: 'phone', operator: 'IN', values: [phone.e164, phone.national] }] });
    groups.push({ filters: [{ propertyName: 'mobilephone', operator: 'IN', values: [phone.e164, phone.national] }] });
  }
  if (email) groups.push({ filters: [{ propertyName: 'email', operator: 'EQ', value: email }] });
  return groups;
}

/** Picks the search result that really is this caller: same number first, then same email. */
export function bestMatch(results: CrmObject[], phone: CallerPhone | null, email: string | null): CrmObject | null {
  const byAge = [...results].sort((a, b) => Number(a.id) - Number(b.id));
  if (phone) {
    const keyed = byAge.find((c) => c.properties[props.phoneKey] === phone.e164);
    if (keyed) return keyed;
    const samePhone = byAge.find(
      (c) => storedPhoneE164(c.properties.phone, phone.country) === phone.e164 || storedPhoneE164(c.properties.mobilephone, phone.country) === phone.e164,
    );
    if (samePhone) return samePhone;
  }
  if (email) {
    const sameEmail = byAge.find((c) => (c.properties.email ?? '').trim().toLowerCase() === email);
    if (sameEmail) return sameEmail;
  }
  return null;
}

const isCaller = (caller: Caller) => (c: CrmObject) =>
  caller.phone ? c.properties[props.phoneKey] === caller.phone.e164 : (c.properties.email ?? '').toLowerCase() === caller.email;

/**
 * The contact for each call (by call id), or null when the call has no usable caller number
 * or email, or is spam. `known` holds the contact a call already recorded as its step.
 */
export async function resolveContacts(
  api: HubSpotApi,
  mappings: HubSpotMappingStore,
  views: CrmView[],
  known: Map<string, string>,
  extraProperties: (view: CrmView) => Properties = () => ({}),
): Promise<ContactResolution> {
  const resolution: ContactResolution = { contacts: new Map(), unresolved: new Map(), notes: new Map() };
  const callers = new Map<string, Caller>();
  const recorded = new Map<Caller, string>();
  for (const view of views) {
    const note = usableEmail(view.callerEmail).note;
    if (note) resolution.notes.set(view.callId, [note]);
    const { phone, email } = callerOf(view);
    const key = phone?.e164 ?? email;
    if (!key) {
      resolution.contacts.set(view.callId, null);
      continue;
    }
    const caller = callers.get(key) ?? { key, phone, email, views: [] };
    caller.email ??= email;
    caller.views.push(view);
    callers.set(key, caller);
    const id = known.get(view.callId);
    if (id) recorded.set(caller, id);
  }

  // 1. Recorded steps and the mapping, confirmed by one batch read: it also brings the owner,
  // stage and company the writes need, and drops contacts deleted or merged away since.
  const mapped = new Map<Caller, string>(recorded);
  for (const caller of callers.values()) {
    if (mapped.has(caller)) continue;
    const id =
      (caller.phone ? await mappings.get('contact-by-phone', caller.phone.e164) : null) ??
      (caller.email ? await mappings.get('contact-by-email', caller.email) : null);
    if (id) mapped.set(caller, id);
  }
  const read = new Map((await api.readContacts([...new Set(mapped.values())], contactProperties)).map((c) => [c.id, c]));
  const found = new Map<Caller, ResolvedContact>();
  for (const [caller, id] of mapped) {
    const contact = read.get(id);
    if (contact) found.set(caller, { ...contact, created: false });
  }

  // 2. Search for the rest, one request per caller (the search API takes one query at a time).
  const creatable: Caller[] = [];
  for (const caller of callers.values()) {
    if (found.has(caller)) continue;
    const results = await api.searchContacts(searchGroups(caller.phone, caller.email), contactProperties);
    const match = bestMatch(results, caller.phone, caller.email);
    if (match) found.set(caller, { ...match, created: false });
    else if (caller.views.some(mayCreateContact)) creatable.push(caller);
  }

  // 3. Create the unknown ones in one request.
  const failures = await createContacts(api, creatable, found, extraProperties);

  for (const caller of callers.values()) {
    const contact = found.get(caller) ?? null;
    if (contact) {
      if (caller.phone) await mappings.put('contact-by-phone', caller.phone.e164, contact.id);
      if (caller.email) await mappings.put('contact-by-email', caller.email, contact.id);
    }
    const failure = failures.get(caller);
    for (const view of caller.views) {
      if (failure) resolution.unresolved.set(view.callId, failure);
      else resolution.contacts.set(view.callId, contact);
    }
  }
  return resolution;
}

/**
 * Creates contacts for these callers; fills `found`, and returns the callers HubSpot did not
 * create this time (a 207 item error) with the reason. A 409 means some already exist (the
 * unique phone key, or the email, is taken): those are read back and the rest created again.
 */
async function createContacts(
  api: HubSpotApi,
  callers: Caller[],
  found: Map<Caller, ResolvedContact>,
  extraProperties: (view: CrmView) => Properties,
): Promise<Map<Caller, string>> {
  const failures = new Map<Caller, string>();
  if (callers.length === 0) return failures;
  const input = (caller: Caller) => {
    const newest = newestView(caller.views);
    const properties = { ...newContactProperties(newest, caller.phone?.e164 ?? null), ...extraProperties(newest) };
    if (caller.email) properties.email = caller.email;
    return { properties };
  };
  let pending = callers;
  try {
    const created = await api.createContacts(pending.map(input));
    claim(pending, created.results, true, found);
    pending = pending.filter((c) => !found.has(c));
    for (const caller of pending) failures.set(caller, `contact not created: ${created.errors[0] ?? 'HubSpot returned no record'}`);
    return failures;
  } catch (error) {
    if (!toHubSpotError(error).isConflict) throw error;
  }
  const byKey = pending.filter((c) => c.phone);
  claim(pending, await api.readContacts(byKey.map((c) => c.phone?.e164 ?? ''), contactProperties, props.phoneKey), false, found);
  const byEmail = pending.filter((c) => !found.has(c) && c.email);
  if (byEmail.length > 0) {
    const read = await api.readContacts(byEmail.map((c) => c.email ?? ''), contactProperties, 'email');
    for (const caller of byEmail) {
      const match = read.find((c) => (c.properties.email ?? '').toLowerCase() === caller.email);
      if (match) found.set(caller, { ...match, created: false });
    }
  }
  pending = pending.filter((c) => !found.has(c));
  if (pending.length === 0) return failures;
  const created = await api.createContacts(pending.map(input));
  claim(pending, created.results, true, found);
  for (const caller of pending.filter((c) => !found.has(c))) failures.set(caller, `contact not created: ${created.errors[0] ?? 'HubSpot returned no record'}`);
  return failures;
}

/** Matches records to callers by the key they were written with (HubSpot keeps no order). */
function claim(callers: Caller[], records: CrmObject[], created: boolean, found: Map<Caller, ResolvedContact>): void {
  for (const caller of callers) {
    const match = records.find(isCaller(caller));
    if (match) found.set(caller, { ...match, created });
  }
}

export function newestView(views: CrmView[]): CrmView {
  return views.reduce((a, b) => ((b.startedAt ?? b.endedAt ?? '') > (a.startedAt ?? a.endedAt ?? '') ? b : a));
}
