// The relay's command line. `start` runs the relay; the rest operate on a running one or its
// store. The table of commands is in cli/commands.ts; each command's code in cli/<name>.ts.
//
// Exit codes: 0 done, 1 the command failed, 2 misuse (unknown command or option, bad config).
import { readFileSync } from 'node:fs';
import { UsageError } from './cli/args.ts';
import { commands, overview } from './cli/commands.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Usage text with every line after the first under the first's command. */
const usage = (text: string) => `usage: ${text.replace(/\n(?=relay )/g, '\n       ')}\n`;

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || isHelp(name)) {
    process.stdout.write(overview(version));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command ${name}`);
  if (rest.some(isHelp)) {
    process.stdout.write(usage(command.usage));
    return 0;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message}\n\n${usage(command.usage)}`);
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  async (error: unknown) => {
    // config.ts (and zod with it) is loaded only by the commands that read the configuration.
    const { ConfigError } = await import('./config.ts');
    if (error instanceof UsageError) {
      process.stderr.write(`relay: ${error.message.trimEnd()}\n${error.message.includes('usage:') ? '' : `run 'relay --help' for the commands\n`}`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`relay: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`relay: error: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
