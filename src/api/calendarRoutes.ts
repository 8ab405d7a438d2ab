import express, { type Router } from 'express';
import { z } from 'zod';
import type { BookingService } from '../booking/BookingService.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { CalendarLinks } from './CalendarLinks.js';
import { calendarEntry, centreCalendar } from './ical.js';

const DAY = 24 * 3600_000;
const params = z.object({ centreId: z.string().regex(/^[a-z][a-z0-9-]*$/).max(64), secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * GET /calendar/<centreId>/<secret>.ics: a centre's bookings for calendar apps, which cannot send a
 * bearer token (mounted by src/app.ts outside /api and /console). The secret is the centre's current
 * link (CalendarLinks); a wrong, replaced or turned-off one answers 404, like a centre that does not
 * exist. The feed has times, statuses, trades and booking codes only (ical.ts's CalendarEntry).
 */
export function calendarRoutes(deps: { links: CalendarLinks; bookings: BookingService; catalog: Catalog; now: () => Date }): Router {
  const router = express.Router();
  router.get('/:centreId/:file', async (req, res) => {
    const parsed = params.safeParse({ centreId: req.params.centreId, secret: /^(.*)\.ics$/.exec(req.params.file)?.[1] });
    const centre = parsed.success && (await deps.links.verify(parsed.data.centreId, parsed.data.secret)) ? await deps.bookings.centres.get(parsed.data.centreId) : undefined;
    if (!centre) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const now = deps.now();
    const bookings = await deps.bookings.store.byInstitution(centre.institution, now.getTime() - 30 * DAY, now.getTime() + 365 * DAY, centre.id);
    // The link is the key: nothing on the way (proxies, the browser's history) keeps the feed.
    res.set('Cache-Control', 'private, no-store').set('Referrer-Policy', 'no-referrer').set('X-Robots-Tag', 'noindex').type('text/calendar; charset=utf-8');
    res.send(centreCalendar(centre, bookings.map((b) => calendarEntry(b, deps.catalog)), now));
  });
  return router;
}
