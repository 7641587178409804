// `relay keys`: a fresh key, or a rotation done by the running relay (it holds the store).
import { formatKeys, generateKey } from '../privacy/keys.ts';
import { parse, relayUrl, UsageError } from './args.ts';
import { relayApi } from './relay-api.ts';

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'generate') {
    parse(rest, {});
    process.stdout.write(`${formatKeys([generateKey()])}\n`);
    return 0;
  }
  if (action !== 'rotate') throw new UsageError(action ? `unknown keys action ${action}` : 'keys needs an action: generate or rotate');
  const { values } = parse(rest, { url: { type: 'string' } });
  const api = relayApi(relayUrl(values.url), process.env.API_TOKEN);
  const result = (await api('POST', '/api/keys/rotate')) as { rotated: boolean; activeKeyId: string; rows: Record<string, number> };
  const moved = Object.entries(result.rows).map(([table, n]) => `${n} ${table}`).join(', ') || 'no rows';
  process.stdout.write(`${result.rotated ? 'new key' : 'active key'} ${result.activeKeyId}; re-encrypted ${moved}\n`);
  return 0;
}
