import type { Router } from 'express';
import type { RedisClient } from '../store/redisClient.js';
import type { CalendarLinks } from '../api/CalendarLinks.js';
import type { BookingService } from '../booking/BookingService.js';
import type { CentreDirectory } from '../booking/CentreDirectory.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { PublishedFacts } from '../catalog/PublishedFacts.js';
import type { RutaI18n } from '../i18n.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/Store.js';
import type { Accounts } from './accounts/Accounts.js';
import type { SignInLimits } from './accounts/SignInLimits.js';
import type { Audit } from './Audit.js';
import type { AnalyticsReader } from '../analytics/AnalyticsReader.js';

/** What the composition root gives the console (src/app.ts). */
export interface ConsoleDeps {
  store: Store;
  /** The app's Redis connection: sessions and sign-in limits live there. Absent only in the quick start. */
  redis: RedisClient | undefined;
  /** REDIS_PREFIX: the console's Redis keys start with `${prefix}console:`. */
  prefix: string;
  catalog: Catalog;
  i18n: RutaI18n;
  centres: CentreDirectory;
  /** Appointments and requests: the console changes them through the same service as the API and the bot. */
  bookings: BookingService;
  /** Route facts the institution publishes (the same service as the API's and the bot's). */
  facts: PublishedFacts;
  /** Each centre's calendar subscription link (made and turned off on the centre's page). */
  calendarLinks: CalendarLinks;
  now: () => Date;
  log: Logger;
  production: boolean;
  /** Coordinators' anonymous figures (the dashboard); undefined with ANALYTICS=off (the page says so). */
  analytics: AnalyticsReader | undefined;
  /** PUBLIC_URL, for the invitation links (and the simulator's signatures, as Twilio signs it). */
  publicUrl: string;
  /**
   * Whether a booking's sealed contact is one of the simulator's numbers (isSimulatedNumber): such
   * a booking was made by a person testing Ruta, and the pages say so.
   */
  isSimulatedContact: (sealed: string | null) => boolean;
  /** What the simulator needs to write to Ruta's webhook as Twilio does. */
  webhook: { authToken: string; accountSid: string | undefined; rutaNumber: string | undefined };
  /** Cookie-signing secrets, newest first. */
  sessionSecrets: string[];
  /** Express's `trust proxy` for the console alone (CONSOLE_TRUST_PROXY). */
  trustProxy: boolean | number | string;
}

/** The services every console page may use, built once by consoleRoutes. */
export interface ConsoleServices {
  deps: ConsoleDeps;
  accounts: Accounts;
  audit: Audit;
  limits: SignInLimits;
}

/**
 * A group of console pages: registers its routes on the console's router. Each route checks the
 * session and role first (`signedIn(…)`), then parses input with zod, then calls a service, then renders.
 *
 * @example export const auditPages: ConsolePages = (router, { audit }) => { router.get('/audit', signedIn('admin'), async (req, res) => { … }) }
 */
export type ConsolePages = (router: Router, services: ConsoleServices) => void;
