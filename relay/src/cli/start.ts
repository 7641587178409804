// `relay start`: the relay in the foreground until a signal stops it.
import { loadConfig } from '../config.ts';
import { Relay } from '../pipeline.ts';
import { parse } from './args.ts';

export async function run(args: string[]): Promise<number> {
  parse(args, {});
  const relay = new Relay({ config: loadConfig() });
  const url = await relay.start();
  process.stdout.write(`relay listening on ${url}\n`);
  const shutdown = async (signal: string) => {
    relay.log.info({ signal }, 'shutting down');
    await relay.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}
