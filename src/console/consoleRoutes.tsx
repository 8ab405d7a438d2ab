import express, { type ErrorRequestHandler, type Express } from 'express';
import { csrfSync } from 'csrf-sync';
import { errorCode } from '../log.js';
import { Accounts } from './accounts/Accounts.js';
import { SignInLimits } from './accounts/SignInLimits.js';
import { consoleLocals, type ConsoleLocals } from './access.js';
import { assetRoutes, warmAssets } from './assets.js';
import { Audit } from './Audit.js';
import { consoleT, languageOf } from './consoleI18n.js';
import { consoleSession, sessionExpired } from './consoleSession.js';
import type { ConsoleDeps, ConsolePages, ConsoleServices } from './ConsoleServices.js';
import { appointmentPages } from './pages/appointments.js';
import { auditPages } from './pages/audit.js';
import { bookingPages } from './pages/booking.js';
import { centreClosuresPages } from './pages/centreClosures.js';
import { centreDetailsPages } from './pages/centreDetails.js';
import { centreHoursPages } from './pages/centreHours.js';
import { centrePages } from './pages/centres.js';
import { exportPages } from './pages/export.js';
import { factPages } from './pages/facts.js';
import { homePages } from './pages/home.js';
import { invitePages } from './pages/invite.js';
import { languagePages } from './pages/language.js';
import { sendMessage } from './pages/MessagePage.js';
import { placeholderPages } from './pages/placeholder.js';
import { requestPages } from './pages/requests.js';
import { signInPages } from './pages/signIn.js';
import { simulatorPages } from './pages/simulator.js';
import { analyticsPages } from './pages/analytics.js';
import { regenerate } from './pages/signIn.js';
import { userPages } from './pages/users.js';
import { securityHeaders } from './securityHeaders.js';

/**
 * The console's pages, in order. Add a group of pages here (before the placeholders, which fill
 * the sections nobody has built yet).
 */
const PAGES: ConsolePages[] = [
  signInPages,
  invitePages,
  languagePages,
  homePages,
  // Centres: the list and one centre, its details, hours and closures.
  centrePages,
  centreDetailsPages,
  centreHoursPages,
  centreClosuresPages,
  factPages,
  userPages,
  auditPages,
  // Appointments, requests, one booking, export.
  appointmentPages,
  requestPages,
  bookingPages,
  exportPages,
  // Talking to Ruta as a worker would, through the signed webhook.
  simulatorPages,
  // Coordinators' anonymous figures.
  analyticsPages,
  placeholderPages,
];

/**
 * The console for institution staff, mounted at /console by src/app.ts: server-rendered pages
 * (Preact JSX rendered to strings), sessions in Redis, CSRF tokens in every form, strict CSP.
 *
 * Order of work for every request: security headers → assets → language → session → form body →
 * the signed-in person (session still live? account still active?) → CSRF check of every POST →
 * the page's route (role, zod, service, render) → kind pages for 404, 403 and errors.
 */
export function consoleRoutes(deps: ConsoleDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // The console runs behind the TLS proxy: trusting it (and only it) here gives the console the
  // person's address for the sign-in limits (else every sign-in would count against the proxy's
  // address) and https for the Secure cookie. Set on this sub-app only: the webhooks keep the main
  // app's `trust proxy` false (their signatures are computed over PUBLIC_URL, not forwarded headers).
  app.set('trust proxy', deps.trustProxy);

  const services: ConsoleServices = {
    deps,
    accounts: new Accounts(deps.store, deps.now),
    audit: new Audit(deps.store, deps.now),
    limits: new SignInLimits({ redis: deps.redis, prefix: deps.prefix }),
  };
  const csrf = csrfSync({
    size: 32,
    getTokenFromRequest: (req) => {
      const body: unknown = req.body;
      const token = typeof body === 'object' && body !== null && '_csrf' in body ? body._csrf : undefined;
      return typeof token === 'string' ? token : undefined;
    },
  });

  warmAssets();
  app.use(securityHeaders(deps.production));
  app.use('/assets', assetRoutes());
  app.use((req, res, next) => {
    const lang = languageOf(req.headers.cookie);
    res.locals.console = { t: consoleT(deps.i18n, lang), lang, user: undefined, institutionName: undefined, expired: false } satisfies ConsoleLocals;
    next();
  });
  app.use(consoleSession({ redis: deps.redis, prefix: deps.prefix, secrets: deps.sessionSecrets, production: deps.production }));
  app.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 }));
  app.use(async (req, res, next) => {
    const session = req.session;
    if (session.userId === undefined) return next();
    const locals = consoleLocals(res);
    const nowMs = deps.now().getTime();
    const user = sessionExpired(session, nowMs) ? undefined : await services.accounts.byId(session.userId);
    if (!user || user.disabledAt) {
      // Run out, or the account was disabled: the session ends here (a new, empty one replaces it).
      locals.expired = true;
      await regenerate(req);
      return next();
    }
    session.seenAt = nowMs;
    locals.user = user;
    locals.institutionName = deps.catalog.institution(user.institution)?.acronym ?? user.institution;
    next();
  });
  app.use(csrf.csrfSynchronisedProtection);

  const router = express.Router();
  for (const pages of PAGES) pages(router, services);
  app.use(router);

  app.use((req, res) => sendMessage(req, res, 'notFound'));
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err === csrf.invalidCsrfTokenError) {
      // A form from a session that has since run out: sign in again, rather than a refusal.
      if (consoleLocals(res).expired) return res.redirect(303, '/console/sign-in?expired=1');
      deps.log.warn('console_csrf_refused', { path: req.path });
      return sendMessage(req, res, 'csrf');
    }
    deps.log.error('console_error', { code: errorCode(err), path: req.path });
    sendMessage(req, res, 'error');
  };
  app.use(onError);
  return app;
}
