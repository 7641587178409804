// The overview's "Activity" section: what operators look at first, as charts with their tables.
import type { Db } from '../../store/db.ts';
import { callsPerHour, deadLettersPerDay, intentMix, latencyHistogram } from './chart-data.ts';
import { barChart } from './charts.ts';
import { html, type SafeHtml } from './html.ts';
import { dispositionLabel, intentLabel } from './labels.ts';

const taxonomyLabel = (label: (value: string) => string) => (key: string) => (key === 'not analysed' ? 'Not analysed yet' : label(key));

export async function activitySection(db: Db): Promise<SafeHtml> {
  const [perHour, intents, latency, dead] = await Promise.all([callsPerHour(db), intentMix(db), latencyHistogram(db), deadLettersPerDay(db)]);
  return html`<section aria-labelledby="h-activity"><h2 id="h-activity">Activity</h2>
<div class="charts">
${barChart(perHour, { id: 'chart-calls-per-hour', title: 'Calls per hour by outcome, last 24 hours (UTC)', unit: 'calls', seriesLabel: taxonomyLabel(dispositionLabel), labelEvery: 6 })}
${barChart(intents, { id: 'chart-intents', title: 'Why people called, last 7 days', unit: 'calls', categoryLabel: taxonomyLabel(intentLabel) })}
${barChart(latency, { id: 'chart-latency', title: 'Seconds from call end to CRM, calls delivered in the last 24 hours', unit: 'calls' })}
${barChart(dead, { id: 'chart-dead-letters', title: 'Dead letters per day, last 14 days (UTC)', unit: 'dead letters', labelEvery: 4 })}
</div></section>`;
}
