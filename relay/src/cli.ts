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

/**
 * `--env-from PATH`, anywhere on the line: settings read from the file as Node reads .env files
 * (process.loadEnvFile); what the environment already sets wins. Not `--env-file`: Node takes
 * that one for itself wherever it stands on the command line, and exits if the file is missing.
 */
function loadEnvFiles(argv: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const file = arg === '--env-from' ? argv[++i] : arg.startsWith('--env-from=') ? arg.slice('--env-from='.length) : undefined;
    if (file === undefined && arg !== '--env-from') {
      rest.push(arg);
      continue;
    }
    if (!file) throw new UsageError('--env-from needs a path');
    try {
      process.loadEnvFile(file);
    } catch (error) {
      throw new UsageError(`cannot read --env-from ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return rest;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = loadEnvFiles(argv);
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
