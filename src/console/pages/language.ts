import { z } from 'zod';
import { safeNext } from '../access.js';
import { CONSOLE_LANGUAGES } from '../consoleI18n.js';
import type { ConsolePages } from '../ConsoleServices.js';

const params = z.object({ lang: z.enum(CONSOLE_LANGUAGES) });

/**
 * GET /console/lang/:lang?next=/console/…: the language links. Keeps the choice in a `lang` cookie
 * (a year, the console's path only) and goes back to the page (a local console path only).
 */
export const languagePages: ConsolePages = (router, { deps }) => {
  router.get('/lang/:lang', (req, res, next) => {
    const parsed = params.safeParse(req.params);
    if (!parsed.success) return next();
    res.cookie('lang', parsed.data.lang, { path: '/console', maxAge: 365 * 24 * 3600_000, sameSite: 'lax', httpOnly: true, secure: deps.production });
    res.redirect(303, safeNext(req.query.next));
  });
};
