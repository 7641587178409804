// The context as flat string variables, the one form every platform takes: Vapi's
// assistantOverrides.variableValues, Retell's dynamic_variables (string values only) and
// ConversationRelay's <Parameter name value>. A field the agent's policy switched off is absent;
// a field it may know but nobody knows is an empty string, so prompts that use it read cleanly.
import type { CallerContextConfig } from '../config.ts';
import type { CallerContext } from './model.ts';

export function contextVariables(context: CallerContext): Record<string, string> {
  const vars: Record<string, string> = { caller_known: String(context.known) };
  const text = (value: string | null | undefined) => value ?? '';
  if ('name' in context) vars.caller_name = text(context.name);
  const calls = context.lastCalls;
  if (calls) {
    const last = calls[0];
    vars.last_call_at = text(last?.at);
    if (calls.some((c) => 'intent' in c) || calls.length === 0) {
      vars.last_call_intent = text(last?.intent);
      vars.last_call_outcome = text(last?.outcome);
    }
    if (calls.some((c) => 'summary' in c) || calls.length === 0) vars.last_call_summary = text(last?.summary);
    vars.recent_calls = calls.map(describeCall).join('\n');
  }
  if ('nextAction' in context) {
    vars.next_action = text(context.nextAction?.text);
    vars.next_action_due = text(context.nextAction?.due);
  }
  if ('owner' in context) vars.owner_name = text(context.owner?.name);
  if ('openCase' in context) {
    vars.open_case_number = text(context.openCase?.number);
    vars.open_case_subject = text(context.openCase?.subject);
    vars.open_case_status = text(context.openCase?.status);
  }
  if ('openDeal' in context) {
    vars.open_deal_name = text(context.openDeal?.name);
    vars.open_deal_stage = text(context.openDeal?.stage);
  }
  vars.caller_context = describe(context);
  return vars;
}

function describeCall(call: NonNullable<CallerContext['lastCalls']>[number]): string {
  const parts = [call.at?.slice(0, 10), call.intent, call.outcome].filter(Boolean).join(', ');
  return call.summary ? `${parts}: ${call.summary}` : parts;
}

/** One paragraph an agent's prompt can take whole. */
export function describe(context: CallerContext): string {
  if (!context.known) return 'Caller not known from earlier calls or the CRM.';
  const lines = [context.name ? `Known caller: ${context.name}.` : 'Known caller (name not confirmed).'];
  const last = context.lastCalls?.[0];
  if (last) lines.push(`Last call: ${describeCall(last)}.`);
  if (context.nextAction) lines.push(`Open next action: ${context.nextAction.text}${context.nextAction.due ? ` (due ${context.nextAction.due})` : ''}.`);
  if (context.owner) lines.push(`Account owner: ${context.owner.name}.`);
  if (context.openCase) lines.push(`Open case ${context.openCase.number ?? ''}: ${context.openCase.subject ?? ''} (${context.openCase.status ?? 'open'}).`);
  if (context.openDeal) lines.push(`Open deal: ${context.openDeal.name ?? ''} (${context.openDeal.stage ?? 'open'}).`);
  return lines.join(' ');
}

/** The configured greeting, with the caller's name when the agent may know it. */
export function greeting(context: CallerContext, config: CallerContextConfig): string | null {
  if (context.name && config.greeting.known) return config.greeting.known.replaceAll('{name}', context.name);
  return config.greeting.unknown ?? null;
}
