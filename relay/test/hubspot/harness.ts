// Wires the HubSpot sink to a local HubSpot for tests: the real @hubspot/api-client, a fresh
// limiter, the properties set up as `hubspot setup` would, and an in-memory mapping store.
import { readFileSync } from 'node:fs';
import { HubSpotSyncOptions, RelayFile, type SyncPolicy } from '../../src/config.ts';
import { HubSpotApi } from '../../src/sync/hubspot/api.ts';
import { PortalLimiter, type LimiterOptions } from '../../src/sync/hubspot/limiter.ts';
import { setupHubSpot } from '../../src/sync/hubspot/properties.ts';
import { HubSpotSink } from '../../src/sync/hubspot/sink.ts';
import type { DeliveryItem } from '../../src/sync/sink.ts';
import type { CallSnapshot } from '../../src/sync/snapshot.ts';
import { HubSpotServer, type HubSpotServerOptions } from '../support/hubspot-server.ts';
import { MemoryMappings } from './memory-mappings.ts';

export type Harness = {
  server: HubSpotServer;
  api: HubSpotApi;
  sink: HubSpotSink;
  mappings: MemoryMappings;
  /** Builds a second sink on the same HubSpot, e.g. with a lost mapping store or another policy. */
  newSink(options?: { mappings?: MemoryMappings; policy?: Partial<SyncPolicy>; sync?: Partial<HubSpotSyncOptions> }): HubSpotSink;
  close(): Promise<void>;
};

/**
 * Tests look for a create whose answer was lost at once (their search index has no lag unless
 * they give it one); the relay waits a minute by default.
 */
export const testSyncOptions = (sync: Partial<HubSpotSyncOptions> = {}): HubSpotSyncOptions => HubSpotSyncOptions.parse({ unknownOutcomeWaitSeconds: 0, ...sync });

/** The scopes the app asks for (app-hsmeta.json): the portal grants the sink exactly these. */
export function appScopes(): string[] {
  const meta = JSON.parse(readFileSync(new URL('../../../hubspot-project/src/app/app-hsmeta.json', import.meta.url), 'utf8')) as {
    config: { auth: { requiredScopes: string[]; optionalScopes?: string[] } };
  };
  return [...meta.config.auth.requiredScopes, ...(meta.config.auth.optionalScopes ?? [])];
}

export async function harness(
  options: { server?: HubSpotServerOptions; limiter?: Partial<LimiterOptions>; policy?: Partial<SyncPolicy>; sync?: Partial<HubSpotSyncOptions> } = {},
): Promise<Harness> {
  const server = await new HubSpotServer({ scopes: appScopes(), ...options.server }).start();
  const newApi = (limiter = new PortalLimiter({ maxWaitMs: 2_000, ...options.limiter })) =>
    new HubSpotApi({ accessToken: server.accessToken, basePath: server.url, limiter });
  // Setup and the sink share one limiter, as they share the portal's limits.
  const api = newApi();
  await setupHubSpot(api);
  const integration = (policy?: Partial<SyncPolicy>) => {
    const base = RelayFile.parse({}).integrations.hubspot;
    return { ...base, policy: { ...base.policy, ...options.policy, ...policy } };
  };
  const mappings = new MemoryMappings();
  const sink = new HubSpotSink({ api: newApi(api.limiter), mappings, integration: integration(), options: testSyncOptions(options.sync) });
  return {
    server,
    api,
    sink,
    mappings,
    newSink: (o = {}) =>
      new HubSpotSink({ api: newApi(), mappings: o.mappings ?? new MemoryMappings(), integration: integration(o.policy), options: testSyncOptions({ ...options.sync, ...o.sync }) }),
    close: async () => {
      await server.stop();
      // The portal answered only as its operations table documents.
      if (server.undocumented.length > 0) throw new Error(`undocumented answers: ${server.undocumented.join('; ')}`);
    },
  };
}

let deliveryCounter = 0;

export function items(...snapshots: CallSnapshot[]): DeliveryItem[] {
  return snapshots.map((snapshot) => ({ deliveryId: String(++deliveryCounter), attempt: 1, snapshot }));
}

/** The CRM's contents, for comparing before and after. */
export function crmState(server: HubSpotServer) {
  const strip = (records: { id: string; properties: Record<string, string> }[]) =>
    records.map((r) => ({ id: r.id, properties: { ...r.properties } }));
  return {
    contacts: strip(server.all('contacts')),
    calls: strip(server.all('calls')),
    tasks: strip(server.all('tasks')),
    associations: server.associations.map((a) => ({ ...a })),
    transcripts: server.transcripts.length,
  };
}
