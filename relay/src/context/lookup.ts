// The caller context lookup: from the caller's number and the agent, what the agent may know.
// The relay's own history always; the CRMs (Salesforce through the package's Apex REST resource,
// HubSpot through the relay's contact mapping) at the same time, cached briefly. Whatever has
// answered when the budget runs out is the answer, and `sources` says which did: a slow or
// failing CRM never holds the call. The agent's policy decides what is asked for and what is
// kept; a field it switches off is never fetched where that can be avoided and never returned.
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { contextPolicyFor, type CallerContextConfig, type ContextPolicy, type RelayFile } from '../config.ts';
import type { Db } from '../store/db.ts';
import { AnswerCache } from './cache.ts';
import { CallerKeys, normalisePhone } from './caller-key.ts';
import { callerHistory, type History } from './history.ts';
import { emptyContext, type CallerContext, type CrmFacts, type CrmSource, type CrmWants, type SourceName, type SourceOutcome } from './model.ts';

export type LookupResult = { context: CallerContext; callerKey: string | null };

export type CallerContextLookupOptions = {
  db: Db;
  file: RelayFile;
  keys: CallerKeys;
  sources: CrmSource[];
  log?: Logger;
  metrics?: Metrics;
};

type Settled<T> = { outcome: SourceOutcome; value: T | null };

const CRM_ORDER: SourceName[] = ['salesforce', 'hubspot'];

export class CallerContextLookup {
  readonly config: CallerContextConfig;
  private readonly db: Db;
  private readonly file: RelayFile;
  private readonly keys: CallerKeys;
  private readonly sources: CrmSource[];
  private readonly log: Logger | undefined;
  private readonly metrics: Metrics | undefined;
  private readonly cache: AnswerCache<CrmFacts | null>;

  constructor(options: CallerContextLookupOptions) {
    this.db = options.db;
    this.file = options.file;
    this.config = options.file.callerContext;
    this.keys = options.keys;
    this.sources = options.sources;
    this.log = options.log;
    this.metrics = options.metrics;
    this.cache = new AnswerCache(this.config.cacheSeconds);
  }

  /**
   * Never throws and never takes much longer than the budget: a failure anywhere gives a context
   * with nothing in it and says so in `sources`.
   */
  async lookup(rawPhone: string | null | undefined, agentId: string | null): Promise<LookupResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const e164 = normalisePhone(rawPhone);
    const callerKey = e164 ? this.keys.of(e164) : null;
    const policy = contextPolicyFor(this.config, agentId);
    let context: CallerContext;
    if (!e164 || !callerKey || !policy.enabled) context = emptyContext({}, elapsed());
    else {
      try {
        context = await this.gather(e164, callerKey, policy, started);
      } catch (error) {
        this.log?.warn({ err: (error as Error).message }, 'caller context lookup failed; answering without context');
        context = emptyContext({ relay: 'error' }, elapsed());
      }
    }
    this.metrics?.callerContext.labels(String(context.known)).observe(context.elapsedMs / 1000);
    for (const [source, outcome] of Object.entries(context.sources)) this.metrics?.callerContextSources.labels(source, outcome).inc();
    return { context, callerKey };
  }

  private async gather(e164: string, callerKey: string, policy: ContextPolicy, started: number): Promise<CallerContext> {
    const wants: CrmWants = { owner: policy.owner, openCase: policy.openCase, openDeal: policy.openDeal };
    const needsHistory = policy.name || policy.lastCalls || policy.summaries || policy.nextAction;
    const needsCrm = policy.name || wants.owner || wants.openCase || wants.openDeal;

    const pending: Promise<unknown>[] = [];
    const track = <T>(promise: Promise<T>, empty: (value: T) => boolean): Settled<T> => {
      const settled: Settled<T> = { outcome: 'timeout', value: null };
      pending.push(
        promise.then(
          (value) => {
            settled.value = value;
            settled.outcome = empty(value) ? 'no_record' : 'answered';
          },
          (error: Error) => {
            settled.outcome = 'error';
            this.log?.warn({ err: error.message }, 'caller context source failed');
          },
        ),
      );
      return settled;
    };

    const history = needsHistory
      ? track(callerHistory(this.db, this.file, callerKey, this.config.recentCalls), (h) => h.calls.length === 0)
      : ({ outcome: 'skipped', value: null } as Settled<History>);
    const crm = new Map<SourceName, Settled<CrmFacts | null>>();
    for (const source of this.sources) {
      if (!needsCrm) {
        crm.set(source.name, { outcome: 'skipped', value: null });
        continue;
      }
      const key = `${source.name}:${+wants.owner}${+wants.openCase}${+wants.openDeal}:${callerKey}`;
      crm.set(source.name, track(this.cache.get(key, () => source.lookup(e164, wants)), (facts) => facts === null));
    }

    const remaining = Math.max(0, this.config.budgetMs - (performance.now() - started));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
    clearTimeout(timer);

    const sources: CallerContext['sources'] = { relay: history.outcome };
    for (const [name, settled] of crm) sources[name] = settled.outcome;
    const facts = CRM_ORDER.flatMap((name) => {
      const value = crm.get(name)?.value;
      return value ? [{ name: name as Exclude<SourceName, 'relay'>, value }] : [];
    });
    const past = history.value;
    const known = facts.length > 0 || (past?.calls.length ?? 0) > 0;
    const context: CallerContext = { known, sources, elapsedMs: Math.round(performance.now() - started) };
    if (!known) return context;

    if (policy.name) {
      // A CRM record's name is confidently known; a name from calls only at the threshold.
      const fromCrm = facts.find((f) => f.value.name);
      context.name = fromCrm?.value.name ?? past?.name ?? null;
      context.nameSource = fromCrm ? fromCrm.name : past?.name ? 'relay' : null;
    }
    if (policy.lastCalls || policy.summaries) {
      context.lastCalls = (past?.calls ?? []).map((c) => ({
        at: c.at,
        ...(policy.lastCalls ? { intent: c.intent ?? null, outcome: c.outcome ?? null } : {}),
        ...(policy.summaries ? { summary: c.summary ?? null } : {}),
      }));
    }
    if (policy.nextAction) context.nextAction = past?.nextAction ?? null;
    if (policy.owner) {
      const owner = facts.find((f) => f.value.owner);
      context.owner = owner ? { name: owner.value.owner!, source: owner.name } : null;
    }
    if (policy.openCase) {
      const open = facts.find((f) => f.value.openCase);
      context.openCase = open ? { ...open.value.openCase!, source: open.name } : null;
    }
    if (policy.openDeal) {
      const open = facts.find((f) => f.value.openDeal);
      context.openDeal = open ? { ...open.value.openDeal!, source: open.name } : null;
    }
    return context;
  }
}
