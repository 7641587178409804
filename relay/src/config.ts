// Configuration: secrets and endpoints from the environment, policy from a JSON file.
// Everything is validated with zod at start; a bad value stops the relay with a message that
// names the key, because a relay that starts half-configured loses calls quietly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What one CRM may receive. Defaults follow the design's default sync policy. */
export const SyncPolicy = z
  .object({
    summary: z.boolean().default(true),
    transcriptLink: z.boolean().default(true),
    transcript: z.boolean().default(false),
    recordingLink: z.boolean().default(false),
    /** Sends no text at all: no summary, transcript, notes or next-action wording. */
    metadataOnly: z.boolean().default(false),
  })
  .strict();
export type SyncPolicy = z.infer<typeof SyncPolicy>;

// Overrides name only what differs for an agent; defaults here would silently reset the
// integration's own settings.
const PolicyOverride = z
  .object({
    summary: z.boolean().optional(),
    transcriptLink: z.boolean().optional(),
    transcript: z.boolean().optional(),
    recordingLink: z.boolean().optional(),
    metadataOnly: z.boolean().optional(),
  })
  .strict();

const Integration = z
  .object({
    enabled: z.boolean().default(true),
    policy: SyncPolicy.default(SyncPolicy.parse({})),
    /** Per-agent overrides, keyed by agent id (the AI agent id or the number it answers). */
    agents: z.record(z.string(), PolicyOverride).default({}),
  })
  .strict();
export type Integration = z.infer<typeof Integration>;

const Agent = z
  .object({
    name: z.string().optional(),
    /** Without recorded consent no transcript is stored or synced, only metadata. */
    requireConsent: z.boolean().default(false),
  })
  .strict();

/** What an agent may be told about a caller at call start (caller context). */
export const ContextPolicy = z
  .object({
    /** Context at all: off, the agent gets an answer with nothing in it. */
    enabled: z.boolean().default(true),
    /** The caller's name, only when confidently known (a CRM record, or earlier calls at 0.8 or above). */
    name: z.boolean().default(true),
    /** When the last few calls were, their intent and outcome. */
    lastCalls: z.boolean().default(true),
    /** A one-line (redacted) summary of each of those calls. */
    summaries: z.boolean().default(true),
    /** The open next action promised on the last call, and its due date. */
    nextAction: z.boolean().default(true),
    /** The CRM record's owner. */
    owner: z.boolean().default(false),
    /** An open Case (Salesforce) or ticket (HubSpot): number, subject, status. */
    openCase: z.boolean().default(false),
    /** An open Opportunity (Salesforce) or deal (HubSpot) and its stage. */
    openDeal: z.boolean().default(false),
  })
  .strict();
export type ContextPolicy = z.infer<typeof ContextPolicy>;

const ContextPolicyOverride = z.object(Object.fromEntries(Object.keys(ContextPolicy.shape).map((k) => [k, z.boolean().optional()])) as {
  [K in keyof ContextPolicy]: z.ZodOptional<z.ZodBoolean>;
}).strict();

const wss = z.url({ protocol: /^wss?$/ });
const https = z.url({ protocol: /^https?$/ });

export const CallerContextConfig = z
  .object({
    /** The lookup answers within this many milliseconds with whatever sources answered by then. */
    budgetMs: z.number().int().min(20).max(5_000).default(1_000),
    /** CRM answers are kept this long, so a caller's second lookup within a call costs no request. */
    cacheSeconds: z.number().int().min(0).max(3_600).default(60),
    /** How many past calls the agent hears about. */
    recentCalls: z.number().int().min(1).max(10).default(3),
    policy: ContextPolicy.default(ContextPolicy.parse({})),
    /** Per-agent overrides, keyed by agent id (the platform's agent/assistant id, or the number it answers). */
    agents: z.record(z.string(), ContextPolicyOverride).default({}),
    /** Spoken first when set: `{name}` is replaced by the caller's name when the agent may know it. */
    greeting: z.object({ known: z.string().max(500).optional(), unknown: z.string().max(500).optional() }).strict().default({}),
    salesforce: z
      .object({
        enabled: z.boolean().default(true),
        /** The package's namespace in the org (empty for an unmanaged install): the Apex REST path starts with it. */
        namespace: z.string().regex(/^[A-Za-z0-9_]*$/).default(''),
      })
      .strict()
      .default({ enabled: true, namespace: '' }),
    hubspot: z.object({ enabled: z.boolean().default(true) }).strict().default({ enabled: true }),
    vapi: z
      .object({
        /** The assistant that takes calls on numbers whose assistant Vapi asks the relay for. */
        assistantId: z.string().min(1).optional(),
        /** Per number called (E.164), when numbers have different assistants. */
        assistants: z.record(z.string(), z.string().min(1)).default({}),
      })
      .strict()
      .default({ assistants: {} }),
    twilio: z
      .object({
        /** The AI server's WebSocket: incoming calls are connected to it with <ConversationRelay>. */
        conversationRelayUrl: wss.optional(),
        /** Or: incoming calls are redirected to this TwiML URL with the context as query parameters. */
        twimlUrl: https.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type CallerContextConfig = z.infer<typeof CallerContextConfig>;

/**
 * HubSpot-only choices. Lead status moves only forward along `leadStatusOrder` (a contact whose
 * status is empty gets any; one outside the order is left to the people who set it). Calls and
 * follow-up tasks are linked to the contact, its primary company, and optionally its most
 * recent open deal and open ticket (the ticket costs one request per batch: HubSpot keeps no
 * ticket count on contacts, while its deal count spares the deal lookup for contacts without
 * deals). A write whose outcome is unknown after a crash is looked
 * for by search only after `unknownOutcomeWaitSeconds`, as HubSpot's search index lags writes.
 */
export const HubSpotSyncOptions = z
  .object({
    leadStatusOrder: z.array(z.string().min(1)).min(1).default(['NEW', 'ATTEMPTED_TO_CONTACT', 'OPEN', 'CONNECTED', 'IN_PROGRESS', 'OPEN_DEAL']),
    associateOpenDeal: z.boolean().default(true),
    associateOpenTicket: z.boolean().default(false),
    unknownOutcomeWaitSeconds: z.number().int().min(0).max(3600).default(60),
  })
  .strict();
export type HubSpotSyncOptions = z.infer<typeof HubSpotSyncOptions>;

export const RelayFile = z
  .object({
    /** Where editors find config/relay.schema.json; the relay itself ignores it. */
    $schema: z.string().optional(),
    finalisation: z
      .object({
        /** Wait this long after `completed` for late transcripts and recordings. */
        graceSeconds: z.number().nonnegative().default(20),
      })
      .strict()
      .default({ graceSeconds: 20 }),
    redaction: z
      .object({
        /** Redact PII before any text is sent to a third-party model. */
        beforeInference: z.boolean().default(true),
        /** Redact the transcript stored for CRMs and the transcript page. */
        inTranscript: z.boolean().default(true),
      })
      .strict()
      .default({ beforeInference: true, inTranscript: true }),
    analysis: z
      .object({
        maxAttempts: z.number().int().min(1).max(10).default(3),
      })
      .strict()
      .default({ maxAttempts: 3 }),
    delivery: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).default(8),
        batchSize: z.number().int().min(1).max(200).default(200),
        /** At most one request per sink this often, unless a full batch is waiting. */
        flushMs: z.number().int().min(0).max(10_000).default(1_000),
        baseBackoffMs: z.number().int().min(1).default(1_000),
        maxBackoffMs: z.number().int().min(1).default(300_000),
        /** A claimed batch belongs to its worker this long; after a crash, another takes it then. */
        leaseSeconds: z.number().int().min(1).max(3600).default(60),
      })
      .strict()
      .default({ maxAttempts: 8, batchSize: 200, flushMs: 1_000, baseBackoffMs: 1_000, maxBackoffMs: 300_000, leaseSeconds: 60 }),
    retention: z
      .object({
        transcriptDays: z.number().int().min(1).default(90),
        /** On deleting a call, also send each CRM that received it a redaction event to clear the transcript. */
        redactCrmsOnDelete: z.boolean().default(false),
      })
      .strict()
      .default({ transcriptDays: 90, redactCrmsOnDelete: false }),
    integrations: z
      .object({
        salesforce: Integration.default(Integration.parse({})),
        hubspot: Integration.default(Integration.parse({})),
      })
      .strict()
      .default({ salesforce: Integration.parse({}), hubspot: Integration.parse({}) }),
    agents: z.record(z.string(), Agent).default({}),
    callerContext: CallerContextConfig.default(CallerContextConfig.parse({})),

    hubspot: HubSpotSyncOptions.default(HubSpotSyncOptions.parse({})),
  })
  .strict();
export type RelayFile = z.infer<typeof RelayFile>;

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = z.url().optional().or(z.literal('').transform(() => undefined));
const intFrom = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : Number(v)))
    .pipe(z.number().int().nonnegative());

export const Env = z.object({
  PORT: intFrom(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: url,
  DATA_DIR: z.string().default('.data'),
  // Anything else would be taken for a PGlite folder and the relay would quietly run on its own store.
  DATABASE_URL: optional.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional()),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
    .optional(),
  RELAY_CONFIG: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: intFrom(1_000_000),
  /** Required where the relay can be reached from elsewhere (web/exposure.ts); long enough not to be guessed. */
  API_TOKEN: optional.pipe(z.string().min(16, 'must be at least 16 characters (npm run relay -- keys generate prints one)').optional()),
  /** The proxies whose X-Forwarded-For is believed (web/exposure.ts); unset, none. */
  TRUST_PROXY: optional,
  /** node:http limits that close slow or idle connections (docs/security.md). */
  HEADERS_TIMEOUT_MS: intFrom(10_000).pipe(z.number().positive()),
  REQUEST_TIMEOUT_MS: intFrom(30_000).pipe(z.number().positive()),
  KEEP_ALIVE_TIMEOUT_MS: intFrom(5_000).pipe(z.number().positive()),
  /** On SIGTERM: /readyz answers 503 at once, new connections are still taken this long (so a load balancer moves away first). */
  SHUTDOWN_DELAY_MS: intFrom(0),
  /** Then the longest wait for in-flight requests and background steps before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: intFrom(20_000),

  TWILIO_AUTH_TOKEN: optional,
  WEBHOOK_SECRET: optional,
  VAPI_WEBHOOK_SECRET: optional,
  RETELL_API_KEY: optional,

  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: url,
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: intFrom(30_000),
  AZURE_OPENAI_ENDPOINT: url,
  AZURE_OPENAI_API_KEY: optional,
  AZURE_OPENAI_DEPLOYMENT: optional,
  OPENAI_API_VERSION: optional,

  SF_LOGIN_URL: url,
  SF_CLIENT_ID: optional,
  SF_CLIENT_SECRET: optional,
  SF_USERNAME: optional,
  SF_PRIVATE_KEY: optional,
  SF_PRIVATE_KEY_FILE: optional,
  SF_API_VERSION: z.string().regex(/^\d+\.0$/).default('62.0'),
  /** Per request; token, publish, refresh and repeat together must fit the outbox lease. */
  SF_TIMEOUT_MS: intFrom(12_000),

  HUBSPOT_ACCESS_TOKEN: optional,
  HUBSPOT_CLIENT_SECRET: optional,
  HUBSPOT_PORTAL_ID: optional,
  HUBSPOT_BASE_URL: url,

  ENCRYPTION_KEY: optional,
  LINK_SIGNING_KEY: optional,
  LOOKUP_KEY: optional,
  LINK_TTL_DAYS: intFrom(0),
  CONSOLE_ADMIN_USER: optional,
  CONSOLE_ADMIN_PASSWORD_HASH: optional,
});
export type Env = z.infer<typeof Env>;

export type Config = { env: Env; file: RelayFile; dataDir: string };

export class ConfigError extends Error {}

function describe(error: z.ZodError, where: string): string {
  return error.issues.map((issue) => `${where}${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env = Env.safeParse(source);
  if (!env.success) throw new ConfigError(`invalid environment: ${describe(env.error, '')}`);
  if (env.data.HEADERS_TIMEOUT_MS > env.data.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`invalid environment: HEADERS_TIMEOUT_MS (${env.data.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${env.data.REQUEST_TIMEOUT_MS})`);
  }
  let raw: unknown = {};
  if (env.data.RELAY_CONFIG) {
    try {
      raw = JSON.parse(readFileSync(env.data.RELAY_CONFIG, 'utf8'));
    } catch (error) {
      throw new ConfigError(`cannot read RELAY_CONFIG ${env.data.RELAY_CONFIG}: ${(error as Error).message}`);
    }
  }
  const file = RelayFile.safeParse(raw);
  if (!file.success) throw new ConfigError(`invalid relay config: ${describe(file.error, '')}`);
  return { env: env.data, file: file.data, dataDir: path.resolve(env.data.DATA_DIR) };
}

/** The policy one CRM applies to one agent's calls. */
export function policyFor(integration: Integration, agentId: string | null): SyncPolicy {
  const override = agentId ? integration.agents[agentId] : undefined;
  return { ...integration.policy, ...override };
}

/** What one agent may be told about its callers. */
export function contextPolicyFor(config: CallerContextConfig, agentId: string | null): ContextPolicy {
  const override = agentId ? config.agents[agentId] : undefined;
  return { ...config.policy, ...Object.fromEntries(Object.entries(override ?? {}).filter(([, v]) => v !== undefined)) };
}
