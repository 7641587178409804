// The relay's command line. `start` runs the relay; the rest operate on a running one or its store.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { Relay } from './pipeline.ts';
import { formatKeys, generateKey } from './privacy/keys.ts';
import { hashPassword } from './privacy/passwords.ts';
import { readLocalSecrets } from './secrets.ts';
import { simulate } from './simulate/simulate.ts';
import { checkSalesforce, formatCheck } from './sync/salesforce/check.ts';
import { createHubSpotApi } from './sync/hubspot/sink.ts';
import { setupHubSpot } from './sync/hubspot/properties.ts';

function localUrl(config: Config): string {
  return `http://${config.env.HOST === '0.0.0.0' ? '127.0.0.1' : config.env.HOST}:${config.env.PORT}`;
}

function relayApi(base: string, token: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(base.replace(/\/$/, '') + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as { error?: string };
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error ?? ''}`);
    return json;
  };
}

const usage = `usage: relay <command> [options]

  start                         run the relay (webhooks, analysis, delivery, API)
  simulate [--calls N] [--url URL]
                                replay synthetic Twilio calls against a running relay
  dlq list [--sink S] [--error TEXT] [--url URL]
                                list dead-lettered deliveries
  dlq replay (--id N | --error TEXT | --all)
                                put dead letters back in the queue
  hubspot setup                 create the AI Call Sync property group and properties (idempotent)
  salesforce check              describe Call_Event__e in the org and list fields the relay
                                sends that are missing or cannot hold its values
  calls delete CALL_ID [--url URL]
                                delete a call's transcript and personal data; its link answers 410
  keys rotate [--url URL]       new encryption key (key file) or move rows to the first key in
                                ENCRYPTION_KEY; re-encrypts stored rows while the relay runs
  keys generate                 print a new key for ENCRYPTION_KEY or LINK_SIGNING_KEY
  retention purge [--url URL]   purge transcripts and recordings past retention.transcriptDays now
  hash-password                 read a password on stdin, print CONSOLE_ADMIN_PASSWORD_HASH
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const relay = new Relay({ config });
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
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      // Announced only once the handlers are in: a supervisor (or a test) that signals as soon as
      // it reads this line must reach them, not the default action that kills at once.
      process.stdout.write(`relay listening on ${url}\n`);
      return -1;
    }
    case 'simulate': {
      const { values } = parseArgs({ args: rest, options: { calls: { type: 'string', default: '6' }, url: { type: 'string' } } });
      const url = values.url ?? localUrl(config);
      const authToken = config.env.TWILIO_AUTH_TOKEN ?? readLocalSecrets(config.dataDir)?.twilioAuthToken;
      if (!authToken) throw new ConfigError(`no TWILIO_AUTH_TOKEN and no ${config.dataDir}/local-secrets.json: start the relay first, or set TWILIO_AUTH_TOKEN`);
      const result = await simulate({ url, signedUrl: config.env.PUBLIC_URL, authToken, calls: Number(values.calls) });
      process.stdout.write(`sent ${result.requests} webhook deliveries for ${result.callSids.length} calls (${result.failures} refused)\n`);
      for (const sid of result.callSids) process.stdout.write(`  ${url}/api/calls/${sid}\n`);
      return result.failures === 0 ? 0 : 1;
    }
    case 'dlq': {
      // Through the running relay's API: the embedded store belongs to the relay process.
      const [action, ...args] = rest;
      const { values } = parseArgs({ args, options: { sink: { type: 'string' }, error: { type: 'string' }, id: { type: 'string' }, all: { type: 'boolean' }, url: { type: 'string' } } });
      const api = relayApi(values.url ?? localUrl(config), config.env.API_TOKEN);
      if (action === 'list') {
        const query = new URLSearchParams({ ...(values.sink ? { sink: values.sink } : {}), ...(values.error ? { error: values.error } : {}) });
        const { deadLetters } = (await api('GET', `/api/dead-letters?${query}`)) as { deadLetters: { deliveryId: number; sink: string; callId: string; attempts: number; deadAt: string; error: string }[] };
        for (const l of deadLetters) process.stdout.write(`${l.deliveryId}\t${l.sink}\t${l.callId}\t${l.attempts} tries\t${l.deadAt}\t${l.error}\n`);
        process.stdout.write(`${deadLetters.length} dead letters\n`);
        return 0;
      }
      if (action === 'replay') {
        const selector = values.id ? { deliveryId: Number(values.id) } : values.error ? { errorContains: values.error } : values.all ? { all: true } : null;
        if (!selector) throw new ConfigError('dlq replay needs --id N, --error TEXT or --all');
        const { replayed } = (await api('POST', '/api/dead-letters/replay', selector)) as { replayed: number };
        process.stdout.write(`${replayed} dead letters queued again\n`);
        return 0;
      }
      throw new ConfigError(`unknown dlq action ${action ?? '(none)'}\n${usage}`);
    }
    case 'hubspot': {
      if (rest[0] !== 'setup') throw new ConfigError(`unknown hubspot action ${rest[0] ?? '(none)'}\n${usage}`);
      const api = createHubSpotApi(config);
      if (!api) throw new ConfigError('hubspot setup needs HUBSPOT_ACCESS_TOKEN');
      const report = await setupHubSpot(api);
      for (const [what, names] of Object.entries(report)) process.stdout.write(`${what}: ${names.length ? names.join(', ') : '(none)'}\n`);
      return 0;
    }
    case 'salesforce': {
      if (rest[0] !== 'check') throw new ConfigError(`unknown salesforce action ${rest[0] ?? '(none)'}\n${usage}`);
      const check = await checkSalesforce(config);
      for (const line of formatCheck(check)) process.stdout.write(`${line}\n`);
      return check.ok ? 0 : 1;
    }
    case 'calls': {
      const [action, callId, ...args] = rest;
      const { values } = parseArgs({ args, options: { url: { type: 'string' } } });
      if (action !== 'delete' || !callId) throw new ConfigError(`usage: relay calls delete CALL_ID\n${usage}`);
      const api = relayApi(values.url ?? localUrl(config), config.env.API_TOKEN);
      const result = (await api('DELETE', `/api/calls/${encodeURIComponent(callId)}`)) as { status: string; redactionsQueued?: string[] };
      process.stdout.write(`${callId}: ${result.status.replace('_', ' ')}${result.redactionsQueued?.length ? `; redaction queued for ${result.redactionsQueued.join(', ')}` : ''}\n`);
      return 0;
    }
    case 'keys': {
      const [action, ...args] = rest;
      if (action === 'generate') {
        process.stdout.write(`${formatKeys([generateKey()])}\n`);
        return 0;
      }
      if (action !== 'rotate') throw new ConfigError(`usage: relay keys rotate | relay keys generate\n${usage}`);
      const { values } = parseArgs({ args, options: { url: { type: 'string' } } });
      const api = relayApi(values.url ?? localUrl(config), config.env.API_TOKEN);
      const result = (await api('POST', '/api/keys/rotate')) as { rotated: boolean; activeKeyId: string; rows: Record<string, number> };
      const moved = Object.entries(result.rows).map(([table, n]) => `${n} ${table}`).join(', ') || 'no rows';
      process.stdout.write(`${result.rotated ? 'new key' : 'active key'} ${result.activeKeyId}; re-encrypted ${moved}\n`);
      return 0;
    }
    case 'retention': {
      const [action, ...args] = rest;
      if (action !== 'purge') throw new ConfigError(`usage: relay retention purge\n${usage}`);
      const { values } = parseArgs({ args, options: { url: { type: 'string' } } });
      const api = relayApi(values.url ?? localUrl(config), config.env.API_TOKEN);
      const { purged, transcriptDays } = (await api('POST', '/api/retention/purge')) as { purged: number; transcriptDays: number };
      process.stdout.write(`${purged} calls older than ${transcriptDays} days purged\n`);
      return 0;
    }
    case 'hash-password': {
      if (process.stdin.isTTY) process.stderr.write('password (input is shown; pipe it in to keep it off the screen): ');
      process.stdout.write(`${await hashPassword(await readStdin())}\n`);
      return 0;
    }
    default:
      process.stderr.write(usage);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? '' : 'error: '}${(error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
