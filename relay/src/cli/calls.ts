// `relay calls delete`: the privacy API's deletion, from the command line.
import { parse, relayUrl, UsageError } from './args.ts';
import { relayApi } from './relay-api.ts';

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'delete') throw new UsageError(action ? `unknown calls action ${action}` : 'calls needs an action: delete');
  const { values, positionals } = parse(rest, { url: { type: 'string' } }, 1);
  const callId = positionals[0];
  if (!callId) throw new UsageError('calls delete needs a CALL_ID');
  const api = relayApi(relayUrl(values.url), process.env.API_TOKEN);
  const result = (await api('DELETE', `/api/calls/${encodeURIComponent(callId)}`)) as { status: string; redactionsQueued?: string[] };
  process.stdout.write(`${callId}: ${result.status.replace('_', ' ')}${result.redactionsQueued?.length ? `; redaction queued for ${result.redactionsQueued.join(', ')}` : ''}\n`);
  return 0;
}
