// The overview's charts count what the store holds, bucket by bucket, and draw it as SVG with a
// text alternative and the same numbers in a table.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callsPerHour, deadLettersPerDay, intentMix, latencyHistogram } from '../../src/web/console/chart-data.ts';
import { barChart } from '../../src/web/console/charts.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { testEngine, testStore } from '../support/db.ts';

const HOUR = 3_600_000;

describe(`overview charts (${testEngine})`, () => {
  const store = testStore();
  let db: Db;
  const now = new Date();
  const hoursAgo = (h: number) => new Date(now.getTime() - h * HOUR);

  before(async () => {
    db = await openDb(store.location, { schema: store.schema });
    const call = (id: string, endedAt: Date, intent: string | null, disposition: string | null, stage = 'analysed') =>
      db.query(`insert into calls (id, provider, stage, ended_at, analysis) values ($1, 'generic', $2, $3, $4)`, [id, stage, endedAt, intent ? JSON.stringify({ insights: { intent, disposition } }) : null]);
    await call('a', hoursAgo(0), 'book_appointment', 'appointment_booked');
    await call('b', hoursAgo(0), 'book_appointment', 'voicemail');
    await call('c', hoursAgo(2), 'billing_question', 'resolved');
    await call('d', hoursAgo(2), null, null, 'completed');
    await call('e', hoursAgo(30), 'complaint', 'resolved');
    await call('gone', hoursAgo(1), 'spam', 'spam', 'deleted');
    const delivery = async (callId: string, seconds: number, status: string) => {
      const [row] = await db.query<{ id: number }>(
        `insert into deliveries (call_id, sink, status, snapshot, call_ended_at, delivered_at) values ($1, 'salesforce', $2, '{}', $3, $4) returning id`,
        [callId, status, hoursAgo(1), status === 'delivered' ? new Date(hoursAgo(1).getTime() + seconds * 1000) : null],
      );
      if (status === 'dead') await db.query(`insert into delivery_attempts (delivery_id, attempt, outcome, error, latency_ms) values ($1, 8, 'dead_lettered', 'HTTP 400', 10)`, [row!.id]);
    };
    await delivery('a', 0.4, 'delivered');
    await delivery('b', 1.5, 'delivered');
    await delivery('c', 400, 'delivered');
    await delivery('d', 0, 'dead');
  });
  after(async () => {
    await db.close();
    await store.drop();
  });

  it('counts calls per hour by outcome over the last 24 hours, leaving out deleted calls', async () => {
    const data = await callsPerHour(db, now);
    assert.equal(data.categories.length, 24);
    const series = Object.fromEntries(data.series.map((s) => [s.key, s.values]));
    assert.deepEqual(Object.keys(series), ['appointment_booked', 'not analysed', 'resolved', 'voicemail']);
    assert.equal(series.appointment_booked![23], 1);
    assert.equal(series.voicemail![23], 1);
    assert.equal(series.resolved![21], 1, 'the call from 30 hours ago is outside the window');
    assert.equal(series['not analysed']![21], 1);
  });

  it('counts the intent mix of the last 7 days, commonest first', async () => {
    const data = await intentMix(db);
    assert.deepEqual(data.categories, ['book_appointment', 'billing_question', 'complaint', 'not analysed']);
    assert.deepEqual(data.series[0]!.values, [2, 1, 1, 1]);
  });

  it('buckets call-end-to-CRM latency', async () => {
    const data = await latencyHistogram(db);
    const counts = Object.fromEntries(data.categories.map((c, i) => [c, data.series[0]!.values[i]]));
    assert.equal(counts['0–1'], 1);
    assert.equal(counts['1–2'], 1);
    assert.equal(counts['300+'], 1);
  });

  it('counts dead letters per day by CRM', async () => {
    const data = await deadLettersPerDay(db, now);
    assert.equal(data.categories.length, 14);
    assert.deepEqual(data.series.map((s) => [s.key, s.values.reduce((a, b) => a + b, 0), s.values[13]]), [['salesforce', 1, 1]]);
  });

  it('draws a chart with a text alternative and its numbers in a table', () => {
    const page = barChart({ categories: ['x', 'y'], series: [{ key: 'p', values: [1, 4] }, { key: 'q', values: [2, 0] }] }, { id: 'c1', title: 'Things', unit: 'calls' }).html;
    assert.match(page, /<svg [^>]*role="img" aria-labelledby="c1-title c1-desc"/);
    assert.match(page, /<desc id="c1-desc">7 calls in all; the most, 4, in y\./);
    assert.equal((page.match(/<rect x=/g) ?? []).length, 3, 'one rect per non-zero value');
    assert.match(page, /<tr><th scope="row">x<\/th><td>1<\/td><td>2<\/td><td>3<\/td><\/tr>/);
    assert.doesNotMatch(page, /<script/);
  });

  it('says so when there is nothing to draw', () => {
    const page = barChart({ categories: ['x'], series: [] }, { id: 'c2', title: 'Empty', unit: 'dead letters' }).html;
    assert.match(page, /No dead letters in this period\./);
    assert.doesNotMatch(page, /<svg/);
  });
});
