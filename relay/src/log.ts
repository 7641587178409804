// pino logs: JSON lines for machines, and readable lines when a person watches a terminal.
// Call content never reaches a log line: code logs call ids, counts and errors, and these paths
// are censored in case an object slips through.
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

const CENSORED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  '*.transcript',
  '*.text',
  '*.from',
  '*.to',
  '*.phone',
  '*.email',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
];

export type LoggedError = { type: string; message: string; code?: string | number; stack?: string; cause?: LoggedError };

/**
 * An error as it may be logged: its type, message, code and stack, and its cause the same way.
 * Nothing else: pino's own serializer copies every property, and PostgreSQL's errors carry
 * `detail`, `where` and `hint`, which quote the row values (a phone number, a name) that failed.
 */
export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.constructor?.name ?? error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(cause !== undefined && depth < 3 ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

function prettyStream(): pino.DestinationStream {
  // pino-pretty is CommonJS and loaded only for a terminal; JSON output never pays for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => pino.DestinationStream;
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}

/**
 * The relay's logger. Without a destination it writes to stdout: readable lines when stdout is
 * a terminal (LOG_FORMAT=json forces JSON there), JSON lines otherwise.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const pretty = !destination && process.stdout.isTTY && process.env.LOG_FORMAT !== 'json';
  return pino(
    {
      level,
      base: { service: 'ai-call-sync-relay' },
      serializers: { err: serializeError },
      redact: { paths: CENSORED, censor: '[redacted]' },
    },
    destination ?? (pretty ? prettyStream() : undefined),
  );
}
