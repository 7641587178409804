// Formats the package's Apex and LWC sources with prettier and prettier-plugin-apex
// (`npm run format:salesforce`); `npm run test:salesforce` fails until they are formatted.
import { bin, checksDir, ensureInstalled, run } from './tools.ts';

ensureInstalled(checksDir);
run(bin(checksDir, 'prettier'), ['--write', 'force-app/**/*.{cls,trigger,js,html,css}']);
