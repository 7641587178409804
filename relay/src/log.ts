// pino JSON logs. Call content never reaches a log line: code logs call ids, counts and error
// messages only, and these paths are censored in case an object slips through.
import pino, { type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ai-call-sync-relay' },
      redact: {
        paths: [
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
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
