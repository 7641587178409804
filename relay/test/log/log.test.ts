// What an error looks like in the log: type, message, code and stack under `err`, and never the
// row values PostgreSQL quotes in `detail` and `where`.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createApp } from '../../src/web/app.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

describe('log', () => {
  it('logs an error under err with its type, message, code and stack', () => {
    const { lines, log } = capture();
    log.error({ err: new RangeError('out of range') }, 'step failed');
    const err = lines[0]!.err as Record<string, unknown>;
    assert.equal(err.type, 'RangeError');
    assert.equal(err.message, 'out of range');
    assert.match(String(err.stack), /RangeError: out of range\n\s+at /);
  });

  it("never logs PostgreSQL's detail, where or hint, which quote row values", () => {
    const { lines, log } = capture();
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "calls_pkey"'), {
      code: '23505',
      detail: 'Key (from_phone)=(+15615550123) already exists.',
      where: 'SQL statement "insert into calls values (\'Maria Gonzalez\')"',
      hint: 'maria@example.com',
      table: 'calls',
    });
    log.error({ err: new Error('merge failed', { cause: pgError }) }, 'step failed');
    const text = JSON.stringify(lines);
    for (const value of ['+15615550123', 'Maria Gonzalez', 'maria@example.com']) assert.ok(!text.includes(value), `${value} is not logged`);
    const cause = (lines[0]!.err as { cause: Record<string, unknown> }).cause;
    assert.equal(cause.code, '23505', 'the code is kept: it says what went wrong');
    assert.equal(cause.message, 'duplicate key value violates unique constraint "calls_pkey"');
  });

  it('censors personal fields that slip into a log object', () => {
    const { lines, log } = capture();
    log.info({ call: { from: '+15615550123', transcript: 'hello', email: 'a@b.co' } }, 'x');
    assert.deepEqual(lines[0]!.call, { from: '[redacted]', transcript: '[redacted]', email: '[redacted]' });
  });
});

describe('access log', () => {
  it('logs each API request by its route pattern, never its URL', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const router = express.Router();
    router.get('/api/callers/:phone/context', (_req, res) => void res.json({}));
    const server = createServer(createApp({ metrics: createMetrics(), log: createLogger('info', stream), ready: async () => true, routers: [router] }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/api/callers/%2B15615550123/context`);
    await fetch(`http://127.0.0.1:${port}/nowhere/%2B15615550123`);
    server.close();
    const requests = lines.filter((l) => l.msg === 'request');
    assert.deepEqual(requests.map((l) => [l.method, l.route, l.status]), [['GET', '/api/callers/:phone/context', 200], ['GET', '(no route)', 404]]);
    assert.ok(!JSON.stringify(lines).includes('5615550123'), 'no phone number in the access log');
  });
});
