// Webhook secrets. Configured ones come from the environment; without them (the quickstart) the
// relay generates its own on first start and keeps them in the data folder, so `simulate` on
// the same machine can sign requests exactly as Twilio would, and nothing runs unsigned.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from './config.ts';

const LocalSecrets = z.object({ twilioAuthToken: z.string().min(16), webhookSecret: z.string().min(16) });

export type WebhookSecrets = {
  twilioAuthToken: string;
  webhookSecret: string;
  vapiSecret: string | undefined;
  retellApiKey: string | undefined;
  /** True when the Twilio token and webhook secret were generated locally, not configured. */
  generated: boolean;
};

export function localSecretsPath(dataDir: string): string {
  return path.join(dataDir, 'local-secrets.json');
}

export function readLocalSecrets(dataDir: string): z.infer<typeof LocalSecrets> | undefined {
  const file = localSecretsPath(dataDir);
  return existsSync(file) ? LocalSecrets.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
}

export function loadWebhookSecrets(config: Config, log: Logger): WebhookSecrets {
  const { env } = config;
  let local: z.infer<typeof LocalSecrets> | undefined;
  if (!env.TWILIO_AUTH_TOKEN || !env.WEBHOOK_SECRET) {
    local = readLocalSecrets(config.dataDir);
    if (!local) {
      local = { twilioAuthToken: randomBytes(16).toString('hex'), webhookSecret: randomBytes(24).toString('hex') };
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(localSecretsPath(config.dataDir), JSON.stringify(local), { mode: 0o600 });
    }
    log.warn({ file: localSecretsPath(config.dataDir) }, 'TWILIO_AUTH_TOKEN or WEBHOOK_SECRET not set: using locally generated secrets (fine for trying the relay, not for real calls)');
  }
  return {
    twilioAuthToken: env.TWILIO_AUTH_TOKEN ?? local!.twilioAuthToken,
    webhookSecret: env.WEBHOOK_SECRET ?? local!.webhookSecret,
    vapiSecret: env.VAPI_WEBHOOK_SECRET,
    retellApiKey: env.RETELL_API_KEY,
    generated: !env.TWILIO_AUTH_TOKEN,
  };
}
