// The relay's card endpoint response, as the card reads it. It mirrors
// relay/src/sync/hubspot/card-api.ts (the relay's side of the same contract); a relay test
// fails when the two drift. Intents and dispositions are plain strings here because the card
// shows the relay's labels and never needs the taxonomy itself.
import { z } from 'zod';

export const CardCall = z.object({
  callId: z.string(),
  startedAt: z.string().nullable(),
  durationSeconds: z.number().int().nonnegative(),
  intent: z.string().nullable(),
  intentLabel: z.string().nullable(),
  intentConfidence: z.number().min(0).max(1).nullable(),
  disposition: z.string().nullable(),
  dispositionLabel: z.string().nullable(),
  summary: z.string().nullable(),
  transcriptUrl: z.string().nullable(),
  recordingUrl: z.string().nullable(),
});
export type CardCall = z.infer<typeof CardCall>;

export const CardCallsResponse = z.object({ calls: z.array(CardCall) });
export type CardCallsResponse = z.infer<typeof CardCallsResponse>;

/** The record types the card is installed on, by HubSpot object type id. */
export const objectTypeById: Record<string, 'contacts' | 'deals' | 'tickets'> = {
  '0-1': 'contacts',
  '0-3': 'deals',
  '0-5': 'tickets',
};
