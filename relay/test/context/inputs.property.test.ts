// Property: whatever a platform (or anyone holding its secret) sends to the call-start endpoints,
// the answer is the platform's shape or a 4xx naming the problem, never a 5xx, and always in time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { callInbound, incoming, retell, startContextRelay, twilioIncoming, vapi, type Answer, type ContextHarness } from './harness.ts';

const phone = fc.oneof(
  fc.constant('+14155550134'),
  fc.stringMatching(/^\+[1-9][0-9]{6,14}$/),
  fc.string({ maxLength: 45 }),
  fc.constant('anonymous'),
);
const anything = fc.anything({ maxDepth: 2, maxKeys: 4 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

function checkAnswer(answer: Answer, budgetMs: number): void {
  assert.ok(answer.status < 500, `5xx: ${answer.status} ${answer.text}`);
  if (answer.status >= 400) assert.match(answer.json().error, /\S/, 'a refusal says why');
  assert.ok(answer.ms < budgetMs + 2_000, `answered in ${Math.round(answer.ms)} ms`);
}

describe('call-start inputs (property)', () => {
  let h: ContextHarness;
  const budgetMs = 500;
  before(async () => {
    h = await startContextRelay({ budgetMs, vapi: { assistantId: 'asst-front' }, twilio: { conversationRelayUrl: 'wss://ai.example.com/relay' } });
  });
  after(async () => h?.close());

  it('Vapi assistant-request and tool-calls', async () => {
    const message = fc.record({
      type: fc.constantFrom('assistant-request', 'tool-calls', 'status-update'),
      call: maybe(fc.record({ id: maybe(fc.oneof(fc.string({ maxLength: 80 }), anything)), customer: maybe(fc.record({ number: maybe(phone) })), assistantId: maybe(fc.string()) })),
      customer: maybe(fc.oneof(fc.record({ number: maybe(phone) }), anything)),
      phoneNumber: maybe(fc.record({ number: maybe(phone) })),
      toolCallList: maybe(fc.oneof(fc.array(fc.record({ id: fc.string({ maxLength: 30 }), name: maybe(fc.constantFrom('lookup_caller', 'other')), function: maybe(fc.record({ name: fc.string() })) }), { maxLength: 3 }), anything)),
    });
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const answer = await vapi(h, { message: m });
        checkAnswer(answer, budgetMs);
        if (answer.status === 200 && m.type === 'assistant-request') {
          for (const value of Object.values(answer.json().assistantOverrides.variableValues)) assert.equal(typeof value, 'string');
        }
        if (answer.status === 200 && m.type === 'tool-calls') assert.equal(answer.json().results.length, (m.toolCallList as unknown[]).length);
      }),
      { numRuns: 60 },
    );
  });

  it('Retell call_inbound and custom functions', async () => {
    const body = fc.oneof(
      fc.record({ event: fc.constant('call_inbound'), call_inbound: fc.oneof(fc.record({ agent_id: maybe(fc.string()), from_number: maybe(phone), to_number: maybe(phone) }), anything) }),
      fc.record({ name: fc.constantFrom('lookup_caller', 'other_fn'), call: fc.oneof(fc.record({ call_id: fc.string({ maxLength: 70 }), from_number: maybe(phone), direction: maybe(fc.constantFrom('inbound', 'outbound', 'sideways')) }), anything), args: maybe(anything) }),
      fc.constant(callInbound('+14155550134')),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const answer = await retell(h, b);
        checkAnswer(answer, budgetMs);
        if (answer.status === 200 && 'event' in b) {
          for (const value of Object.values(answer.json().call_inbound.dynamic_variables)) assert.equal(typeof value, 'string');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('Twilio incoming calls', async () => {
    const params = fc.record({
      AccountSid: fc.oneof(fc.constant(incoming('').AccountSid), fc.string({ maxLength: 40 })),
      CallSid: fc.oneof(fc.constant(incoming('').CallSid), fc.string({ maxLength: 40 })),
      From: phone,
      To: phone,
      Extra: fc.string({ maxLength: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(params, fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), async (p, agent) => {
        const answer = await twilioIncoming(h, p, agent === undefined ? '' : `?agent=${encodeURIComponent(agent)}`);
        checkAnswer(answer, budgetMs);
        if (answer.status === 200) assert.match(answer.text, /^<\?xml[^>]*><Response><Connect><ConversationRelay /);
      }),
      { numRuns: 60 },
    );
  });

  it('GET /api/callers/:phone/context', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (p) => {
        const started = performance.now();
        const res = await fetch(`${h.url}/api/callers/${encodeURIComponent(p)}/context`);
        const text = await res.text();
        checkAnswer({ status: res.status, ms: performance.now() - started, text, json: () => JSON.parse(text) }, budgetMs);
      }),
      { numRuns: 60 },
    );
  });
});
