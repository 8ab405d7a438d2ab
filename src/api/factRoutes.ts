import type { Response, Router } from 'express';
import type { Catalog } from '../catalog/Catalog.js';
import type { PublishedFacts } from '../catalog/PublishedFacts.js';
import { checkDraft, factDraftBodySchema, factEntries, factSummary, isFactName, type DraftProblem, type EffectiveRoute, type FactEntry, type FactName } from '../catalog/publishedFact.js';
import type { Audit } from '../console/Audit.js';
import type { Logger } from '../log.js';

export interface FactRoutesDeps {
  catalog: Catalog;
  facts: PublishedFacts;
  /** The same audit log as the console's: an API change is recorded as made by its token. */
  audit: Audit;
  log: Logger;
}

/** What the API says about a token: its institution and its id (for the audit log). */
export interface FactCaller {
  institution: string;
  tokenId: string;
}

/** A fact as the API shows it: its status, text (steps as a list), source and, when published, who confirmed it and when. */
function factView(entry: FactEntry) {
  return {
    name: entry.name,
    status: entry.status,
    text: entry.fact?.text ?? null,
    source: entry.fact?.source ?? null,
    confirmedBy: entry.confirmation?.by ?? null,
    confirmedOn: entry.confirmation?.on ?? null,
    confirmedAt: entry.confirmation?.at ?? null,
  };
}

const PROBLEMS: Record<DraftProblem['problem'], string> = {
  missing: 'is required',
  tooLong: 'is too long',
  tooManyLines: 'has too many lines',
  lineTooLong: 'has a line that is too long',
  html: 'must be plain text, without HTML',
};

/**
 * GET /facts, PUT /facts/:name, DELETE /facts/:name of the institution API (registered by
 * apiRoutes after the bearer check): the route facts of the token's institution, the same model
 * as the console's (PublishedFacts). An unknown fact name answers 404.
 */
export function factRoutes(router: Router, deps: FactRoutesDeps, caller: (res: Response) => FactCaller): void {
  const routeOf = async (res: Response): Promise<EffectiveRoute> => {
    const route = await deps.facts.routeOf(caller(res).institution);
    if (!route) throw new Error(`token of unknown institution ${caller(res).institution}`);
    return route;
  };
  const factName = (raw: unknown): FactName | undefined => (isFactName(raw) ? raw : undefined);
  const notFound = (res: Response) => res.status(404).json({ error: 'not_found' });

  router.get('/facts', async (_req, res) => {
    res.json({ institution: caller(res).institution, facts: factEntries(await routeOf(res)).map(factView) });
  });

  router.put('/facts/:name', async (req, res) => {
    const name = factName(req.params.name);
    if (!name) return notFound(res);
    const body = factDraftBodySchema.safeParse(req.body);
    if (!body.success) return res.status(400).json({ error: 'invalid_request', issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const checked = checkDraft(name, body.data);
    if (!checked.ok)
      return res.status(400).json({
        error: 'invalid_request',
        issues: checked.problems.map((p) => ({ path: p.field === 'source' ? 'source' : `text.${p.field}`, message: `${PROBLEMS[p.problem]}${p.limit ? ` (at most ${p.limit})` : ''}` })),
      });
    const { institution, tokenId } = caller(res);
    const before = factSummary(await routeOf(res), name);
    await deps.facts.publish(institution, checked.draft);
    const route = await routeOf(res);
    await deps.audit.record({ who: `api token ${tokenId}`, institution, action: 'fact.publish', target: name, before, after: factSummary(route, name) });
    deps.log.info('api_fact_published', { institution, fact: name });
    res.json(factView(factEntries(route).find((e) => e.name === name)!));
  });

  router.delete('/facts/:name', async (req, res) => {
    const name = factName(req.params.name);
    if (!name) return notFound(res);
    const { institution, tokenId } = caller(res);
    const before = factSummary(await routeOf(res), name);
    const withdrawn = await deps.facts.withdraw(institution, name);
    if (!withdrawn) return res.status(404).json({ error: 'not_published', message: 'This fact is not published: there is nothing to withdraw.' });
    const route = await routeOf(res);
    await deps.audit.record({ who: `api token ${tokenId}`, institution, action: 'fact.withdraw', target: name, before, after: factSummary(route, name) });
    deps.log.info('api_fact_withdrawn', { institution, fact: name });
    res.json(factView(factEntries(route).find((e) => e.name === name)!));
  });
}
