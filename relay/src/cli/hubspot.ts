// `relay hubspot setup`: the portal's property group and properties, created if missing.
import { ConfigError, loadConfig } from '../config.ts';
import { setupHubSpot } from '../sync/hubspot/properties.ts';
import { createHubSpotApi } from '../sync/hubspot/sink.ts';
import { parse, UsageError } from './args.ts';

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'setup') throw new UsageError(action ? `unknown hubspot action ${action}` : 'hubspot needs an action: setup');
  parse(rest, {});
  const api = createHubSpotApi(loadConfig());
  if (!api) throw new ConfigError('hubspot setup needs HUBSPOT_ACCESS_TOKEN');
  const report = await setupHubSpot(api);
  for (const [what, names] of Object.entries(report)) process.stdout.write(`${what}: ${names.length ? names.join(', ') : '(none)'}\n`);
  return 0;
}
