// What each platform sends at call start and what it takes back, checked against its docs:
//
// Vapi (server URL messages, one URL for all of them):
// - `assistant-request` (message.call, message.phoneNumber, message.customer) is sent for an
//   inbound call to a number with no assistant; the answer names the assistant (assistantId) and
//   may override it for this call (assistantOverrides, whose variableValues fill {{variables}}
//   in its prompt and first message). It must come within 7.5 s end to end.
//   "Server events" https://docs.vapi.ai/server-url/events (Retrieving assistants; the 7.5 s
//   limit is in its note, VapiAI/docs#678) and "Assistant request"
//   https://docs.vapi.ai/webhooks/assistant-request. One draft of that page showed
//   `assistantOverrides.variables`; the AssistantOverrides API reference names the field
//   `variableValues`, which is what is sent here.
// - `tool-calls`: message.toolCallList of { id, name, arguments } (the docs' example) — OpenAI-
//   style entries { id, function: { name, arguments } } are read too, as the docs' own
//   toolWithToolCallList shows that form — answered { results: [{ toolCallId, result }] }.
//   "Custom tools" https://docs.vapi.ai/tools/custom-tools (request and server response format).
//
// Retell:
// - the inbound webhook ({ event: "call_inbound", call_inbound: { agent_id, agent_version,
//   from_number, to_number } }; no call id, the call does not exist yet) answered within 10 s
//   (retried up to 3 times) with { call_inbound: { override_agent_id, dynamic_variables,
//   metadata } }, all optional. "Inbound call webhook"
//   https://docs.retellai.com/features/inbound-call-webhook. Dynamic variable values are strings.
// - custom functions: POST { name, call, args } signed with X-Retell-Signature like every Retell
//   webhook ("Custom function" https://docs.retellai.com/build/custom-function,
//   "Secure the webhook" https://docs.retellai.com/features/secure-webhook); the answer is any
//   JSON the agent reads.
//
// Twilio: the incoming-call webhook (From, To, CallSid, AccountSid as form fields) answers TwiML;
// <Connect><ConversationRelay url> connects the call to the AI server's WebSocket and each
// nested <Parameter name value/> reaches it in the `setup` message's customParameters.
// "<ConversationRelay> TwiML noun" https://www.twilio.com/docs/voice/twiml/connect/conversationrelay
// and "ConversationRelay WebSocket messages" https://www.twilio.com/docs/voice/conversationrelay/websocket-messages.
// Twilio documents no size limit for a <Parameter> value; values are kept to one line of at most
// 1,000 characters here.
import { z } from 'zod';

const number = z.string().max(40);

export const VapiAssistantRequest = z.object({
  message: z.object({
    type: z.literal('assistant-request'),
    call: z
      .object({ id: z.string().min(1).max(64).optional(), customer: z.object({ number: number.optional() }).nullish(), phoneNumber: z.object({ number: number.optional() }).nullish() })
      .nullish(),
    phoneNumber: z.object({ number: number.optional() }).nullish(),
    customer: z.object({ number: number.optional() }).nullish(),
  }),
});
export type VapiAssistantRequest = z.infer<typeof VapiAssistantRequest>;

const VapiToolCall = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  function: z.object({ name: z.string().max(200) }).optional(),
});

export const VapiToolCalls = z.object({
  message: z.object({
    type: z.literal('tool-calls'),
    toolCallList: z.array(VapiToolCall).min(1).max(50),
    call: z
      .object({ id: z.string().min(1).max(64).optional(), assistantId: z.string().max(200).nullish(), customer: z.object({ number: number.optional() }).nullish(), type: z.string().optional() })
      .nullish(),
    customer: z.object({ number: number.optional() }).nullish(),
    assistant: z.object({ id: z.string().max(200).optional() }).nullish(),
  }),
});
export type VapiToolCalls = z.infer<typeof VapiToolCalls>;

export const toolName = (call: z.infer<typeof VapiToolCall>) => call.name ?? call.function?.name ?? '';

export const RetellInbound = z.object({
  event: z.literal('call_inbound'),
  call_inbound: z.object({
    agent_id: z.string().max(200).nullish(),
    agent_version: z.number().nullish(),
    from_number: number,
    to_number: number.nullish(),
  }),
});
export type RetellInbound = z.infer<typeof RetellInbound>;

export const RetellFunctionCall = z.object({
  name: z.string().min(1).max(200),
  call: z.object({
    call_id: z.string().min(1).max(64),
    agent_id: z.string().max(200).nullish(),
    direction: z.enum(['inbound', 'outbound']).nullish(),
    from_number: number.nullish(),
    to_number: number.nullish(),
  }),
  args: z.record(z.string(), z.unknown()).nullish(),
});
export type RetellFunctionCall = z.infer<typeof RetellFunctionCall>;

export const TwilioIncoming = z.object({
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio AC sid'),
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio CA sid'),
  From: number.optional(),
  To: number.optional(),
  Direction: z.string().max(40).optional(),
});
export type TwilioIncoming = z.infer<typeof TwilioIncoming>;

/** The name of the tool (Vapi) and custom function (Retell) that asks for the caller's context. */
export const LOOKUP_TOOL = 'lookup_caller';

/** One line, no control characters (XML 1.0 cannot carry most of them), at most 1,000 characters. */
export function parameterValue(value: string): string {
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/\s*\n\s*/g, ' | ');
  return clean.length > 1000 ? `${clean.slice(0, 999)}…` : clean;
}
