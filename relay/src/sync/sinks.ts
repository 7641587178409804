// Which sinks this relay delivers to: every configured CRM, or, when none is, the dry-run sink
// that records what each CRM would have received.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { atRest } from '../privacy/at-rest.ts';
import type { Db } from '../store/db.ts';
import { createDryRunSink } from './dry-run.ts';
import type { HubSpotApi } from './hubspot/api.ts';
import { createHubSpotSink } from './hubspot/sink.ts';
import { SqlHubSpotMappings } from './hubspot/sql-mappings.ts';
import { createSalesforceSink } from './salesforce/sink.ts';
import type { Sink } from './sink.ts';

export type SinkDeps = {
  db: Db;
  metrics: Metrics;
  log: Logger;
  /** The portal's client, shared with the card endpoint so both stay under one limiter. */
  hubspotApi: HubSpotApi | null;
  /** Key for the hashed HubSpot lookups (LOOKUP_KEY). */
  lookupKey: Buffer;
};

export function buildSinks(config: Config, deps: SinkDeps): Sink[] {
  const live = [
    createSalesforceSink(config, deps),
    createHubSpotSink(config, { api: deps.hubspotApi, log: deps.log, mappings: new SqlHubSpotMappings(deps.db, deps.lookupKey) }),
  ].filter((sink) => sink !== null);
  if (live.length > 0) return live;
  return [
    createDryRunSink(config, async (entry) => {
      await deps.db.query('insert into dry_run_requests (sink, call_id, request) values ($1, $2, $3)', [
        entry.sink,
        entry.callId,
        JSON.stringify(atRest(deps.db).json(entry.request)),
      ]);
    }),
  ];
}
