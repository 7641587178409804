// The one call model every provider adapter produces and every later stage reads.
import { z } from 'zod';

export const Provider = z.enum(['twilio', 'vapi', 'retell', 'generic']);
export type Provider = z.infer<typeof Provider>;

export const Direction = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof Direction>;

export const Speaker = z.enum(['agent', 'caller']);
export type Speaker = z.infer<typeof Speaker>;

/** One utterance. startMs is the offset from call start when the provider gives it. */
export const Turn = z.object({
  speaker: Speaker,
  text: z.string(),
  startMs: z.number().int().nonnegative().nullable(),
});
export type Turn = z.infer<typeof Turn>;
