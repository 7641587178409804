// Phone numbers as HubSpot stores them and as calls carry them. Calls arrive in E.164
// (+15615550192); contacts hold whatever a person typed ("(561) 555-0192", "561.555.0192",
// "+1 561 555 0192"). HubSpot's hs_searchable_calculated_phone_number keeps the national
// digits without the country code, so the search asks for those, and matches are re-checked
// here by comparing E.164 forms, because search is fuzzy and the index lags.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type CallerPhone = {
  /** +15615550192: the relay's key for this caller. */
  e164: string;
  /** 5615550192: what hs_searchable_calculated_phone_number holds. */
  national: string;
  country: CountryCode | undefined;
};

export function callerPhone(raw: string | null): CallerPhone | null {
  if (!raw) return null;
  const parsed = parsePhoneNumberFromString(raw);
  if (!parsed || !parsed.isPossible()) return null;
  return { e164: parsed.number, national: String(parsed.nationalNumber), country: parsed.country };
}

/** A stored contact phone in E.164, read in the caller's country when it has no country code. */
export function storedPhoneE164(stored: string | null | undefined, country: CountryCode | undefined): string | null {
  if (!stored) return null;
  const parsed = parsePhoneNumberFromString(stored, country ?? 'US');
  return parsed && parsed.isPossible() ? parsed.number : null;
}
