// Renders the package's Lightning web components in a real browser (`npm run test:salesforce:browser`,
// run by .ci/run): the call panel and the setup page are compiled with LWC open source and
// Salesforce's lightning-base-components, styled with SLDS, and shown in Debian's chromium
// (playwright-core; never a downloaded browser) with the LWC Jest fixtures as Apex answers and
// the real Custom Labels. Each scenario is screenshot into test-artifacts/salesforce-browser/,
// checked with axe-core (no violation allowed) and with a few layout checks a DOM test cannot
// make. The compiled bundle is cached in browser/node_modules/.cache between runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { browserDir, ensureInstalled, repoRoot, runSteps } from '../tools.ts';

const require = createRequire(import.meta.url);
const { readCustomLabels } = require('../custom-labels.cjs') as { readCustomLabels: () => Map<string, string> };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/salesforce-browser');
const LWC_DIR = path.join(repoRoot, 'force-app/main/default/lwc');
const FIXTURES = (component: string) => path.join(LWC_DIR, component, '__tests__/data');
const modulesDir = path.join(browserDir, 'node_modules');
const cacheFile = path.join(modulesDir, '.cache/rollup-cache.json');
const harness = path.join(browserDir, 'harness');

type Answer = { data?: unknown; error?: unknown };
type Scenario = {
  name: string;
  width: number;
  tag: string;
  props: Record<string, unknown>;
  apex: Record<string, Answer>;
  // Runs in the page after the component has rendered (clicks), then the page settles.
  act?: string;
  // Checks in the page: returns the problems found.
  check?: string;
};

const fixture = (component: string, name: string) => JSON.parse(readFileSync(path.join(FIXTURES(component), `${name}.json`), 'utf8'));

/** The lwc module records of an npm package, from its package.json "lwc" field, as absolute paths. */
function lwcModules(root: string): object[] {
  const config = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).lwc as { modules: { dir?: string; name?: string; path?: string }[] };
  return config.modules.map((record) => (record.dir ? { dir: path.join(root, record.dir) } : { name: record.name, path: path.join(root, record.path!) }));
}

/** One IIFE bundle holding the harness, the package's components and the base components they use. */
async function build(): Promise<string> {
  const { rollup } = await import('rollup');
  const { default: lwc } = await import('@lwc/rollup-plugin');
  const labels = readCustomLabels();
  const virtual = '\0salesforce:';
  const salesforceModules = {
    name: 'salesforce-scoped-modules',
    resolveId(id: string) {
      return id.startsWith('@salesforce/apex') || id.startsWith('@salesforce/label/c.') ? virtual + id : null;
    },
    load(id: string) {
      if (!id.startsWith(virtual)) return null;
      const name = id.slice(virtual.length);
      const apex = JSON.stringify(path.join(harness, 'apex.js'));
      if (name === '@salesforce/apex') return `export { refreshApex } from ${apex};`;
      if (name.startsWith('@salesforce/apex/')) {
        return `import { apexMethod } from ${apex}; export default apexMethod(${JSON.stringify(name.slice('@salesforce/apex/'.length))});`;
      }
      const label = name.slice('@salesforce/label/c.'.length);
      if (!labels.has(label)) this.error(`no Custom Label named ${label}`);
      return `export default ${JSON.stringify(labels.get(label))};`;
    },
    // The engine reads process.env.NODE_ENV and import.meta.env.SSR, which a browser lacks.
    transform(code: string) {
      if (!code.includes('process.env.NODE_ENV') && !code.includes('import.meta.env.SSR')) return null;
      return { code: code.replaceAll('process.env.NODE_ENV', '"production"').replaceAll('import.meta.env.SSR', 'false'), map: null };
    },
  };
  const components = ['aiCallPanel', 'aiCallSyncSetup', 'aiCallSyncTable', 'callSyncUtils'].map((name) => ({
    name: `c/${name}`,
    path: path.join(LWC_DIR, name, `${name}.js`),
  }));
  const engine = ['engine-dom', 'synthetic-shadow', 'wire-service'].flatMap((name) => lwcModules(path.join(modulesDir, '@lwc', name)));
  const cache = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : undefined;
  const bundle = await rollup({
    input: path.join(harness, 'main.js'),
    cache,
    plugins: [
      salesforceModules,
      lwc({
        rootDir: browserDir,
        // Explicit records: npm records would be looked up from force-app, which has no node_modules.
        modules: [...components, ...lwcModules(path.join(modulesDir, 'lightning-base-components'))],
        defaultModules: engine,
      }),
    ],
    onwarn(warning, warn) {
      // lightning-card's template declares its title and footer slots twice (one per variant).
      if (/LWC1137/.test(warning.message)) return;
      warn(warning);
    },
  });
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(bundle.cache));
  const { output } = await bundle.generate({ format: 'iife', inlineDynamicImports: true });
  await bundle.close();
  return output[0].code;
}

const panelCalls = fixture('aiCallPanel', 'calls');
const manyCalls = Array.from({ length: 8 }, (_, index) => ({ ...panelCalls[index % 2], id: `a01000000000${100 + index}AAA`, name: `CALL-000${100 + index}` }));
const panel = (answer: Answer, props: Record<string, unknown> = {}) => ({
  tag: 'c-ai-call-panel',
  props: { recordId: '003000000000001AAA', pollSeconds: 0, ...props },
  apex: { 'AiCallPanelController.getCalls': answer, 'AiCallPanelController.getCallsVersion': { data: '1@1' } },
});
const setup = (status: unknown) => ({
  tag: 'c-ai-call-sync-setup',
  props: {},
  apex: {
    'AiCallSyncSetupController.getStatus': { data: status },
    'AiCallSyncSetupController.startBackfill': { data: fixture('aiCallSyncSetup', 'statusBackfillRunning') },
  },
});

// The outcome pill must hug its text (an slds-col badge stretched to half the row and read as an
// empty field) and the confidence bar must not use the error or success colours.
const panelLayoutCheck = `(() => {
  const problems = [];
  for (const item of root().querySelectorAll('li[data-call-id]')) {
    const pill = item.querySelector('[data-field="disposition"]');
    if (pill.getBoundingClientRect().width > item.getBoundingClientRect().width * 0.5) problems.push('the outcome pill of ' + item.dataset.callId + ' spans half the row');
    const bar = item.querySelector('.confidence-bar');
    if (bar) {
      const [r, g, b] = getComputedStyle(bar).backgroundColor.match(/\\d+/g).map(Number);
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) problems.push('the confidence bar of ' + item.dataset.callId + ' is coloured (' + [r, g, b] + ')');
    }
  }
  for (const link of root().querySelectorAll('a[href]')) {
    if (!link.href.startsWith('https:')) problems.push('a link that is not https: ' + link.href);
  }
  return problems;
})()`;

const scenarios: Scenario[] = [
  { name: 'panel-calls', width: 420, ...panel({ data: [fixture('aiCallPanel', 'newCall'), ...panelCalls] }), check: panelLayoutCheck },
  {
    name: 'panel-transcript-open',
    width: 420,
    ...panel({ data: panelCalls }),
    act: `root().querySelector('[data-field="transcript-toggle"]').click()`,
    check: panelLayoutCheck,
  },
  { name: 'panel-view-all', width: 420, ...panel({ data: manyCalls }, { visibleCalls: 3 }), act: `root().querySelector('[data-id="view-all"]').click()`, check: panelLayoutCheck },
  {
    name: 'panel-unsafe-links',
    width: 420,
    ...panel({ data: fixture('aiCallPanel', 'unsafeLinks') }),
    check: `root().querySelectorAll('a[href]').length === 0 ? [] : ['a non-https link was bound to href']`,
  },
  { name: 'panel-wide', width: 900, ...panel({ data: panelCalls }), check: panelLayoutCheck },
  { name: 'panel-empty', width: 420, ...panel({ data: [] }) },
  { name: 'panel-error', width: 420, ...panel({ error: fixture('aiCallPanel', 'getCallsError') }) },
  { name: 'setup', width: 1280, ...setup(fixture('aiCallSyncSetup', 'status')) },
  { name: 'setup-backfill-running', width: 1280, ...setup(fixture('aiCallSyncSetup', 'statusBackfillRunning')) },
];

function pageHtml(css: string, title: string): string {
  // A record or app page around the component, as Lightning Experience gives it: a main
  // landmark and a page heading.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${css}</style></head>
<body class="slds-scope"><main class="slds-var-p-around_medium"><h1 class="slds-assistive-text">${title}</h1><div id="slot"></div></main></body></html>`;
}

ensureInstalled(browserDir);
mkdirSync(ARTIFACTS, { recursive: true });
let bundle = '';
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const css = readFileSync(path.join(modulesDir, '@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css'), 'utf8');
  const axe = readFileSync(path.join(modulesDir, 'axe-core/axe.min.js'), 'utf8');
  await runSteps('salesforce components in chromium', [
    {
      name: 'compile the components with LWC and lightning-base-components',
      run: async () => {
        bundle = await build();
        console.log(`bundle ${(bundle.length / 1024).toFixed(0)} KiB`);
      },
    },
    ...scenarios.map((scenario) => ({
      name: scenario.name,
      run: async () => {
        if (!bundle) throw new Error('no bundle');
        const page = await browser.newPage({ viewport: { width: scenario.width, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        try {
          await page.setContent(pageHtml(css, scenario.tag === 'c-ai-call-panel' ? 'Lead: Dana Whitfield' : 'AI Call Sync Setup'));
          await page.evaluate((state) => Object.assign(window, state), { __scenario: { tag: scenario.tag, props: scenario.props }, __apex: scenario.apex });
          await page.addScriptTag({ content: `window.root = () => document.querySelector('#slot').firstElementChild.shadowRoot;` });
          await page.addScriptTag({ content: bundle });
          // Rendered once the spinner is gone and the card has content.
          // Synthetic shadow keeps document.querySelector out of components: look inside the host.
          await page.waitForFunction(() => {
            const root = document.querySelector('#slot')?.firstElementChild?.shadowRoot;
            return root && !root.querySelector('lightning-spinner') && root.querySelector('article, [data-id="empty"], [data-id="error"], [data-id="next-steps"]');
          });
          if (scenario.act) {
            await page.evaluate(scenario.act);
            await page.waitForTimeout(50);
          }
          // Icons are inline SVG and nothing is fetched: the page is settled once fonts are.
          await page.evaluate(() => document.fonts.ready.then(() => true));
          await page.screenshot({ path: path.join(ARTIFACTS, `${scenario.name}.png`), fullPage: true });
          const problems: string[] = scenario.check ? await page.evaluate(scenario.check) : [];
          await page.addScriptTag({ content: axe });
          const violations = (await page.evaluate(async () => {
            const result = await (window as unknown as { axe: { run: (node: Document) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document);
            return result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`);
          })) as string[];
          const failures = [...errors.map((error) => `page error: ${error}`), ...problems, ...violations.map((violation) => `axe ${violation}`)];
          if (failures.length) throw new Error(failures.join('\n'));
          console.log(`screenshot test-artifacts/salesforce-browser/${scenario.name}.png; axe: no violations`);
        } finally {
          await page.close();
        }
      },
    })),
  ]);
} finally {
  await browser.close();
}
