import { Redis } from 'ioredis';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Express } from 'express';
import { Catalog } from './catalog/Catalog.js';
import type { Config } from './config.js';
import { createI18n } from './i18n.js';
import type { Logger } from './log.js';
import { RutaBot } from './bot/RutaBot.js';
import { botFrameworkRoutes } from './channels/botframework.js';
import { TwilioAdapter } from './channels/twilio/TwilioAdapter.js';
import { twilioRoutes } from './channels/twilio/twilioRoutes.js';
import { createServer } from './server.js';
import { loadChatModel, WorkProfiler } from './match/WorkProfiler.js';
import { BotStorage } from './store/BotStorage.js';
import { MemoryStore } from './store/MemoryStore.js';
import { RedisStore } from './store/RedisStore.js';
import { RedisTurnLock } from './store/RedisTurnLock.js';
import type { Store } from './store/Store.js';
import { BookingService } from './booking/BookingService.js';
import type { BookingStore } from './booking/BookingStore.js';
import { CentreDirectory, loadDefaultCentres } from './booking/CentreDirectory.js';
import { MemoryBookingStore } from './booking/MemoryBookingStore.js';
import { RedisBookingStore } from './booking/RedisBookingStore.js';
import { Gazetteer } from './geo/Gazetteer.js';
import { loadPlaceAliases } from './geo/placeAliases.js';
import { ContactSealer } from './privacy/ContactSealer.js';
import { BullJobQueue } from './jobs/BullJobQueue.js';
import type { JobQueue } from './jobs/JobQueue.js';
import { MemoryJobQueue } from './jobs/MemoryJobQueue.js';
import { BookingNotifier } from './notify/BookingNotifier.js';
import { LocalOutbox } from './notify/LocalOutbox.js';
import { Messenger } from './notify/Messenger.js';
import type { OutboundSender } from './notify/OutboundSender.js';
import { TwilioSender } from './notify/TwilioSender.js';
import { ApiTokens } from './api/ApiTokens.js';
import { apiRoutes } from './api/apiRoutes.js';
import { Webhooks } from './api/Webhooks.js';
import { MemoryTurnLock, type TurnLock } from './store/TurnLock.js';

export interface App {
  app: Express;
  store: Store;
  catalog: Catalog;
  bookings: BookingService;
  sealer: ContactSealer;
  messenger: Messenger;
  sender: OutboundSender;
  jobs: JobQueue;
  tokens: ApiTokens;
  webhooks: Webhooks;
  gazetteer: Gazetteer;
  close(): Promise<void>;
}

/**
 * The composition root: builds the store (Redis, or memory without REDIS_URL), catalog, i18n,
 * bot and channels from a validated Config. Nothing connects before this is called.
 */
export interface BuildOptions {
  /** An existing Redis connection (tests). */
  redis?: Redis;
  /** A chat model instead of the one LLM_MODEL names (tests use LangChain's fakes). */
  model?: BaseChatModel;
  /** A frozen clock (tests). */
  now?: () => Date;
}

export async function buildApp(config: Config, log: Logger, options: BuildOptions = {}): Promise<App> {
  const catalog = Catalog.load();
  const i18n = await createI18n();

  let store: Store;
  let lock: TurnLock;
  let bookingStore: BookingStore;
  let redis: Redis | undefined;
  if (options.redis || config.REDIS_URL) {
    redis = options.redis ?? new Redis(config.REDIS_URL!, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    redis.on('error', (err: Error) => log.error('redis_error', { code: 'code' in err ? String(err.code) : err.name }));
    store = new RedisStore(redis, config.REDIS_PREFIX);
    lock = new RedisTurnLock(redis, config.REDIS_PREFIX);
    bookingStore = new RedisBookingStore(redis, config.REDIS_PREFIX);
  } else {
    store = new MemoryStore();
    lock = new MemoryTurnLock();
    bookingStore = new MemoryBookingStore();
  }
  const storage = new BotStorage(store, (_key, item) => {
    const session = item.session;
    const accepted = typeof session === 'object' && session !== null && 'consent' in session && session.consent === 'accepted';
    return accepted ? config.CONVERSATION_TTL_SECONDS : config.UNCONSENTED_TTL_SECONDS;
  });
  const now = options.now ?? (() => new Date());
  const sealer = new ContactSealer(config.PSEUDONYM_SECRET);
  const centres = new CentreDirectory(catalog, store, loadDefaultCentres(catalog));
  const bookings = new BookingService(
    bookingStore,
    centres,
    catalog,
    { horizonDays: config.BOOKING_HORIZON_DAYS, minLeadHours: config.BOOKING_MIN_LEAD_HOURS, retentionDays: config.BOOKING_RETENTION_DAYS },
    now,
  );
  const retry = { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS };
  const jobs: JobQueue = redis ? new BullJobQueue(redis, `${config.REDIS_PREFIX}bull`, retry, log) : new MemoryJobQueue(retry, log);
  const sender: OutboundSender =
    config.TWILIO_ACCOUNT_SID !== undefined ? new TwilioSender(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_API_URL) : new LocalOutbox();
  const messenger = new Messenger({
    sender,
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
  const webhooks = new Webhooks({ store, jobs, now, allowHttp: config.NODE_ENV !== 'production' });
  bookings.on(webhooks.onEvent);
  jobs.start(async (name, data, attempt) => {
    if (name === 'webhook') await webhooks.deliver(data, attempt);
    else await notifier.run(name, data);
  });
  const tokens = new ApiTokens(store, now);
  const gazetteer = new Gazetteer(
    catalog.countries.map((c) => c.code),
    loadPlaceAliases(),
  );

  const model = options.model ?? (await loadChatModel(config.LLM_MODEL, log));
  const profiler = new WorkProfiler(catalog, { model, timeoutMs: config.LLM_TIMEOUT_MS, log });
  const bot = new RutaBot({
    catalog,
    i18n,
    storage,
    store,
    log,
    pseudonymSecret: config.PSEUDONYM_SECRET,
    conversationTtlSeconds: config.CONVERSATION_TTL_SECONDS,
    unconsentedTtlSeconds: config.UNCONSENTED_TTL_SECONDS,
    profiler,
    now: options.now,
    booking: { service: bookings, gazetteer },
  });

  const app = createServer({
    store,
    log,
    routes: {
      '/twilio': twilioRoutes({
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
        log,
      }),
      '/api/v1': apiRoutes({ tokens, bookings, webhooks, catalog, sealer, now, log }),
      '/api/messages': botFrameworkRoutes({
        appId: config.MICROSOFT_APP_ID,
        appPassword: config.MICROSOFT_APP_PASSWORD,
        appType: config.MICROSOFT_APP_TYPE,
        tenantId: config.MICROSOFT_APP_TENANT_ID,
        pseudonymSecret: config.PSEUDONYM_SECRET,
        turnWaitMs: config.TURN_WAIT_MS,
        bot,
        lock,
        i18n,
        log,
      }),
    },
  });

  return {
    app,
    store,
    catalog,
    bookings,
    sealer,
    messenger,
    sender,
    jobs,
    tokens,
    webhooks,
    gazetteer,
    close: async () => {
      await jobs.close();
      if (!options.redis) await store.close();
    },
  };
}
