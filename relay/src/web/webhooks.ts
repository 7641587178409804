// Webhook routes: check the signature on the raw body, parse into one IngestEvent, store it
// (group-committed), acknowledge. Nothing slow happens before the acknowledgement.
//
// These routes are served by node:http directly, ahead of express (see app.ts): a webhook needs
// a path lookup, a size-limited body and a fixed JSON answer, and express's per-request layers
// (router, body parser, content negotiation, ETag) cost about as much CPU as everything the relay
// does for the webhook itself.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Intake } from '../calls/intake.ts';
import type { CallStart, Reply } from '../context/call-start.ts';
import { IngestError, type IngestEvent } from '../ingest/event.ts';
import { assertStorable, checkTextFields } from '../ingest/limits.ts';
import { parseGeneric, parseJson, verifyGeneric } from '../ingest/generic.ts';
import { parseRetell, verifyRetell } from '../ingest/retell.ts';
import { formParams, parseTwilio, verifyTwilioSignature, type TwilioBody, type TwilioKind } from '../ingest/twilio.ts';
import { parseVapi, verifyVapi } from '../ingest/vapi.ts';
import type { Metrics } from '../metrics.ts';
import type { WebhookSecrets } from '../secrets.ts';
import { isLoopback } from './loopback.ts';

export type WebhookDeps = {
  intake: Intake;
  secrets: WebhookSecrets;
  metrics: Metrics;
  log: Logger;
  /** Base URL Twilio was given (PUBLIC_URL); without it, the request's own host. */
  publicUrl: string | undefined;
  maxBodyBytes: number;
  /** Answers the platforms' call-start questions (who is calling?) on their webhook URLs. */
  callStart?: CallStart;
};

/** Takes the request and answers it when it is a webhook; false leaves it to the next handler. */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

type Source = 'twilio' | 'generic' | 'vapi' | 'retell';
type Webhook = { query: URLSearchParams; headers: IncomingHttpHeaders; body: Buffer; publicUrl: () => string };
/** An answer other than the acknowledgement: caller context for a platform that asked. */
type Answered = { reply: Promise<Reply> };
type Route = { source: Source; toEvent: (webhook: Webhook) => IngestEvent | Answered | null };
const answered = (reply: Promise<Reply> | null | undefined): Answered | null => (reply ? { reply } : null);

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
// The answers a stored webhook gets, built once. A repeat delivery is accepted like the first:
// it is recognised and dropped when the batch is merged, after the acknowledgement.
const ACK = { accepted: json({ ok: true, result: 'accepted' }), ignored: json({ ok: true, result: 'ignored' }) };

/**
 * Answers once: a request can fail again after its answer (a client that resets the connection
 * after a 413), and a second answer would throw ERR_HTTP_HEADERS_SENT out of an event handler,
 * which ends the process.
 */
function answer(res: ServerResponse, status: number, body: Buffer): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const isJson = (headers: IncomingHttpHeaders) => /^application\/json\s*(;|$)/i.test(header(headers, 'content-type') ?? '');

/**
 * Reads the body up to `limit` bytes; a larger one is refused with 413 before it is all sent.
 * `done` is called once, whatever the request does after (an error after a refusal, an abort).
 */
function readBody(req: IncomingMessage, limit: number, callback: (error: IngestError | null, body: Buffer) => void): void {
  let called = false;
  const done = (error: IngestError | null, body: Buffer) => {
    if (called) return;
    called = true;
    callback(error, body);
  };
  const encoding = header(req.headers, 'content-encoding');
  if (encoding && encoding !== 'identity') return done(new IngestError(415, `unsupported Content-Encoding ${encoding}: send the body uncompressed`), Buffer.alloc(0));
  if (Number(header(req.headers, 'content-length') ?? 0) > limit) return done(new IngestError(413, 'request body too large'), Buffer.alloc(0));
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    if (called) return;
    size += chunk.length;
    if (size > limit) {
      chunks.length = 0;
      done(new IngestError(413, 'request body too large'), Buffer.alloc(0));
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
  req.on('error', () => done(new IngestError(400, 'request body could not be read', 'unreadable_body'), Buffer.alloc(0)));
}

export function webhookHandler(deps: WebhookDeps): WebhookHandler {
  const routes = new Map<string, Route>();

  // Twilio signs the URL it was given: PUBLIC_URL behind a TLS-terminating proxy, else this
  // request's own scheme and host (X-Forwarded-Proto is believed only from a proxy on loopback).
  const requestBase = (req: IncomingMessage) => {
    const forwarded = isLoopback(req.socket.remoteAddress) ? header(req.headers, 'x-forwarded-proto')?.split(',')[0]?.trim() : undefined;
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    return `${forwarded || (encrypted ? 'https' : 'http')}://${header(req.headers, 'host') ?? 'localhost'}`;
  };
  const publicBase = deps.publicUrl?.replace(/\/$/, '');

  for (const kind of ['voice', 'recording', 'transcription'] as TwilioKind[]) {
    routes.set(`/webhooks/twilio/${kind}`, {
      source: 'twilio',
      toEvent: ({ headers, body, query, publicUrl }) => {
        // Form params are parsed once: the signature covers them, and they are the event.
        const signed: TwilioBody = isJson(headers) ? { kind: 'json', raw: body } : { kind: 'form', params: formParams(body) };
        if (!verifyTwilioSignature(deps.secrets.twilioAuthToken, header(headers, 'x-twilio-signature'), publicUrl(), signed)) {
          throw new IngestError(403, 'invalid Twilio signature');
        }
        // A form body is flat text (a JSON one is checked as it is parsed); the query names the agent.
        if (signed.kind === 'form') checkTextFields(Object.entries(signed.params), 'Twilio callback');
        checkTextFields(query, 'query');
        const params = signed.kind === 'json' ? (parseJson(body) as Record<string, string>) : signed.params;
        const consent = query.get('consent');
        return parseTwilio(kind, params, {
          agentId: query.get('agent') ?? undefined,
          consent: consent === 'true' ? true : consent === 'false' ? false : undefined,
        });
      },
    });
  }

  // The incoming-call webhook (the number's Voice URL): TwiML that hands the call to the AI with
  // the caller's context. It stores nothing; the call's status callbacks do.
  const callStart = deps.callStart;
  if (callStart) {
    routes.set('/webhooks/twilio/incoming', {
      source: 'twilio',
      toEvent: ({ headers, body, query, publicUrl }) => {
        const params = formParams(body);
        if (!verifyTwilioSignature(deps.secrets.twilioAuthToken, header(headers, 'x-twilio-signature'), publicUrl(), { kind: 'form', params })) {
          throw new IngestError(403, 'invalid Twilio signature');
        }
        return { reply: callStart.twilio(params, query.get('agent')) };
      },
    });
  }

  routes.set('/webhooks/calls', {
    source: 'generic',
    toEvent: ({ headers, body }) => {
      if (!verifyGeneric(deps.secrets.webhookSecret, header(headers, 'x-signature'), body)) throw new IngestError(403, 'invalid or expired X-Signature');
      return parseGeneric(parseJson(body));
    },
  });

  routes.set('/webhooks/vapi', {
    source: 'vapi',
    toEvent: ({ headers, body }) => {
      if (!deps.secrets.vapiSecret) throw new IngestError(503, 'Vapi webhooks are not configured: set VAPI_WEBHOOK_SECRET');
      if (!verifyVapi(deps.secrets.vapiSecret, header(headers, 'x-vapi-signature'), body)) throw new IngestError(403, 'invalid X-Vapi-Signature');
      const message = parseJson(body);
      return answered(deps.callStart?.vapi(message)) ?? parseVapi(message);
    },
  });

  routes.set('/webhooks/retell', {
    source: 'retell',
    toEvent: ({ headers, body }) => {
      if (!deps.secrets.retellApiKey) throw new IngestError(503, 'Retell webhooks are not configured: set RETELL_API_KEY');
      if (!verifyRetell(deps.secrets.retellApiKey, header(headers, 'x-retell-signature'), body)) throw new IngestError(403, 'invalid or expired X-Retell-Signature');
      const message = parseJson(body);
      return answered(deps.callStart?.retell(message)) ?? parseRetell(message);
    },
  });

  /** Logs a refusal without the body: route, status and a reason code. */
  const refused = (route: Route, path: string, error: IngestError) => {
    deps.metrics.webhooks.labels(route.source, 'rejected').inc();
    deps.log.warn({ route: path, status: error.status, reason: error.reason }, 'webhook refused');
  };

  const handle = async (route: Route, path: string, webhook: Webhook, res: ServerResponse, started: number) => {
    try {
      const event = route.toEvent(webhook);
      if (event && 'reply' in event) {
        const reply = await event.reply;
        deps.metrics.webhooks.labels(route.source, 'answered').inc();
        const bytes = Buffer.from(reply.body);
        res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': bytes.length });
        res.end(bytes);
        return;
      }
      if (event) {
        assertStorable(event);
        await deps.intake.submit(event);
      }
      const result = event ? 'accepted' : 'ignored';
      deps.metrics.webhooks.labels(route.source, result).inc();
      answer(res, 200, ACK[result]);
    } catch (error) {
      if (error instanceof IngestError) {
        refused(route, path, error);
        answer(res, error.status, json({ error: error.message }));
      } else {
        deps.metrics.webhooks.labels(route.source, 'error').inc();
        deps.log.error({ route: path, err: error }, 'webhook could not be stored');
        answer(res, 500, json({ error: 'could not store the event; retry' }));
      }
    } finally {
      deps.metrics.ackLatency.labels(route.source).observe((performance.now() - started) / 1000);
    }
  };

  // Nothing a request does may throw out of the request's handlers: an exception in an event
  // handler ends the process. An unexpected one is logged with its stack and answered 500, once.
  const guarded = (res: ServerResponse, path: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      deps.log.error({ route: path, err: error }, 'webhook failed');
      answer(res, 500, json({ error: 'internal error' }));
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse, route: Route, path: string, q: number) => {
    const started = performance.now();
    readBody(req, deps.maxBodyBytes, (error, body) => guarded(res, path, () => {
      if (error) {
        refused(route, path, error);
        // The rest of a refused body is not read: close the connection rather than drain it.
        if (!res.headersSent) res.setHeader('connection', 'close');
        answer(res, error.status, json({ error: error.message }));
        req.resume();
        return;
      }
      const url = req.url!;
      const webhook: Webhook = {
        query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body,
        publicUrl: () => (publicBase ?? requestBase(req)) + url,
      };
      void handle(route, path, webhook, res, started);
    }));
  };

  return (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/webhooks/')) return false;
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const route = routes.get(path);
    if (!route) return false;
    guarded(res, path, () => serve(req, res, route, path, q));
    return true;
  };
}
