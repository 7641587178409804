// The answers platforms get when they ask who is calling: Vapi's assistant-request and tool
// calls, Retell's inbound webhook and custom function, Twilio's incoming-call TwiML. Signatures
// are checked by the webhook routes (web/webhooks.ts) before any of this runs; input that is not
// the platform's shape is refused here with a 400 naming the field, before any lookup. Every
// answer comes within the lookup's budget: a lookup that fails gives a valid answer with no
// context, never an error that would drop the call. What was given is recorded afterwards.
import twilio from 'twilio';
import type { Logger } from 'pino';
import { IngestError, parseOr400 } from '../ingest/event.ts';
import type { Db } from '../store/db.ts';
import { GivenRecorder, type Given } from './given.ts';
import type { CallerContextLookup, LookupResult } from './lookup.ts';
import {
  LOOKUP_TOOL,
  parameterValue,
  RetellFunctionCall,
  RetellInbound,
  toolName,
  TwilioIncoming,
  VapiAssistantRequest,
  VapiToolCalls,
} from './platforms.ts';
import { contextVariables, greeting } from './variables.ts';

export type Reply = { status: number; contentType: string; body: string };

const json = (value: unknown): Reply => ({ status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) });

export class CallStart {
  private readonly lookup: CallerContextLookup;
  private readonly log: Logger | undefined;
  readonly given: GivenRecorder;

  constructor(options: { lookup: CallerContextLookup; db: Db; log?: Logger }) {
    this.lookup = options.lookup;
    this.log = options.log;
    this.given = new GivenRecorder(options.db, (error) => this.log?.warn({ err: error.message }, 'could not record the caller context given'));
  }

  private async ask(phone: string | null | undefined, agentId: string | null, given: Omit<Given, 'context' | 'callerKey' | 'agentId'>): Promise<LookupResult> {
    const result = await this.lookup.lookup(phone, agentId);
    // Recorded after the answer is on its way: the call never waits for this write.
    setImmediate(() => this.given.record({ ...given, agentId, callerKey: result.callerKey, context: result.context }));
    return result;
  }

  /** The context itself, for the API. */
  async context(phone: string, agentId: string | null): Promise<LookupResult['context']> {
    return (await this.ask(phone, agentId, { platform: 'api', kind: 'lookup', callId: null })).context;
  }

  /** Vapi server messages this answers (assistant-request, tool-calls); null leaves the rest to ingest. */
  vapi(body: unknown): Promise<Reply> | null {
    const type = (body as { message?: { type?: unknown } } | null)?.message?.type;
    if (type === 'assistant-request') return this.vapiAssistantRequest(parseOr400(VapiAssistantRequest, body, 'Vapi assistant-request').message);
    if (type === 'tool-calls') return this.vapiToolCalls(parseOr400(VapiToolCalls, body, 'Vapi tool-calls').message);
    return null;
  }

  private async vapiAssistantRequest(message: VapiAssistantRequest['message']): Promise<Reply> {
    const config = this.lookup.config.vapi;
    const called = message.phoneNumber?.number ?? message.call?.phoneNumber?.number ?? null;
    const assistantId = (called ? config.assistants[called] : undefined) ?? config.assistantId;
    if (!assistantId) {
      this.log?.error('Vapi asked for an assistant but callerContext.vapi.assistantId is not configured');
      return json({ error: 'no assistant is configured for this number (callerContext.vapi.assistantId)' });
    }
    const caller = message.customer?.number ?? message.call?.customer?.number;
    const { context } = await this.ask(caller, assistantId, { platform: 'vapi', kind: 'call-start', callId: message.call?.id ?? null });
    const first = greeting(context, this.lookup.config);
    return json({ assistantId, assistantOverrides: { variableValues: contextVariables(context), ...(first ? { firstMessage: first } : {}) } });
  }

  private async vapiToolCalls(message: VapiToolCalls['message']): Promise<Reply> {
    const ours = message.toolCallList.filter((call) => toolName(call) === LOOKUP_TOOL);
    // The caller is the call's customer, never a number the model passes: a caller must not be
    // able to ask the agent about someone else.
    const caller = message.customer?.number ?? message.call?.customer?.number;
    const agentId = message.call?.assistantId ?? message.assistant?.id ?? null;
    const result = ours.length > 0 ? await this.ask(caller, agentId, { platform: 'vapi', kind: 'tool', callId: message.call?.id ?? null }) : null;
    return json({
      results: message.toolCallList.map((call) =>
        toolName(call) === LOOKUP_TOOL && result
          ? { toolCallId: call.id, result: JSON.stringify(contextVariables(result.context)) }
          : { toolCallId: call.id, error: `unknown tool ${toolName(call) || '(no name)'}: this server answers ${LOOKUP_TOOL}` },
      ),
    });
  }

  /** Retell requests this answers (call_inbound, the lookup_caller function); null leaves the rest to ingest. */
  retell(body: unknown): Promise<Reply> | null {
    const b = body as { event?: unknown; name?: unknown } | null;
    if (b?.event === 'call_inbound') return this.retellInbound(parseOr400(RetellInbound, body, 'Retell call_inbound').call_inbound);
    if (b && b.event === undefined && b.name !== undefined) {
      const call = parseOr400(RetellFunctionCall, body, 'Retell custom function');
      if (call.name !== LOOKUP_TOOL) throw new IngestError(404, `name: unknown function ${call.name}: this server answers ${LOOKUP_TOOL}`);
      return this.retellFunction(call);
    }
    return null;
  }

  private async retellInbound(inbound: RetellInbound['call_inbound']): Promise<Reply> {
    const agentId = inbound.agent_id ?? inbound.to_number ?? null;
    const { context } = await this.ask(inbound.from_number, agentId, { platform: 'retell', kind: 'call-start', callId: null });
    const variables = contextVariables(context);
    const first = greeting(context, this.lookup.config);
    if (first) variables.greeting = first;
    return json({ call_inbound: { dynamic_variables: variables, metadata: { ai_call_sync: { known: context.known, sources: context.sources } } } });
  }

  private async retellFunction(call: RetellFunctionCall): Promise<Reply> {
    const caller = call.call.direction === 'outbound' ? call.call.to_number : call.call.from_number;
    const { context } = await this.ask(caller, call.call.agent_id ?? null, { platform: 'retell', kind: 'tool', callId: call.call.call_id });
    return json(contextVariables(context));
  }

  /** TwiML for an incoming call: connect to ConversationRelay, or redirect, with the context. */
  async twilio(params: Record<string, string>, agent: string | null): Promise<Reply> {
    const config = this.lookup.config.twilio;
    const call = parseOr400(TwilioIncoming, params, 'Twilio incoming call');
    if (!config.conversationRelayUrl && !config.twimlUrl) {
      throw new IngestError(503, 'incoming calls are not configured: set callerContext.twilio.conversationRelayUrl or callerContext.twilio.twimlUrl');
    }
    const { context } = await this.ask(call.From, agent ?? call.To ?? null, { platform: 'twilio', kind: 'call-start', callId: call.CallSid });
    const variables = contextVariables(context);
    const response = new twilio.twiml.VoiceResponse();
    if (config.conversationRelayUrl) {
      const first = greeting(context, this.lookup.config);
      const relay = response.connect().conversationRelay({ url: config.conversationRelayUrl, ...(first ? { welcomeGreeting: parameterValue(first) } : {}) });
      for (const [name, value] of Object.entries(variables)) relay.parameter({ name, value: parameterValue(value) });
    } else {
      const target = new URL(config.twimlUrl!);
      for (const [name, value] of Object.entries(variables)) target.searchParams.set(name, parameterValue(value));
      response.redirect({ method: 'POST' }, target.toString());
    }
    return { status: 200, contentType: 'text/xml; charset=utf-8', body: response.toString() };
  }
}
