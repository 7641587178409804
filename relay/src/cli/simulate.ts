// `relay simulate`: synthetic Twilio calls, signed as Twilio signs them, against a running relay.
import { ConfigError, loadConfig } from '../config.ts';
import { readLocalSecrets } from '../secrets.ts';
import { simulate } from '../simulate/simulate.ts';
import { parse, relayUrl, UsageError } from './args.ts';

export async function run(args: string[]): Promise<number> {
  const { values } = parse(args, { calls: { type: 'string', default: '6' }, url: { type: 'string' } });
  const calls = Number(values.calls);
  if (!Number.isInteger(calls) || calls < 1) throw new UsageError(`--calls must be a whole number above 0, not ${values.calls}`);
  const config = loadConfig();
  const url = relayUrl(values.url);
  const authToken = config.env.TWILIO_AUTH_TOKEN ?? readLocalSecrets(config.dataDir)?.twilioAuthToken;
  if (!authToken) throw new ConfigError(`no TWILIO_AUTH_TOKEN and no ${config.dataDir}/local-secrets.json: start the relay first, or set TWILIO_AUTH_TOKEN`);
  const result = await simulate({ url, signedUrl: config.env.PUBLIC_URL, authToken, calls });
  process.stdout.write(`sent ${result.requests} webhook deliveries for ${result.callSids.length} calls (${result.failures} refused)\n`);
  for (const sid of result.callSids) process.stdout.write(`  ${url}/api/calls/${sid}\n`);
  return result.failures === 0 ? 0 : 1;
}
