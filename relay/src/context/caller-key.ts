// Callers are found by number without the number being readable in the store: phone numbers are
// sealed at rest (privacy/at-rest.ts), so each analysed call also keeps a keyed hash of its
// customer's normalised number (HMAC-SHA256 with LOOKUP_KEY, the key the HubSpot mappings use),
// indexed. The same number in any format gives the same key; without LOOKUP_KEY nobody can tell
// which number a key belongs to.
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 for a number in any format; national numbers are read as US ones. Null when not a phone. */
export function normalisePhone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const parsed = parsePhoneNumberFromString(raw.trim(), 'US');
  return parsed && parsed.isPossible() ? parsed.number : null;
}

/** The customer on a call: who called in, or who the agent called. */
export function customerNumber(call: { direction: string; from_number: string | null; to_number: string | null }): string | null {
  return call.direction === 'outbound' ? call.to_number : call.from_number;
}

export class CallerKeys {
  private readonly key: Buffer;

  constructor(lookupKey: Buffer) {
    this.key = lookupKey;
  }

  /** The key of a normalised (E.164) number. */
  of(e164: string): string {
    return createHmac('sha256', this.key).update(`caller\u0000${e164}`).digest('base64url');
  }

  /** The key of a number in any format, or null when it is not a phone number. */
  ofRaw(raw: string | null | undefined): string | null {
    const e164 = normalisePhone(raw);
    return e164 ? this.of(e164) : null;
  }
}
