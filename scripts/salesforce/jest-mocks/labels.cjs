// Custom Labels for the LWC Jest tests: every `@salesforce/label/c.*` import resolves to the
// label's value in force-app's CustomLabels file, so tests read the words a user reads (and
// fail when a label is renamed or missing) instead of sfdx-lwc-jest's default "c.Name" text.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const labelsFile = path.join(__dirname, '../../../force-app/main/default/labels/CustomLabels.labels-meta.xml');
const xml = readFileSync(labelsFile, 'utf8');
const entities = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const decode = (text) => text.replace(/&(amp|lt|gt|quot|apos);/g, (entity) => entities[entity]);

for (const [, body] of xml.matchAll(/<labels>([\s\S]*?)<\/labels>/g)) {
    const name = /<fullName>([^<]+)<\/fullName>/.exec(body)[1];
    const value = decode(/<value>([\s\S]*?)<\/value>/.exec(body)[1]);
    // doMock, not mock: these calls must not be hoisted above the loop that defines them.
    jest.doMock(`@salesforce/label/c.${name}`, () => ({ __esModule: true, default: value }), { virtual: true });
}
