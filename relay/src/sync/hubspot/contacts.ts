// Finds or creates the HubSpot contact for each call in a batch, spending as few requests as
// possible and never creating a duplicate:
// 1. the relay's own mapping (phone, then email) answers for callers it has seen: no search;
// 2. the rest are searched once each by normalised phone (HubSpot's calculated searchable
//    numbers and the raw phone fields) and email, and the results re-checked here;
// 3. callers still unknown are created in one batch upsert keyed by a unique phone-key
//    property, so even if the mapping write is lost and search lags, a retry updates the same
//    contact instead of creating a second one.
import type { CrmView } from '../policy.ts';
import type { CrmObject, HubSpotApi, SearchFilter, UpsertInput } from './api.ts';
import type { HubSpotMappingStore } from './mapping.ts';
import { callerPhone, storedPhoneE164, type CallerPhone } from './phone.ts';
import { props } from './properties.ts';
import { mayCreateContact, newContactProperties } from './records.ts';

export const contactProperties = ['phone', 'mobilephone', 'email', 'lifecyclestage', 'hs_lead_status', 'hubspot_owner_id', props.phoneKey];

export type ResolvedContact = CrmObject & { created: boolean };

type Caller = { key: string; phone: CallerPhone | null; email: string | null; views: CrmView[] };

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function callerOf(view: CrmView): { phone: CallerPhone | null; email: string | null } {
  const phone = callerPhone(view.direction === 'inbound' ? view.fromPhone : view.toPhone);
  const email = view.callerEmail && EMAIL.test(view.callerEmail.trim()) ? view.callerEmail.trim().toLowerCase() : null;
  return { phone, email };
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

/**
 * The contact for each call (by call id), or null when the call has no usable caller number
 * or email, or is spam.
 */
export async function resolveContacts(api: HubSpotApi, mappings: HubSpotMappingStore, views: CrmView[]): Promise<Map<string, ResolvedContact | null>> {
  const resolved = new Map<string, ResolvedContact | null>();
  const callers = new Map<string, Caller>();
  for (const view of views) {
    const { phone, email } = callerOf(view);
    const key = phone?.e164 ?? email;
    if (!key) {
      resolved.set(view.callId, null);
      continue;
    }
    const caller = callers.get(key) ?? { key, phone, email, views: [] };
    caller.email ??= email;
    caller.views.push(view);
    callers.set(key, caller);
  }

  // 1. The mapping, confirmed by one batch read: it also brings the lifecycle stage and owner
  // the writes need, and drops contacts deleted or merged away in HubSpot since.
  const mapped = new Map<Caller, string>();
  for (const caller of callers.values()) {
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

  // 3. Create the unknown ones in one request, keyed so a retry cannot duplicate them.
  const inputs: UpsertInput[] = creatable.map((caller) => {
    const newest = newestView(caller.views);
    const properties = newContactProperties(newest, caller.phone?.e164 ?? null);
    if (caller.email) properties.email = caller.email;
    return caller.phone
      ? { idProperty: props.phoneKey, id: caller.phone.e164, properties }
      : { idProperty: 'email', id: caller.email ?? '', properties };
  });
  const upserted = await api.upsertContacts(inputs);
  for (const caller of creatable) {
    const match = upserted.find((c) =>
      caller.phone ? c.properties[props.phoneKey] === caller.phone.e164 : (c.properties.email ?? '').toLowerCase() === caller.email,
    );
    if (match) found.set(caller, { id: match.id, properties: match.properties, created: match.isNew });
  }

  for (const caller of callers.values()) {
    const contact = found.get(caller) ?? null;
    if (contact) {
      if (caller.phone) await mappings.put('contact-by-phone', caller.phone.e164, contact.id);
      if (caller.email) await mappings.put('contact-by-email', caller.email, contact.id);
    }
    for (const view of caller.views) resolved.set(view.callId, contact);
  }
  return resolved;
}

export function newestView(views: CrmView[]): CrmView {
  return views.reduce((a, b) => ((b.startedAt ?? b.endedAt ?? '') > (a.startedAt ?? a.endedAt ?? '') ? b : a));
}
