// The command table: what `relay --help` lists, and where each command's code lives. Each
// command is imported only when it runs, so `relay keys generate` or `--help` do not load the
// whole relay (express, the store, the SDKs).
export type Command = {
  name: string;
  summary: string;
  usage: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
};

const URL_OPTION = '--url URL   the running relay (default: http://HOST:PORT from the environment)';

export const commands: Command[] = [
  {
    name: 'start',
    summary: 'run the relay (webhooks, analysis, delivery, API)',
    usage: 'relay start\n\nRuns until SIGTERM or SIGINT. Configured by the environment and RELAY_CONFIG (see docs/configuration.md).',
    load: () => import('./start.ts'),
  },
  {
    name: 'simulate',
    summary: 'replay synthetic Twilio calls against a running relay',
    usage: `relay simulate [--calls N] [--url URL]\n\n  --calls N   how many calls (default 6)\n  ${URL_OPTION}`,
    load: () => import('./simulate.ts'),
  },
  {
    name: 'dlq',
    summary: 'list or replay dead-lettered deliveries',
    usage: `relay dlq list [--sink S] [--error TEXT] [--json] [--url URL]\nrelay dlq replay (--id N | --error TEXT | --all) [--url URL]\n\n  --json      one JSON document on stdout\n  ${URL_OPTION}`,
    load: () => import('./dlq.ts'),
  },
  {
    name: 'hubspot',
    summary: 'create the AI Call Sync property group and properties in HubSpot (idempotent)',
    usage: 'relay hubspot setup\n\nNeeds HUBSPOT_ACCESS_TOKEN.',
    load: () => import('./hubspot.ts'),
  },
  {
    name: 'salesforce',
    summary: 'check the org: fields the relay sends that Call_Event__e lacks or cannot hold',
    usage: 'relay salesforce check\n\nNeeds the SF_* settings.',
    load: () => import('./salesforce.ts'),
  },
  {
    name: 'calls',
    summary: "delete a call's transcript and personal data (its link answers 410)",
    usage: `relay calls delete CALL_ID [--url URL]\n\n  ${URL_OPTION}`,
    load: () => import('./calls.ts'),
  },
  {
    name: 'keys',
    summary: 'generate a key, or rotate the encryption key of a running relay',
    usage: `relay keys generate\nrelay keys rotate [--url URL]\n\n  generate    print a new key for ENCRYPTION_KEY, LINK_SIGNING_KEY or LOOKUP_KEY\n  rotate      new key (key file) or move rows to the first key in ENCRYPTION_KEY;\n              re-encrypts stored rows while the relay runs\n  ${URL_OPTION}`,
    load: () => import('./keys.ts'),
  },
  {
    name: 'retention',
    summary: 'purge transcripts and recordings past retention.transcriptDays now',
    usage: `relay retention purge [--url URL]\n\n  ${URL_OPTION}`,
    load: () => import('./retention.ts'),
  },
  {
    name: 'hash-password',
    summary: 'read a password on stdin, print CONSOLE_ADMIN_PASSWORD_HASH',
    usage: 'relay hash-password < password-file',
    load: () => import('./hash-password.ts'),
  },
];

export function overview(version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `relay ${version}: AI Call Sync relay`,
    '',
    'usage: relay <command> [options]',
    '       relay <command> --help',
    '       relay --version',
    '',
    'options:',
    '  --env-from PATH  read settings from a .env file (the environment wins)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
  ].join('\n');
}
