// `relay retention purge`: the retention sweep now rather than at its next hourly run.
import { parse, relayUrl, UsageError } from './args.ts';
import { relayApi } from './relay-api.ts';

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'purge') throw new UsageError(action ? `unknown retention action ${action}` : 'retention needs an action: purge');
  const { values } = parse(rest, { url: { type: 'string' } });
  const api = relayApi(relayUrl(values.url), process.env.API_TOKEN);
  const { purged, transcriptDays } = (await api('POST', '/api/retention/purge')) as { purged: number; transcriptDays: number };
  process.stdout.write(`${purged} calls older than ${transcriptDays} days purged\n`);
  return 0;
}
