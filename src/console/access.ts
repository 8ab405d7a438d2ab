import type { Request, RequestHandler, Response } from 'express';
import type { Centre } from '../booking/centre.js';
import type { CentreDirectory } from '../booking/CentreDirectory.js';
import { INSTITUTION_ROLES, type ConsoleUser, type Role } from './accounts/Accounts.js';
import type { ConsoleLanguage, ConsoleT } from './consoleI18n.js';
import { sendMessage } from './pages/MessagePage.js';
import type { PageContext } from './ui/Layout.js';

/**
 * What the console's middleware learned about a request, in `res.locals.console`: its language,
 * the signed-in person (when the session is live and the account active), and whether a session
 * had just run out (so the sign-in page can say so).
 */
export interface ConsoleLocals {
  t: ConsoleT;
  lang: ConsoleLanguage;
  user: ConsoleUser | undefined;
  institutionName: string | undefined;
  expired: boolean;
}

export function consoleLocals(res: Response): ConsoleLocals {
  return res.locals.console as ConsoleLocals;
}

/** The signed-in person; only for handlers behind `signedIn()`. */
export function viewerOf(res: Response): ConsoleUser {
  const user = consoleLocals(res).user;
  if (!user) throw new Error('viewerOf used on a route without signedIn()');
  return user;
}

/** Everything a page's Layout needs. The CSRF token is made (and the session saved) only when a form asks for it. */
export function pageContext(req: Request, res: Response): PageContext {
  const { t, lang, user, institutionName } = consoleLocals(res);
  return {
    t,
    lang,
    path: req.originalUrl,
    get csrfToken() {
      return req.csrfToken!();
    },
    viewer: user && { name: user.name, email: user.email, role: user.role, institutionName: institutionName ?? user.institution },
  };
}

/**
 * The first check of every signed-in route: without a live session, to sign-in (coming back here
 * afterwards); with a role the route does not allow, 403. Pass no role for "the institution's
 * people" (admin and staff): a coordinator sees no worker, so a page must name 'coordinator' to let
 * one in (`signedIn(...ROLES)` for everyone).
 *
 * @example router.get('/users', signedIn('admin'), async (req, res) => { … })
 */
export function signedIn(...allowed: Role[]): RequestHandler {
  const roles: readonly Role[] = allowed.length > 0 ? allowed : INSTITUTION_ROLES;
  return (req, res, next) => {
    const { user, expired } = consoleLocals(res);
    if (!user) {
      const next = req.method === 'GET' ? req.originalUrl : '/console';
      res.redirect(303, `/console/sign-in?next=${encodeURIComponent(next)}${expired ? '&expired=1' : ''}`);
      return;
    }
    if (!roles.includes(user.role)) {
      sendMessage(req, res, 'forbidden');
      return;
    }
    next();
  };
}

/**
 * Whether a person may see a centre: they work for its institution (never a coordinator), and they
 * may see all of its centres or this one is in their list. Every page or action about a centre (or
 * its bookings) asks this.
 *
 * @example canSeeCentre({ role: 'staff', institution: 'infotep', centres: ['infotep-santiago'] }, { id: 'infotep-santiago', institution: 'infotep' }) === true
 */
export function canSeeCentre(user: Pick<ConsoleUser, 'role' | 'institution' | 'centres'>, centre: Pick<Centre, 'id' | 'institution'>): boolean {
  if (user.role === 'coordinator') return false;
  return centre.institution === user.institution && (user.centres === 'all' || user.centres.includes(centre.id));
}

/** The centres a person may see, by name (none for a coordinator). */
export async function visibleCentres(user: Pick<ConsoleUser, 'role' | 'institution' | 'centres'>, centres: CentreDirectory): Promise<Centre[]> {
  if (user.role === 'coordinator') return [];
  return (await centres.ofInstitution(user.institution)).filter((c) => canSeeCentre(user, c)).sort((a, b) => a.name.localeCompare(b.name));
}

const LOCAL_CONSOLE_PATH = /^\/console(?:[/?][A-Za-z0-9\-._~/?=&%+]*)?$/;

/**
 * Where to go after signing in: `next` when it is a path of the console on this site, otherwise the
 * console's home (no open redirect: not another site, not `//host`, not a backslash trick).
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 500) return '/console';
  // No other site (`//host`), no climbing out of /console with dot segments, plain or encoded.
  if (!LOCAL_CONSOLE_PATH.test(raw) || raw.includes('//') || /(^|\/)\.\.?(\/|\?|$)|%2e|%2f|%5c/i.test(raw)) return '/console';
  return raw;
}
