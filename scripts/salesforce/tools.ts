// Installs and runs the Salesforce tooling that stays out of the root install: each tool folder
// under scripts/salesforce has its own package.json and lock, installed with `npm ci` the first
// time a check needs it and again whenever its lock file changes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const checksDir = fileURLToPath(new URL('./', import.meta.url));
export const validateDir = fileURLToPath(new URL('./validate/', import.meta.url));
export const browserDir = fileURLToPath(new URL('./browser/', import.meta.url));

/** Runs `npm ci` in the folder unless its node_modules already matches its lock file. */
export function ensureInstalled(dir: string): void {
  const lock = path.join(dir, 'package-lock.json');
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  const started = Date.now();
  console.log(`installing the tools in ${path.relative(repoRoot, dir) || '.'} (npm ci)`);
  run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: repoRoot });
  console.log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export type RunResult = { status: number; stdout: string; stderr: string };

/** Runs a command; with `capture` its output is returned, otherwise it streams to this terminal. */
export function run(command: string, args: string[], options: { cwd?: string; capture?: boolean; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    stdio: options.capture ? 'pipe' : 'inherit',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const outcome = { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (!options.capture && outcome.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${outcome.status}`);
  return outcome;
}

export function bin(dir: string, name: string): string {
  return path.join(dir, 'node_modules', '.bin', name);
}

export function packageVersion(dir: string, name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

type Step = { name: string; run: () => void | Promise<void> };

/** Runs every step even after a failure, prints timings and the closing `N passed, N failed`. */
export async function runSteps(title: string, steps: Step[]): Promise<void> {
  let passed = 0;
  let failed = 0;
  for (const step of steps) {
    const started = Date.now();
    console.log(`\n== ${title}: ${step.name}`);
    try {
      await step.run();
      passed++;
      console.log(`ok   ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.error(`FAIL ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`\n${title}: ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}
