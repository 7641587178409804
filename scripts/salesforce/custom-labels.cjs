// Reads force-app's Custom Labels (name -> English value). Shared by the LWC Jest label mock and
// the browser rendering, so both show the words a user reads.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const labelsFile = path.join(__dirname, '../../force-app/main/default/labels/CustomLabels.labels-meta.xml');
const entities = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const decode = (text) => text.replace(/&(amp|lt|gt|quot|apos);/g, (entity) => entities[entity]);

function readCustomLabels() {
    const labels = new Map();
    for (const [, body] of readFileSync(labelsFile, 'utf8').matchAll(/<labels>([\s\S]*?)<\/labels>/g)) {
        labels.set(/<fullName>([^<]+)<\/fullName>/.exec(body)[1], decode(/<value>([\s\S]*?)<\/value>/.exec(body)[1]));
    }
    return labels;
}

module.exports = { readCustomLabels };
