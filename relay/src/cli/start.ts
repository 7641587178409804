// `relay start`: the relay in the foreground until a signal stops it.
import { loadConfig } from '../config.ts';
import { Relay } from '../pipeline.ts';
import { parse } from './args.ts';

export async function run(args: string[]): Promise<number> {
  parse(args, {});
  const relay = new Relay({ config: loadConfig() });
  const url = await relay.start();
  const shutdown = async (signal: string) => {
    relay.log.info({ signal }, 'shutting down');
    try {
      await relay.stop();
      process.exit(0);
    } catch (error) {
      relay.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  // A second signal while stopping waits for the same stop (Relay.stop is idempotent).
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Announced only once the handlers are in: a supervisor (or a test) that signals as soon as it
  // reads this line must reach them, not the default action that kills at once.
  process.stdout.write(`relay listening on ${url}\n`);
  return -1;
}
