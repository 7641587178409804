// What a caller's consent allows. Per agent, consent can be required (config agents[id].
// requireConsent); then text (transcript, summary, recording) is kept and synced only when the
// call recorded consent. Where it is not required, a recorded refusal still wins.
import type { RelayFile } from '../config.ts';
import { policyFor } from '../config.ts';

export type ConsentDecision = {
  /** Transcript, summary and recording may be stored and synced. */
  keepText: boolean;
  reason: 'consented' | 'not_required' | 'required_missing' | 'refused';
};

export function consentDecision(requireConsent: boolean, consent: boolean | null): ConsentDecision {
  if (consent === true) return { keepText: true, reason: 'consented' };
  if (consent === false) return { keepText: false, reason: 'refused' };
  return requireConsent ? { keepText: false, reason: 'required_missing' } : { keepText: true, reason: 'not_required' };
}

export function consentFor(file: RelayFile, agentId: string | null, consent: boolean | null): ConsentDecision {
  const agent = agentId ? file.agents[agentId] : undefined;
  return consentDecision(agent?.requireConsent ?? false, consent);
}

/**
 * The transcript page plays the recording only when consent allows text and at least one enabled
 * CRM's policy for this agent shares recording links: the page is what those links open.
 */
export function recordingVisible(file: RelayFile, agentId: string | null, consent: boolean | null): boolean {
  if (!consentFor(file, agentId, consent).keepText) return false;
  return Object.values(file.integrations).some((integration) => {
    if (!integration.enabled) return false;
    const policy = policyFor(integration, agentId);
    return policy.recordingLink && !policy.metadataOnly;
  });
}
