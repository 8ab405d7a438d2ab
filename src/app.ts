import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import { Catalog } from './catalog/Catalog.js';
import type { Config } from './config.js';
import { createI18n } from './i18n.js';
import { errorCode, type Logger } from './log.js';
import { RutaBot } from './bot/RutaBot.js';
import type { BotFrameworkDeps } from './channels/botframework.js';
import { TwilioAdapter } from './channels/twilio/TwilioAdapter.js';
import { twilioWebhooks } from './channels/twilio/twilioRoutes.js';
import { createServer, lazyApp, lazyRouter, serverListener } from './server.js';
import { loadChatModel, WorkProfiler } from './match/WorkProfiler.js';
import { BotStorage } from './store/BotStorage.js';
import { MemoryStore } from './store/MemoryStore.js';
import { RedisStore } from './store/RedisStore.js';
import { RedisTurnLock } from './store/RedisTurnLock.js';
import type { Store } from './store/Store.js';
import { BookingService } from './booking/BookingService.js';
import type { BookingStore } from './booking/BookingStore.js';
import { CentreDirectory, institutionsWithoutCentre, loadCentres } from './booking/CentreDirectory.js';
import { PublishedFacts } from './catalog/PublishedFacts.js';
import type { Centre } from './booking/centre.js';
import { MemoryBookingStore } from './booking/MemoryBookingStore.js';
import { RedisBookingStore } from './booking/RedisBookingStore.js';
import { Gazetteer } from './geo/Gazetteer.js';
import { loadPlaceAliases } from './geo/placeAliases.js';
import { ContactSealer } from './privacy/ContactSealer.js';
import { BullJobQueue, jobQueuePrefix } from './jobs/BullJobQueue.js';
import type { JobQueue } from './jobs/JobQueue.js';
import { MemoryJobQueue } from './jobs/MemoryJobQueue.js';
import { BookingNotifier } from './notify/BookingNotifier.js';
import { LocalOutbox } from './notify/LocalOutbox.js';
import { Messenger } from './notify/Messenger.js';
import type { OutboundSender } from './notify/OutboundSender.js';
import { ApiTokens } from './api/ApiTokens.js';
import { apiRoutes } from './api/apiRoutes.js';
import { Webhooks } from './api/Webhooks.js';
import { CalendarLinks } from './api/CalendarLinks.js';
import { calendarRoutes } from './api/calendarRoutes.js';
import { MemoryTurnLock, type TurnLock } from './store/TurnLock.js';
import { connectRedis } from './store/connectRedis.js';
import { duplicateClient, type RedisClient } from './store/redisClient.js';
import { EffectsReconciler } from './booking/EffectsReconciler.js';
import type { EffectPoint } from './booking/BookingService.js';
import { RIDER_LUA, SenderLimits } from './channels/SenderLimits.js';
import { PseudonymRotation } from './privacy/PseudonymRotation.js';
import { isSimulatedNumber } from './channels/simulatedNumber.js';
import { Audit } from './console/Audit.js';
import { EventRecorder } from './analytics/EventRecorder.js';
import { AnalyticsReader } from './analytics/AnalyticsReader.js';
import { UNKNOWN_COUNTRY } from './analytics/event.js';
import { RedisAnalyticsStore } from './analytics/RedisAnalyticsStore.js';
import { MemoryAnalyticsStore } from './analytics/MemoryAnalyticsStore.js';
import { DropOffSweep } from './analytics/DropOffSweep.js';
import type { AnalyticsStore } from './analytics/AnalyticsStore.js';

export interface App {
  app: Express;
  /** What the HTTP server runs: the Twilio webhooks answered directly, everything else by `app`. */
  listener: RequestListener;
  store: Store;
  catalog: Catalog;
  bookings: BookingService;
  /** Route facts published by institutions. */
  facts: PublishedFacts;
  sealer: ContactSealer;
  messenger: Messenger;
  sender: OutboundSender;
  jobs: JobQueue;
  tokens: ApiTokens;
  webhooks: Webhooks;
  calendarLinks: CalendarLinks;
  gazetteer: Gazetteer;
  reconciler: EffectsReconciler;
  /**
   * Anonymous events and aggregates for coordinators (issue 12). With ANALYTICS=off (`enabled`
   * false) the recorder is given to nothing and the sweep never starts: no turn records anything.
   */
  analytics: { enabled: boolean; store: AnalyticsStore; recorder: EventRecorder; reader: AnalyticsReader; sweep: DropOffSweep };
  /** The flood limits (everyone's turns reach Redis every GLOBAL_SYNC_MS; `flush` sends them now). */
  limits: SenderLimits;
  close(): Promise<void>;
}

/**
 * The composition root: builds the store (Redis, or memory without REDIS_URL), catalog, i18n,
 * bot and channels from a validated Config. Nothing connects before this is called.
 */
export interface BuildOptions {
  /** An existing Redis connection (tests). */
  redis?: RedisClient;
  /** A chat model instead of the one LLM_MODEL names (tests use LangChain's fakes). */
  model?: BaseChatModel;
  /** A frozen clock (tests). */
  now?: () => Date;
  /** The centres to start from instead of data/ (tests choose theirs: samples only, or the real directory). */
  centres?: Centre[];
  /** New conversations' analytics ids (tests seed them; random otherwise). */
  newAid?: () => string;
}

/** The real clock, or (tests only) the real clock shifted by `offsetMs`. */
function clockWithOffset(offsetMs: number): () => Date {
  return offsetMs === 0 ? () => new Date() : () => new Date(Date.now() + offsetMs);
}

export async function buildApp(config: Config, log: Logger, options: BuildOptions = {}): Promise<App> {
  const production = config.NODE_ENV === 'production';
  // The one clock: every component and every stored expiry takes its time from it.
  const now = options.now ?? clockWithOffset(config.TEST_CLOCK_OFFSET_MS ?? 0);
  const nowMs = () => now().getTime();
  const catalog = Catalog.load();
  const i18n = await createI18n();

  let store: Store;
  let lock: TurnLock;
  let bookingStore: BookingStore;
  let analyticsStore: AnalyticsStore;
  let redis: RedisClient | undefined;
  let lockRedis: RedisClient | undefined;
  const quietMs = config.ANALYTICS_QUIET_HOURS * 3600_000;
  if (options.redis || config.REDIS_URL) {
    redis = options.redis ?? (await connectRedis(config.REDIS_URL!, config.REDIS_START_TIMEOUT_MS, log, { cluster: config.REDIS_CLUSTER === 'on', batching: config.REDIS_BATCHING }));
    redis.on('error', (err: Error) => log.error('redis_error', { code: 'code' in err ? String(err.code) : err.name }));
    store = new RedisStore(redis, config.REDIS_PREFIX);
    // The turn lock's script takes a message's place in its sender's line the moment it arrives,
    // so under ioredis's auto-pipelining it has a connection of its own that never waits behind a
    // batch (measured: behind the batch, 14–19 of 200 messages ran after one that arrived later;
    // 0–1 without). Writes held to the end of the event loop's turn wait for no reply: one connection.
    if (redis.options.enableAutoPipelining) {
      lockRedis = duplicateClient(redis, { enableAutoPipelining: false });
      lockRedis.on('error', (err: Error) => log.debug('redis_lock_connection_error', { code: errorCode(err) }));
    }
    // A message's count against its sender's flood windows rides in its arrival's script (SenderLimits.onArrival).
    lock = new RedisTurnLock(lockRedis ?? redis, config.REDIS_PREFIX, { leaseMs: config.TURN_LEASE_MS, now: nowMs, riderLua: RIDER_LUA });
    const bookings = new RedisBookingStore(redis, config.REDIS_PREFIX, nowMs);
    // Not fatal: a start with Redis away still answers workers kindly; the next start adopts them.
    await bookings.adoptUntaggedKeys().then(
      (keys) => keys > 0 && log.info('booking_keys_adopted', { keys }),
      (err: unknown) => log.error('booking_keys_adopt_failed', { code: errorCode(err) }),
    );
    bookingStore = bookings;
    analyticsStore = new RedisAnalyticsStore(redis, config.REDIS_PREFIX, {
      eventDays: config.ANALYTICS_EVENT_RETENTION_DAYS,
      aggregateDays: config.ANALYTICS_AGGREGATE_RETENTION_DAYS,
      // A conversation's last step waits for the sweep a week beyond the quiet time (downtime), no longer.
      lastSeenMs: quietMs + 7 * 24 * 3600_000,
    }, { flushMs: config.ANALYTICS_FLUSH_MS });
  } else {
    if (production) throw new Error('production needs REDIS_URL');
    store = new MemoryStore(nowMs);
    lock = new MemoryTurnLock();
    bookingStore = new MemoryBookingStore(nowMs);
    analyticsStore = new MemoryAnalyticsStore();
  }
  const recorder = new EventRecorder({ store: analyticsStore, now, log, quietMs });
  const enabled = config.ANALYTICS === 'on';
  // What the bot, the booking service and the webhook record through: nothing when analytics are off.
  const recording = enabled ? recorder : undefined;
  const analytics = {
    enabled,
    store: analyticsStore,
    recorder,
    reader: new AnalyticsReader(analyticsStore, config.ANALYTICS_K, [...catalog.countries.map((c) => c.code), UNKNOWN_COUNTRY], (country, id) => gazetteer.label(country, id)),
    sweep: new DropOffSweep({ recorder, intervalMs: config.ANALYTICS_SWEEP_INTERVAL_MS, log }),
  };
  if (enabled) analytics.sweep.start();
  const storage = new BotStorage(store, (_key, item) => {
    const session = item.session;
    const accepted = typeof session === 'object' && session !== null && 'consent' in session && session.consent === 'accepted';
    return accepted ? config.CONVERSATION_TTL_SECONDS : config.UNCONSENTED_TTL_SECONDS;
  });
  const previousSecrets = config.PSEUDONYM_SECRET_PREVIOUS ? [config.PSEUDONYM_SECRET_PREVIOUS] : [];
  // Numbers sealed before contact keys existed ('v1.') open with the pseudonym secret they were sealed under.
  const sealer = new ContactSealer(config.CONTACT_KEYS, [config.PSEUDONYM_SECRET, ...previousSecrets]);
  // Sample centres (invented hours, so instant booking can be tried) never exist in production.
  const samples = config.SAMPLE_CENTRES ?? (production ? 'none' : 'with');
  const loaded = loadCentres(catalog, { samples: samples !== 'none' });
  const defaultCentres = options.centres ?? (samples === 'only' ? loaded.filter((c) => c.sample) : loaded);
  const uncovered = institutionsWithoutCentre(catalog, defaultCentres);
  // The sources name no centre for these institutions; they can add theirs through the API.
  if (uncovered.length > 0) log.info('institutions_without_centre', { institutions: uncovered.join(' ') });
  const centres = new CentreDirectory(catalog, store, defaultCentres);
  // Route facts institutions publish; the day workers are told is the institution's (its centres' time zone).
  const facts = new PublishedFacts({ catalog, store, now, zoneOf: async (id) => (await centres.ofInstitution(id))[0]?.timeZone ?? 'UTC' });
  const crashAt = config.TEST_CRASH_AT;
  const bookings = new BookingService(
    bookingStore,
    centres,
    catalog,
    { horizonDays: config.BOOKING_HORIZON_DAYS, minLeadHours: config.BOOKING_MIN_LEAD_HOURS, retentionDays: config.BOOKING_RETENTION_DAYS },
    now,
    {
      log,
      ...(recording ? { analytics: recording } : {}),
      // Tests only (refused in production): a real SIGKILL between a booking's write and its side effects.
      ...(crashAt ? { faultAt: (point: EffectPoint) => void (point === crashAt && process.kill(process.pid, 'SIGKILL')) } : {}),
    },
  );
  const retry = { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS };
  const jobs: JobQueue = redis ? new BullJobQueue(redis, jobQueuePrefix(redis, config.REDIS_PREFIX), retry, log) : new MemoryJobQueue(retry, log);
  if (production && config.TWILIO_ACCOUNT_SID === undefined) throw new Error('production needs TWILIO_ACCOUNT_SID: reminders are never kept in a local outbox');
  const sender: OutboundSender =
    config.TWILIO_ACCOUNT_SID !== undefined
      ? // Twilio's REST client is loaded only where messages are sent with it (not the quick start, not the tests' servers).
        new (await import('./notify/TwilioSender.js')).TwilioSender(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_API_URL)
      : new LocalOutbox();
  const messenger = new Messenger({
    sender,
    catalog,
    store,
    storage,
    sealer,
    templates: config.TWILIO_TEMPLATES,
    smsFrom: config.TWILIO_SMS_FROM,
    statusCallback: `${config.PUBLIC_URL}/twilio/status`,
    retentionSeconds: config.BOOKING_RETENTION_DAYS * 24 * 3600,
    now,
    log,
  });
  const notifier = new BookingNotifier({ bookings, jobs, messenger, i18n, catalog, reminderHours: config.REMINDER_HOURS, now });
  bookings.on(notifier.onEvent);
  const webhooks = new Webhooks({ store, jobs, now, allowHttp: !production });
  bookings.on(webhooks.onEvent);
  jobs.start(async (name, data, attempt) => {
    if (name === 'webhook') await webhooks.deliver(data, attempt);
    else await notifier.run(name, data);
  });
  const reconciler = new EffectsReconciler({ bookings, store, intervalMs: config.RECONCILE_INTERVAL_MS, log });
  reconciler.start();
  const tokens = new ApiTokens(store, now);
  const calendarLinks = new CalendarLinks(store, now);
  const gazetteer = new Gazetteer(
    catalog.countries.map((c) => c.code),
    loadPlaceAliases(),
  );
  const limits = new SenderLimits(
    { burst: config.LIMIT_SENDER_BURST, perMinute: config.LIMIT_SENDER_PER_MINUTE, segmentsPerDay: config.LIMIT_SENDER_SEGMENTS_PER_DAY, globalPerMinute: config.LIMIT_GLOBAL_PER_MINUTE },
    { redis, prefix: config.REDIS_PREFIX, store, now, log },
  );
  const rotation = config.PSEUDONYM_SECRET_PREVIOUS ? new PseudonymRotation({ previousSecret: config.PSEUDONYM_SECRET_PREVIOUS, store, bookings: bookingStore, log }) : undefined;

  const model = options.model ?? (await loadChatModel(config.LLM_MODEL, log));
  const profiler = new WorkProfiler(catalog, { model, timeoutMs: config.LLM_TIMEOUT_MS, log, now });
  const bot = new RutaBot({
    catalog,
    i18n,
    storage,
    store,
    log,
    conversationTtlSeconds: config.CONVERSATION_TTL_SECONDS,
    unconsentedTtlSeconds: config.UNCONSENTED_TTL_SECONDS,
    profiler,
    now,
    booking: { service: bookings, gazetteer },
    facts,
    ...(recording ? { analytics: recording } : {}),
    ...(options.newAid ? { newAid: options.newAid } : {}),
  });

  const botFrameworkDeps: BotFrameworkDeps = {
    production,
    appId: config.MICROSOFT_APP_ID,
    appPassword: config.MICROSOFT_APP_PASSWORD,
    appType: config.MICROSOFT_APP_TYPE,
    tenantId: config.MICROSOFT_APP_TENANT_ID,
    openIdMetadataUrl: config.MICROSOFT_OPENID_METADATA_URL,
    extraServiceHosts: config.BOT_SERVICE_URL_HOSTS,
    pseudonymSecret: config.PSEUDONYM_SECRET,
    ...(rotation ? { rotation } : {}),
    turnWaitMs: config.TURN_WAIT_MS,
    bot,
    lock,
    i18n,
    log,
  };
  // The Bot Framework channel (Emulator, Web Chat) needs botbuilder's CloudAdapter and its stack,
  // about 110 ms at every start: loaded on the channel's first request, for the few deployments
  // that use it. Production without MICROSOFT_APP_ID never mounts it (botFrameworkRoutes says so).
  const botFramework = production && config.MICROSOFT_APP_ID === undefined ? (log.warn('botframework_disabled', { reason: 'no MICROSOFT_APP_ID in production' }), undefined) : lazyRouter(async () => (await import('./channels/botframework.js')).botFrameworkRoutes(botFrameworkDeps));
  const twilio = twilioWebhooks({
    publicUrl: config.PUBLIC_URL,
    authToken: config.TWILIO_AUTH_TOKEN,
    accountSid: config.TWILIO_ACCOUNT_SID,
    pseudonymSecret: config.PSEUDONYM_SECRET,
    sealer,
    messenger,
    now,
    dedupTtlSeconds: config.DEDUP_TTL_SECONDS,
    turnWaitMs: config.TURN_WAIT_MS,
    adapter: new TwilioAdapter(),
    bot,
    catalog,
    i18n,
    store,
    storage,
    lock,
    limits,
    ...(rotation ? { rotation } : {}),
    ...(recording ? { analytics: recording } : {}),
    log,
  });
  const app = createServer({
    store,
    log,
    routes: {
      '/twilio': twilio.router,
      '/api/v1': apiRoutes({ tokens, bookings, webhooks, catalog, facts, audit: new Audit(store, now), sealer, analytics: enabled ? analytics.reader : undefined, analyticsStore: analytics.store, now, log }),
      // Calendar apps' subscriptions: the secret link is the key (no bearer header, no session).
      '/calendar': calendarRoutes({ links: calendarLinks, bookings, catalog, now }),
      // The console's 52 modules and its libraries (sessions, CSRF, Preact) load with its first
      // request: about 160 ms and 20 MB of every start otherwise (issue 13: start-up).
      '/console': lazyApp(async () => {
        const [{ consoleRoutes }, { sessionSecret }] = await Promise.all([import('./console/consoleRoutes.js'), import('./console/consoleSession.js')]);
        return consoleRoutes({
          store, redis, prefix: config.REDIS_PREFIX, catalog, i18n, centres, bookings, facts, calendarLinks, now, log, production, analytics: enabled ? analytics.reader : undefined, publicUrl: config.PUBLIC_URL,
          webhook: { authToken: config.TWILIO_AUTH_TOKEN, accountSid: config.TWILIO_ACCOUNT_SID, rutaNumber: config.TWILIO_SMS_FROM },
          isSimulatedContact: (sealed) => {
            const address = sealed === null ? undefined : sealer.open(sealed);
            return address !== undefined && isSimulatedNumber(address, catalog);
          },
          sessionSecrets: [config.PSEUDONYM_SECRET, ...previousSecrets].map(sessionSecret),
          trustProxy: config.CONSOLE_TRUST_PROXY,
        });
      }),
      ...(botFramework ? { '/api/messages': botFramework } : {}),
    },
  });

  return {
    app,
    listener: serverListener(app, { 'POST /twilio/messages': twilio.messages, 'POST /twilio/status': twilio.status }),
    store,
    catalog,
    bookings,
    facts,
    sealer,
    messenger,
    sender,
    jobs,
    tokens,
    webhooks,
    calendarLinks,
    gazetteer,
    reconciler,
    analytics,
    limits,
    close: async () => {
      await analytics.sweep.close();
      await reconciler.close();
      await jobs.close();
      // The statistics still waiting for their batch (ANALYTICS_FLUSH_MS) are stored before Redis is let go.
      await recorder.flush();
      // So is this process's share of everyone's turns this minute (the flood limits' global counter).
      await limits.flush();
      await lockRedis?.quit().catch(() => lockRedis?.disconnect());
      if (!options.redis) await store.close();
    },
  };
}
