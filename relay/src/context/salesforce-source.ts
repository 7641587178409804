// Salesforce as a context source: one GET to the package's Apex REST resource
// (force-app/main/default/classes/CallerContextResource.cls), which matches the caller by the
// phone key exactly as the subscriber does and answers name, owner, open Case and open
// Opportunity in one request. The relay keeps no Salesforce business rules: matching happens in
// the org. Apex REST paths are /services/apexrest/<namespace>/<urlMapping> for a namespaced
// package ("Introduction to Apex REST" and "Exposing Apex Classes as REST Web Services", Apex
// Developer Guide: https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_rest_intro.htm).
import { z } from 'zod';
import { SalesforceClient } from '../sync/salesforce/client.ts';
import type { CrmFacts, CrmSource, CrmWants } from './model.ts';

/** The resource's answer, as CallerContextResource.CallerContext serialises it. */
const Answer = z.object({
  matched: z.boolean(),
  name: z.string().nullable().optional(),
  ownerName: z.string().nullable().optional(),
  openCase: z.object({ caseNumber: z.string().nullable(), subject: z.string().nullable(), status: z.string().nullable() }).nullable().optional(),
  openOpportunity: z.object({ name: z.string().nullable(), stageName: z.string().nullable() }).nullable().optional(),
});

export class SalesforceContextSource implements CrmSource {
  readonly name = 'salesforce' as const;
  private readonly client: SalesforceClient;
  private readonly path: string;

  constructor(client: SalesforceClient, namespace: string) {
    this.client = client;
    this.path = `/services/apexrest/${namespace ? `${namespace}/` : ''}caller-context/v1`;
  }

  async lookup(e164: string, wants: CrmWants): Promise<CrmFacts | null> {
    // Only what the agent may hear is asked for, so the org does no query it need not.
    const include = [wants.owner && 'owner', wants.openCase && 'case', wants.openDeal && 'opportunity'].filter(Boolean).join(',');
    const query = new URLSearchParams({ phone: e164, ...(include ? { include } : {}) });
    const response = await this.client.send('GET', `${this.path}?${query}`);
    if (response.status !== 200) throw new Error(`Salesforce caller context answered HTTP ${response.status}`);
    const answer = Answer.safeParse(response.body);
    if (!answer.success) throw new Error('Salesforce caller context answer is not the package\'s shape');
    const a = answer.data;
    if (!a.matched) return null;
    return {
      name: a.name ?? null,
      owner: a.ownerName ?? null,
      openCase: a.openCase ? { number: a.openCase.caseNumber, subject: a.openCase.subject, status: a.openCase.status } : null,
      openDeal: a.openOpportunity ? { name: a.openOpportunity.name, stage: a.openOpportunity.stageName } : null,
    };
  }
}
