// Custom Labels for the LWC Jest tests: every `@salesforce/label/c.*` import resolves to the
// label's value in force-app's CustomLabels file, so tests read the words a user reads (and
// fail when a label is renamed or missing) instead of sfdx-lwc-jest's default "c.Name" text.
const { readCustomLabels } = require('../custom-labels.cjs');

for (const [name, value] of readCustomLabels()) {
    // doMock, not mock: these calls must not be hoisted above the loop that defines them.
    jest.doMock(`@salesforce/label/c.${name}`, () => ({ __esModule: true, default: value }), { virtual: true });
}
