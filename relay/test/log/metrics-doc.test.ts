// docs/metrics.md is the one table of the relay's metrics: every metric the relay registers is
// there with its labels, and nothing there is gone from the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createMetrics } from '../../src/metrics.ts';

const doc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');

describe('docs/metrics.md', () => {
  const registered = createMetrics()
    .registry.getMetricsAsArray()
    .filter((m) => m.name.startsWith('relay_'));
  const documented = new Map([...doc.matchAll(/^\| `(relay_[a-z_]+)` \| (\w+) \| ([^|]*) \|/gm)].map((m) => [m[1]!, { type: m[2]!, labels: m[3]!.trim() }]));

  it('documents every metric the relay registers, with its type and labels', () => {
    for (const metric of registered) {
      const row = documented.get(metric.name);
      assert.ok(row, `${metric.name} is in docs/metrics.md`);
      assert.equal(row.type, metric.type, `${metric.name} is documented as a ${metric.type}`);
      const labels = ((metric as unknown as { labelNames: string[] }).labelNames ?? []).map((l) => `\`${l}\``).join(', ') || '-';
      assert.equal(row.labels, labels, `${metric.name} labels`);
    }
  });

  it('documents no metric the relay does not register', () => {
    const names = new Set(registered.map((m) => m.name));
    for (const name of documented.keys()) assert.ok(names.has(name), `${name} in docs/metrics.md is registered`);
  });

  it('says which build is running', async () => {
    const text = await createMetrics().registry.getSingleMetricAsString('relay_build_info');
    assert.match(text, /relay_build_info\{version="\d+\.\d+\.\d+",node="\d+\.\d+\.\d+"\} 1/);
  });
});
