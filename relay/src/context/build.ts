// Caller context wired from the configuration: the lookup with whichever CRM sources are
// configured and enabled, and the answers built on it.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import type { Db } from '../store/db.ts';
import type { HubSpotApi } from '../sync/hubspot/api.ts';
import { SqlHubSpotMappings } from '../sync/hubspot/sql-mappings.ts';
import { SalesforceClient } from '../sync/salesforce/client.ts';
import { salesforceCredentials } from '../sync/salesforce/credentials.ts';
import { CallStart } from './call-start.ts';
import { CallerKeys } from './caller-key.ts';
import { HubSpotContextSource } from './hubspot-source.ts';
import { CallerContextLookup } from './lookup.ts';
import type { CrmSource } from './model.ts';
import { SalesforceContextSource } from './salesforce-source.ts';

export type CallerContextDeps = { db: Db; lookupKey: Buffer; hubspotApi: HubSpotApi | null; metrics: Metrics; log: Logger };

export function buildCallerContext(config: Config, deps: CallerContextDeps): { keys: CallerKeys; lookup: CallerContextLookup; callStart: CallStart } {
  const settings = config.file.callerContext;
  const sources: CrmSource[] = [];
  const credentials = salesforceCredentials(config.env);
  if (credentials && settings.salesforce.enabled) {
    // Its own client (and token): a lookup must not queue behind a large publish. Its timeout
    // bounds the background request; the lookup itself stops waiting at its budget.
    const client = new SalesforceClient({ credentials, apiVersion: config.env.SF_API_VERSION, metrics: deps.metrics, timeoutMs: 10_000 });
    sources.push(new SalesforceContextSource(client, settings.salesforce.namespace));
  }
  if (deps.hubspotApi && config.env.HUBSPOT_ACCESS_TOKEN && settings.hubspot.enabled) {
    sources.push(
      new HubSpotContextSource({
        api: deps.hubspotApi,
        accessToken: config.env.HUBSPOT_ACCESS_TOKEN,
        ...(config.env.HUBSPOT_BASE_URL ? { basePath: config.env.HUBSPOT_BASE_URL } : {}),
        mappings: new SqlHubSpotMappings(deps.db, deps.lookupKey),
      }),
    );
  }
  const keys = new CallerKeys(deps.lookupKey);
  const log = deps.log.child({ part: 'caller-context' });
  const lookup = new CallerContextLookup({ db: deps.db, file: config.file, keys, sources, log, metrics: deps.metrics });
  return { keys, lookup, callStart: new CallStart({ lookup, db: deps.db, log }) };
}
