// Small HTTP load generators: closed loop (`concurrency` keep-alive connections each send the
// next prepared request as soon as the previous one is answered) and open loop (a fixed rate).
// Bodies and signatures are prepared before the clock starts, so they measure the server.
import http from 'node:http';

export type PreparedRequest = { path: string; headers: Record<string, string>; body: string };
export type LoadResult = { requests: number; errors: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number; maxMs: number };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function sender(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const latencies: number[] = [];
  let errors = 0;
  /** Sends one request; its latency counts from `started` (the moment it was due to be sent). */
  const one = (req: PreparedRequest, started = performance.now()) =>
    new Promise<void>((resolve) => {
      const r = http.request(
        { host: url.hostname, port: url.port, path: req.path, method: 'POST', agent, headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if (res.statusCode !== 200) errors += 1;
            resolve();
          });
        },
      );
      r.on('error', () => {
        errors += 1;
        resolve();
      });
      r.end(req.body);
    });
  const result = (count: number, seconds: number): LoadResult => {
    agent.destroy();
    latencies.sort((a, b) => a - b);
    return { requests: count, errors, seconds, perSecond: count / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? 0 };
  };
  return { one, result };
}

export async function runLoad(baseUrl: string, requests: PreparedRequest[], concurrency: number): Promise<LoadResult> {
  const { one, result } = sender(baseUrl, concurrency);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) await one(requests[next++]!);
    }),
  );
  return result(requests.length, (performance.now() - started) / 1000);
}

/**
 * Open loop: requests go out on a fixed schedule, `perSecond` of them, whether or not earlier ones
 * were answered, as webhooks arrive from a platform. Latency counts from when each was due, so a
 * server that falls behind shows it in full.
 */
export async function runPaced(baseUrl: string, requests: PreparedRequest[], perSecond: number): Promise<LoadResult> {
  const { one, result } = sender(baseUrl, 256);
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (const [i, req] of requests.entries()) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.push(one(req, due));
  }
  await Promise.all(sent);
  return result(requests.length, (performance.now() - started) / 1000);
}
