// Who may reach what. The API holds personal data: without API_TOKEN it answers only requests
// made on this machine, so the relay refuses to start without a token wherever it can be reached
// from elsewhere. Forwarding headers (X-Forwarded-For, Forwarded, X-Real-IP) are written by
// whoever opens the connection, so they are believed only from the proxies TRUST_PROXY names; the
// API, the console's sign-in limiter and the logs all take the client address from here.
import type { Request } from 'express';
import proxyaddr from 'proxy-addr';
import { ConfigError } from '../config.ts';
import { isLoopback } from './loopback.ts';

/** Whether the connection from `address` (hop 0 = the socket) is a proxy whose forwarding headers count. */
export type TrustProxy = (address: string, hop: number) => boolean;

const trustNone: TrustProxy = () => false;

/**
 * TRUST_PROXY: a comma-separated list of the proxies' addresses or subnets (`127.0.0.1`,
 * `10.0.0.0/8`, `::1`) or proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`). A hop count
 * or `true` is refused: it would believe the address any client writes in.
 */
export function trustProxyFrom(setting: string | undefined): TrustProxy {
  if (!setting) return trustNone;
  const entries = setting.split(',').map((s) => s.trim()).filter(Boolean);
  const blind = entries.find((e) => /^(\d+|true|false)$/i.test(e));
  if (blind) throw new ConfigError(`TRUST_PROXY: "${blind}" is not an address; name the proxy (e.g. TRUST_PROXY=127.0.0.1 or 10.0.0.0/8), or leave TRUST_PROXY unset when no proxy is in front`);
  try {
    return proxyaddr.compile(entries);
  } catch (error) {
    throw new ConfigError(`TRUST_PROXY: ${(error as Error).message}; expected addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal`);
  }
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Refuses a start that would leave the API open: PUBLIC_URL means a proxy forwards the world's
 * requests to the relay (they arrive from the proxy, often on this machine), and a HOST other than
 * loopback takes connections from the network.
 */
export function assertApiProtected(env: { API_TOKEN?: string; PUBLIC_URL?: string; HOST: string }): void {
  if (env.API_TOKEN) return;
  if (env.PUBLIC_URL) {
    throw new ConfigError(
      `API_TOKEN is required because PUBLIC_URL is set (${env.PUBLIC_URL}): the relay is reached through a proxy, and without a token its API (personal data) would answer whoever the proxy forwards. Set API_TOKEN to a long random value (npm run relay -- keys generate prints one)`,
    );
  }
  if (!LOCAL_HOSTS.has(env.HOST) && !isLoopback(env.HOST)) {
    throw new ConfigError(
      `API_TOKEN is required because HOST=${env.HOST} takes connections from other machines, and without a token the API (personal data) would be open to them. Set API_TOKEN to a long random value (npm run relay -- keys generate prints one), or HOST=127.0.0.1`,
    );
  }
}

/** Set on the express app (createApp) so every route reads the same trust. */
export function trustOf(req: Request): TrustProxy {
  return (req.app.locals.trustProxy as TrustProxy | undefined) ?? trustNone;
}

/** The client's address: the one a trusted proxy forwarded, else the socket's. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * A request from a client on this machine that no untrusted party could have dressed up: the
 * client address is loopback, and it carries no forwarding header the relay did not read.
 * X-Forwarded-For is read only from a trusted proxy; Forwarded and X-Real-IP never are, so a
 * request carrying them came through a proxy whose client is unknown.
 */
export function fromThisMachine(req: Request): boolean {
  if (!isLoopback(clientAddress(req))) return false;
  const forwardedForRead = trustOf(req)(req.socket.remoteAddress ?? '', 0);
  const unread = forwardedForRead ? ['forwarded', 'x-real-ip'] : ['x-forwarded-for', 'forwarded', 'x-real-ip'];
  return !unread.some((name) => req.headers[name] !== undefined);
}
