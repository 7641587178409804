// Starts a server in its own process (so it does not share an event loop with the load
// generator, or so a test can kill it) and resolves with the URL it prints. A child that never
// starts is killed, and every child is killed when this process exits, so no test leaves a
// server running behind it.
import { spawn, type ChildProcess } from 'node:child_process';

export type Child = { url: string; process: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> };

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function startChild(script: string, args: string[], env: Record<string, string>): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let out = '';
    let err = '';
    // A relay starts in a few seconds, but on a loaded machine (compiling PGlite's WASM and
    // migrating while other processes hold the cores) it has taken over 30.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within 120 s: ${err}`));
    }, 120_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          process: child,
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill(signal);
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening: ${err}`));
    });
  });
}

/** Starts several; if any fails, stops the others before failing. */
export async function startChildren(count: number, start: () => Promise<Child>): Promise<Child[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, start));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((c) => c.stop('SIGKILL')));
    throw failed.reason;
  }
  return started;
}
