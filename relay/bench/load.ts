// A small closed-loop HTTP load generator: `concurrency` keep-alive connections each send the
// next prepared request as soon as the previous one is answered. Bodies and signatures are
// prepared before the clock starts, so the generator measures the server, not itself.
import http from 'node:http';

export type PreparedRequest = { path: string; headers: Record<string, string>; body: string };
export type LoadResult = { requests: number; errors: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(baseUrl: string, requests: PreparedRequest[], concurrency: number): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const one = (req: PreparedRequest) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
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
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) await one(requests[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: requests.length, errors, seconds, perSecond: requests.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
