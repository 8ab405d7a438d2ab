import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { availabilitySchema } from '../booking/availability.js';
import { DECLINE_REASONS, OUTCOMES } from '../booking/booking.js';
import { centreFields, centreSchema, type Centre } from '../booking/centre.js';
import type { BookingService, ChangeResult } from '../booking/BookingService.js';
import { upcomingConflicts } from '../booking/upcomingConflicts.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { PublishedFacts } from '../catalog/PublishedFacts.js';
import type { Logger } from '../log.js';
import { projectRoot } from '../paths.js';
import type { ContactSealer } from '../privacy/ContactSealer.js';
import type { Audit } from '../console/Audit.js';
import type { ApiTokens, TokenRecord } from './ApiTokens.js';
import { coordinatorRoutes } from './coordinatorRoutes.js';
import { analyticsRoutes } from './analyticsRoutes.js';
import type { AnalyticsReader } from '../analytics/AnalyticsReader.js';
import type { AnalyticsStore } from '../analytics/AnalyticsStore.js';
import { factRoutes } from './factRoutes.js';
import { bookingView } from './bookingView.js';
import { bookingsCsv } from './csv.js';
import { calendarEntry, centreCalendar } from './ical.js';
import type { Webhooks } from './Webhooks.js';

export interface ApiDeps {
  tokens: ApiTokens;
  bookings: BookingService;
  webhooks: Webhooks;
  catalog: Catalog;
  facts: PublishedFacts;
  /** The audit log (shared with the console): changes of route facts through the API are recorded. */
  audit: Audit;
  sealer: ContactSealer;
  /** Coordinators' anonymous tables (GET /api/v1/analytics/…); undefined with ANALYTICS=off (they answer so). */
  analytics: AnalyticsReader | undefined;
  /** The anonymous events (the NDJSON export). */
  analyticsStore: AnalyticsStore;
  now: () => Date;
  log: Logger;
}

const DAY = 24 * 3600_000;
/** Without from/to, a listing covers a week back and 90 days ahead. */
const DEFAULT_BACK = 7 * DAY;
const DEFAULT_AHEAD = 90 * DAY;
const MAX_RANGE = 400 * DAY;

const listQuery = z.object({
  centre: z.string().optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});
/** A local start in the centre's time zone, e.g. "2027-03-02T10:00". */
const localStart = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/, 'must be a local date and time, YYYY-MM-DDTHH:MM');
/**
 * What an institution changes on a booking: a request confirmed with a time, a time proposed, a
 * request declined with a reason, attendance, an outcome, a cancellation, or a new time.
 */
const patchBody = z.union([
  z.object({ status: z.enum(['attended', 'no_show', 'cancelled']) }).strict(),
  z.object({ status: z.literal('confirmed'), start: localStart }).strict(),
  z.object({ status: z.literal('proposed'), start: localStart }).strict(),
  z.object({ status: z.literal('declined'), reason: z.enum(DECLINE_REASONS) }).strict(),
  z.object({ outcome: z.enum(OUTCOMES) }).strict(),
  /** A new time: confirms a request, or moves a confirmed or proposed appointment. */
  z.object({ start: localStart }).strict(),
]);
/** What an institution sends for a centre; `sample` is Ruta's own (development data), never set here. */
const centreBody = centreFields.omit({ id: true, institution: true, source: true, sample: true, city: true }).extend({ source: z.string().trim().min(1).optional(), city: centreFields.shape.city.optional() });
const webhookBody = z.object({ url: z.string() }).strict();

interface Authed {
  institution: string;
  tokenId: string;
}

/**
 * The institution API, /api/v1 (documented in api/openapi.json, served at /api/v1/openapi.json).
 * Every route but the document needs `Authorization: Bearer <token>`: 401 without a valid token,
 * checked before any body is read. A coordinator's token opens /api/v1/coordinator/… only
 * (coordinatorRoutes) and gets 403 everywhere else; an institution's gets 403 there. Another institution's booking or centre answers 404, exactly
 * like one that does not exist, so codes and ids cannot be enumerated.
 */
export function apiRoutes(deps: ApiDeps): Router {
  const router = express.Router();
  const openapi = readFileSync(join(projectRoot(), 'api', 'openapi.json'), 'utf8');
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });

  // Authentication first: an anonymous caller never makes the server read a body.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const record = token ? await deps.tokens.verify(token) : undefined;
    if (!record) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="ruta"').json({ error: 'unauthorized', message: 'Send Authorization: Bearer <token> (npx ruta token create --institution <id>).' });
      return;
    }
    res.locals.token = record;
    next();
  });
  // Coordinators' endpoints (anonymous figures, by country): coordinator tokens only.
  router.use('/coordinator', coordinatorRoutes(deps.catalog));
  // Their anonymous tables, under the same coordinator check (institution tokens get 403).
  router.use('/analytics', coordinatorRoutes(deps.catalog, { only: true }), analyticsRoutes({ reader: deps.analytics, store: deps.analyticsStore, now: deps.now }));
  // Everything below is an institution's: a coordinator's token is refused (it sees no worker).
  router.use((req: Request, res: Response, next: NextFunction) => {
    const record = res.locals.token as TokenRecord;
    if (record.kind !== 'institution') {
      res.status(403).json({ error: 'forbidden', message: 'A coordinator token opens only /api/v1/coordinator/…; institution endpoints need an institution token.' });
      return;
    }
    res.locals.auth = { institution: record.institution, tokenId: record.id } satisfies Authed;
    next();
  });
  router.use(express.json({ limit: '64kb' }));
  const auth = (res: Response): Authed => res.locals.auth as Authed;
  const bad = (res: Response, issues: z.core.$ZodIssue[]) =>
    res.status(400).json({ error: 'invalid_request', issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });

  const notFound = (res: Response) => res.status(404).json({ error: 'not_found' });
  /** The centre if it belongs to the token's institution; 404 otherwise, whoever's it is. */
  const ownCentre = async (req: Request, res: Response): Promise<Centre | undefined> => {
    const centre = await deps.bookings.centres.get(String(req.params.centreId));
    if (centre?.institution === auth(res).institution) return centre;
    notFound(res);
    return undefined;
  };
  /** The booking if it belongs to the token's institution (undefined for another's, as for an unknown code). */
  const ownBooking = async (code: string, res: Response) => {
    const b = await deps.bookings.get(code);
    return b?.institution === auth(res).institution ? b : undefined;
  };

  /** Bookings as the API shows them, each centre read once per request (a listing may hold hundreds). */
  const views = async (bookings: Array<Parameters<typeof bookingView>[0]>) => {
    const centres = new Map((await Promise.all([...new Set(bookings.map((b) => b.centreId))].map((id) => deps.bookings.centres.get(id)))).flatMap((c) => (c ? [[c.id, c] as const] : [])));
    return bookings.map((b) => bookingView(b, centres.get(b.centreId), deps.catalog, deps.sealer));
  };
  const view = async (b: Parameters<typeof bookingView>[0]) => (await views([b]))[0]!;

  router.get('/bookings', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return bad(res, q.error.issues);
    const now = deps.now().getTime();
    const from = q.data.from ? Date.parse(q.data.from) : now - DEFAULT_BACK;
    const to = q.data.to ? Date.parse(q.data.to) + (q.data.to.length === 10 ? DAY : 0) : now + DEFAULT_AHEAD;
    if (!(to > from) || to - from > MAX_RANGE) return res.status(400).json({ error: 'invalid_request', issues: [{ path: 'to', message: 'to must be after from, at most 400 days later' }] });
    if (q.data.centre && (await deps.bookings.centres.get(q.data.centre))?.institution !== auth(res).institution) return notFound(res);
    const list = await views(await deps.bookings.store.byInstitution(auth(res).institution, from, to, q.data.centre));
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.type('text/csv; charset=utf-8').set('Content-Disposition', 'attachment; filename="ruta-bookings.csv"').send(bookingsCsv(list));
      return;
    }
    res.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), bookings: list });
  });

  router.get('/requests', async (req, res) => {
    const q = z.object({ centre: z.string().optional() }).safeParse(req.query);
    if (!q.success) return bad(res, q.error.issues);
    if (q.data.centre) {
      const centre = await deps.bookings.centres.get(q.data.centre);
      if (!centre || centre.institution !== auth(res).institution) return notFound(res);
    }
    res.json({ requests: await views(await deps.bookings.store.requests(auth(res).institution, q.data.centre)) });
  });

  router.get('/bookings/:code', async (req, res) => {
    const b = await ownBooking(String(req.params.code).toUpperCase(), res);
    if (!b) return notFound(res);
    res.json(await view(b));
  });

  router.patch('/bookings/:code', async (req, res) => {
    const body = patchBody.safeParse(req.body);
    if (!body.success) return bad(res, body.error.issues);
    const code = String(req.params.code).toUpperCase();
    const b = await ownBooking(code, res);
    if (!b) return notFound(res);
    const change = body.data;
    let result: ChangeResult;
    let what: string;
    if ('outcome' in change) [result, what] = [await deps.bookings.setOutcome(code, change.outcome), 'outcome'];
    else if ('reason' in change) [result, what] = [await deps.bookings.decline(code, change.reason), 'declined'];
    else if ('status' in change && change.status === 'proposed') [result, what] = [await deps.bookings.propose(code, change.start), 'proposed'];
    else if ('status' in change && change.status === 'confirmed') [result, what] = [await deps.bookings.confirm(code, change.start), 'confirmed'];
    else if ('start' in change)
      [result, what] = b.status === 'requested' ? [await deps.bookings.confirm(code, change.start), 'confirmed'] : [await deps.bookings.move(code, change.start, 'institution'), 'moved'];
    else if (change.status === 'cancelled') [result, what] = [await deps.bookings.cancel(code, 'institution'), 'cancelled'];
    else [result, what] = [await deps.bookings.mark(code, change.status), change.status];
    if (!result.ok) {
      const status = result.reason === 'not_found' ? 404 : 409;
      return res.status(status).json({ error: result.reason, message: MESSAGES[result.reason] });
    }
    deps.log.info('api_booking_changed', { institution: b.institution, change: what });
    res.json(await view(result.booking));
  });

  router.get('/centres', async (_req, res) => {
    res.json({ centres: await deps.bookings.centres.ofInstitution(auth(res).institution) });
  });

  router.put('/centres/:centreId', async (req, res) => {
    const id = String(req.params.centreId);
    const { institution } = auth(res);
    const found = await deps.bookings.centres.get(id);
    const existing = found?.institution === institution ? found : undefined;
    if (!existing) {
      // A new id must be in the institution's namespace; another's centre gets the same answer.
      const problem = centreIdProblem(id, institution, deps.catalog.data.institutions.map((i) => i.id));
      if (problem) return res.status(400).json({ error: 'invalid_request', issues: [{ path: 'centreId', message: problem }] });
      // Only a centre saved before ids were checked can hold an id of this namespace.
      if (found) return res.status(409).json({ error: 'centre_id_taken', message: 'Another institution holds this centre id; choose another one.' });
    }
    const body = centreBody.safeParse(req.body);
    if (!body.success) return bad(res, body.error.issues);
    const city = body.data.city ?? existing?.city ?? body.data.name;
    const centre = centreSchema.safeParse({ ...body.data, city, sample: false, id, institution, source: body.data.source ?? `Set by ${institution} through the API on ${deps.now().toISOString().slice(0, 10)}` });
    if (!centre.success) return bad(res, centre.error.issues);
    const conflicts = existing ? await upcomingConflicts(deps.bookings.store, centre.data, deps.now()) : [];
    await deps.bookings.centres.save(centre.data);
    res.status(existing ? 200 : 201).json({ centre: centre.data, conflicts });
  });

  router.get('/centres/:centreId/availability', async (req, res) => {
    const centre = await ownCentre(req, res);
    if (centre) res.json({ centre: centre.id, timeZone: centre.timeZone, availability: centre.availability });
  });

  router.put('/centres/:centreId/availability', async (req, res) => {
    const centre = await ownCentre(req, res);
    if (!centre) return;
    const availability = availabilitySchema.safeParse(req.body);
    if (!availability.success) return bad(res, availability.error.issues);
    // An onboarded centre keeps what onboarding needs (weekly hours): 400 rather than a centre without slots.
    const next = centreSchema.safeParse({ ...centre, availability: availability.data, source: `${centre.source} Availability set by ${centre.institution} through the API on ${deps.now().toISOString().slice(0, 10)}.`.slice(-1000) });
    if (!next.success) return bad(res, next.error.issues);
    const conflicts = await upcomingConflicts(deps.bookings.store, next.data, deps.now());
    await deps.bookings.centres.save(next.data);
    res.json({ centre: centre.id, timeZone: centre.timeZone, availability: next.data.availability, conflicts });
  });

  router.get('/centres/:centreId/calendar.ics', async (req, res) => {
    const centre = await ownCentre(req, res);
    if (!centre) return;
    const now = deps.now().getTime();
    const bookings = await deps.bookings.store.byInstitution(centre.institution, now - 30 * DAY, now + 365 * DAY, centre.id);
    res.type('text/calendar; charset=utf-8').send(centreCalendar(centre, bookings.map((b) => calendarEntry(b, deps.catalog)), deps.now()));
  });

  factRoutes(router, deps, auth);

  router.get('/webhook', async (_req, res) => {
    const hook = await deps.webhooks.get(auth(res).institution);
    res.json(hook ? { url: hook.url, createdAt: hook.createdAt } : { url: null });
  });

  router.put('/webhook', async (req, res) => {
    const body = webhookBody.safeParse(req.body);
    if (!body.success) return bad(res, body.error.issues);
    const registered = await deps.webhooks.register(auth(res).institution, body.data.url);
    if ('error' in registered) return res.status(400).json({ error: 'invalid_request', issues: [{ path: 'url', message: registered.error }] });
    // The secret is shown once, like a token.
    res.json(registered);
  });

  router.delete('/webhook', async (_req, res) => {
    await deps.webhooks.unregister(auth(res).institution);
    res.status(204).end();
  });

  router.get('/webhook/deliveries', async (_req, res) => {
    res.json({ deliveries: await deps.webhooks.log(auth(res).institution) });
  });

  return router;
}

const MESSAGES: Record<Exclude<ChangeResult, { ok: true }>['reason'], string> = {
  not_found: 'No booking with this code.',
  not_active: 'The booking is no longer active (cancelled, declined or no-show).',
  wrong_status: 'The booking is not in a state that allows this change (e.g. an outcome before attendance, a proposal for a confirmed appointment).',
  full: 'That slot has no free place.',
  unavailable: 'That time cannot be used (in the past, not a valid time, or outside the published hours for a worker\'s own move).',
};

/**
 * Why `id` may not name a new centre of `institution`, or undefined when it may: it must start
 * with `<institution>-` and must not fall in the namespace of an institution whose id is longer
 * (for "mdt", "mdt-ec-quito" is MDT Ecuador's).
 *
 * @example centreIdProblem('ina-heredia', 'infotep', ids) === "a new centre id must start with 'infotep-' (e.g. infotep-santiago)"
 */
export function centreIdProblem(id: string, institution: string, institutions: readonly string[]): string | undefined {
  const prefix = `${institution}-`;
  const other = institutions.find((o) => o !== institution && o.startsWith(prefix) && id.startsWith(`${o}-`));
  if (!id.startsWith(prefix) || id.length === prefix.length || other) return `a new centre id must start with '${prefix}' (e.g. ${prefix}santiago)${other ? `, and not with '${other}-'` : ''}`;
  return undefined;
}
