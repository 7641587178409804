// `relay salesforce check`: describes Call_Event__e in the org against what the relay sends.
import { loadConfig } from '../config.ts';
import { checkSalesforce, formatCheck } from '../sync/salesforce/check.ts';
import { parse, UsageError } from './args.ts';

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'check') throw new UsageError(action ? `unknown salesforce action ${action}` : 'salesforce needs an action: check');
  parse(rest, {});
  const check = await checkSalesforce(loadConfig());
  for (const line of formatCheck(check)) process.stdout.write(`${line}\n`);
  return check.ok ? 0 : 1;
}
