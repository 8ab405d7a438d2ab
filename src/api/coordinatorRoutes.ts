import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { CountryScope } from '../console/accounts/Accounts.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { TokenRecord } from './ApiTokens.js';

/** What a coordinator's request carries once its token is checked: the countries it may read. */
export interface CoordinatorAuth {
  tokenId: string;
  countries: CountryScope;
}

/** The checked coordinator of a request (only inside coordinatorRoutes). */
export function coordinatorOf(res: Response): CoordinatorAuth {
  return res.locals.coordinator as CoordinatorAuth;
}

/**
 * Whether a coordinator's scope covers a country code.
 *
 * @example inScope({ tokenId: 'x', countries: ['DO'] }, 'MX') === false
 */
export function inScope(auth: Pick<CoordinatorAuth, 'countries'>, country: string): boolean {
  return auth.countries === 'all' || auth.countries.includes(country);
}

/**
 * /api/v1/coordinator/… — for coordinator tokens only (`ruta token create --coordinator`): an
 * institution's token is refused with 403, as a coordinator's is on the institution endpoints. The
 * token's bearer check happens before (apiRoutes). Analytics endpoints mount here, and read the
 * scope with `coordinatorOf(res)`; a country outside it answers 404, as one that does not exist.
 *
 * With `only`, just that check (for /api/v1/analytics, mounted after it).
 *
 * GET /api/v1/coordinator/scope — the countries this token may read.
 * GET /api/v1/coordinator/countries/:code — a country in scope: its name and institutions (404 outside it).
 */
export function coordinatorRoutes(catalog: Catalog, { only = false }: { only?: boolean } = {}): Router {
  const router = express.Router();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    const record = res.locals.token as TokenRecord;
    if (record.kind !== 'coordinator') {
      res.status(403).json({ error: 'forbidden', message: 'Coordinator endpoints need a coordinator token (npx ruta token create --coordinator).' });
      return;
    }
    res.locals.coordinator = { tokenId: record.id, countries: record.countries } satisfies CoordinatorAuth;
    next();
  });
  // `only`: the token check alone, for other coordinator routers mounted after it (analytics).
  if (only) return router;

  router.get('/scope', (_req, res) => {
    const { countries } = coordinatorOf(res);
    res.json({ countries: countries === 'all' ? catalog.countries.map((c) => c.code) : countries, all: countries === 'all' });
  });

  router.get('/countries/:code', (req, res) => {
    const code = String(req.params.code).toUpperCase();
    const country = catalog.country(code);
    if (!country || !inScope(coordinatorOf(res), code)) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const institutions = country.institutions.flatMap((id) => {
      const i = catalog.institution(id);
      return i ? [{ id: i.id, acronym: i.acronym }] : [];
    });
    res.json({ code, name: country.name, institutions });
  });

  return router;
}
