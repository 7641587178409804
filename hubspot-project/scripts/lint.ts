// Runs `hs project lint` offline.
// - The HubSpot CLI is large, so it lives in its own package (hubspot-project/tools) and is
//   installed on first use. It sits off the card's module resolution path because the CLI
//   brings a React 19 the card must never pick up.
// - The card's lint packages come from the root install (the card is an npm workspace, so they
//   are hoisted), but the CLI only counts a package as installed when it is in the card's own
//   node_modules. Linking them there would confuse npm about the workspace tree, so the project
//   is linted from a temporary copy whose card folder links to the hoisted packages.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const projectDir = path.resolve(import.meta.dirname, '..');
const cardsDir = path.join(projectDir, 'src', 'app', 'cards');
const toolsDir = path.join(projectDir, 'tools');
const hs = path.join(toolsDir, 'node_modules', '.bin', 'hs');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!existsSync(hs)) {
  console.log('Installing the HubSpot CLI into hubspot-project/tools/node_modules (once)...');
  // `install` rather than `ci`: the lock follows the CLI's tree, but a registry mirror may lack
  // other platforms' optional bundler binaries, which `ci` treats as a lock mismatch.
  execFileSync(npm, ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: toolsDir,
    stdio: 'inherit',
  });
}

const copy = mkdtempSync(path.join(os.tmpdir(), 'hs-project-lint-'));
try {
  cpSync(path.join(projectDir, 'hsproject.json'), path.join(copy, 'hsproject.json'));
  cpSync(path.join(projectDir, 'src'), path.join(copy, 'src'), {
    recursive: true,
    filter: (source) => !source.split(path.sep).includes('node_modules'),
  });
  const manifest = JSON.parse(readFileSync(path.join(cardsDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const copiedCards = path.join(copy, 'src', 'app', 'cards');
  for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]) {
    const link = path.join(copiedCards, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(installedPackage(name), link, 'dir');
  }
  execFileSync(hs, ['project', 'lint', '--install-missing-deps=false'], {
    cwd: copy,
    stdio: 'inherit',
    // The CLI looks for hsproject.json from INIT_CWD when npm set it (`npm run` does, to the
    // repository root), so it must point at the copy too.
    env: { ...process.env, INIT_CWD: copy, CI: process.env.CI ?? 'true' },
  });
} finally {
  rmSync(copy, { recursive: true, force: true });
}

/** The installed folder of a package, found the way Node looks for it: up from the card. */
function installedPackage(name: string): string {
  for (let dir = path.dirname(cardsDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed; run npm ci at the repository root`);
  }
}
