// Verifies requests HubSpot signs with X-HubSpot-Signature-v3: the card's hubspot.fetch calls.
// The signature is base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp)),
// where uri is the full URL HubSpot called with a fixed set of percent-escapes decoded, and
// the timestamp (X-HubSpot-Request-Timestamp, ms) must be within five minutes. The relay
// checks it against its public URL, because behind a proxy the Host it sees is not the one
// HubSpot signed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
export const MAX_AGE_MS = 5 * 60 * 1000;

/** The escapes HubSpot decodes in the URI before signing; every other escape stays as sent. */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function decodeSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => DECODED[escape.toUpperCase()] ?? escape);
}

export type SignedRequest = {
  method: string;
  /** The full URL as HubSpot called it: scheme, host, path and query. */
  uri: string;
  rawBody: string | Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
};

export type Verification = { ok: true } | { ok: false; reason: 'unsigned' | 'stale' | 'mismatch' };

export function signatureV3(clientSecret: string, method: string, uri: string, rawBody: string | Buffer, timestamp: string): string {
  return createHmac('sha256', clientSecret)
    .update(method.toUpperCase() + decodeSignedUri(uri))
    .update(rawBody)
    .update(timestamp)
    .digest('base64');
}

export function verifyHubSpotSignature(request: SignedRequest, clientSecret: string, now: number = Date.now()): Verification {
  if (!request.signature || !request.timestamp) return { ok: false, reason: 'unsigned' };
  const sentAt = Number(request.timestamp);
  if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signatureV3(clientSecret, request.method, request.uri, request.rawBody, request.timestamp), 'base64');
  // Some proxies turn the '+' of a base64 header into a space; undo that before comparing.
  // (HTTP already strips a header's surrounding whitespace, so every space here was a '+'.)
  const given = Buffer.from(request.signature.replace(/ /g, '+'), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}

/** The card is for one installation: the portal HubSpot names in the signed query must be ours. */
export function isConfiguredPortal(portalId: unknown, configured: string | undefined): boolean {
  return configured !== undefined && typeof portalId === 'string' && portalId === configured;
}

export type SignatureMiddlewareOptions = {
  clientSecret: string;
  /** The relay's public URL (PUBLIC_URL); without it the request's own protocol and Host are used. */
  publicUrl?: string;
  now?: () => number;
};

/**
 * Express middleware: 401 unless the request carries a valid, fresh v3 signature. Routes with
 * a body must be mounted after express.raw() so the exact bytes HubSpot signed are available.
 */
export function requireHubSpotSignature(options: SignatureMiddlewareOptions): RequestHandler {
  const origin = options.publicUrl ? new URL(options.publicUrl).origin : null;
  return (req: Request, res: Response, next: NextFunction) => {
    const uri = `${origin ?? `${req.protocol}://${req.get('host') ?? ''}`}${req.originalUrl}`;
    const rawBody = Buffer.isBuffer(req.body) ? req.body : '';
    const result = verifyHubSpotSignature(
      { method: req.method, uri, rawBody, signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER) },
      options.clientSecret,
      (options.now ?? Date.now)(),
    );
    if (!result.ok) {
      res.status(401).json({ error: `HubSpot signature ${result.reason}` });
      return;
    }
    next();
  };
}
