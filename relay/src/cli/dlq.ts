// `relay dlq`: dead letters of a running relay, through its API.
import { parse, relayUrl, UsageError } from './args.ts';
import { relayApi } from './relay-api.ts';

type DeadLetter = { deliveryId: number; sink: string; callId: string; attempts: number; deadAt: string; error: string };

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'list') {
    const { values } = parse(rest, { sink: { type: 'string' }, error: { type: 'string' }, json: { type: 'boolean' }, url: { type: 'string' } });
    const api = relayApi(relayUrl(values.url), process.env.API_TOKEN);
    const query = new URLSearchParams({ ...(values.sink ? { sink: values.sink } : {}), ...(values.error ? { error: values.error } : {}) });
    const { deadLetters } = (await api('GET', `/api/dead-letters${query.size ? `?${query}` : ''}`)) as { deadLetters: DeadLetter[] };
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ deadLetters }, null, 2)}\n`);
      return 0;
    }
    for (const l of deadLetters) process.stdout.write(`${l.deliveryId}\t${l.sink}\t${l.callId}\t${l.attempts} tries\t${l.deadAt}\t${l.error}\n`);
    process.stdout.write(`${deadLetters.length} dead letters\n`);
    return 0;
  }
  if (action === 'replay') {
    const { values } = parse(rest, { id: { type: 'string' }, error: { type: 'string' }, all: { type: 'boolean' }, url: { type: 'string' } });
    const selector = values.id ? { deliveryId: Number(values.id) } : values.error ? { errorContains: values.error } : values.all ? { all: true } : null;
    if (!selector) throw new UsageError('dlq replay needs --id N, --error TEXT or --all');
    if ('deliveryId' in selector && !Number.isInteger(selector.deliveryId)) throw new UsageError(`--id must be a delivery number, not ${values.id}`);
    const api = relayApi(relayUrl(values.url), process.env.API_TOKEN);
    const { replayed } = (await api('POST', '/api/dead-letters/replay', selector)) as { replayed: number };
    process.stdout.write(`${replayed} dead letters queued again\n`);
    return 0;
  }
  throw new UsageError(action ? `unknown dlq action ${action}` : 'dlq needs an action: list or replay');
}
