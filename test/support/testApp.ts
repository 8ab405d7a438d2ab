import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { RedisClient } from '../../src/store/redisClient.js';
import { buildApp, type App, type BuildOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { loadCentres } from '../../src/booking/CentreDirectory.js';
import { sendAsTwilio, type TwilioReply, type TwilioSend } from '../../src/tools/twilioClient.js';
import { testRedis } from './redis.js';

/** The development sample centres (13, one per institution, with invented hours). */
export const SAMPLE_CENTRES = () => loadCentres(Catalog.load(), { samples: true }).filter((c) => c.sample);

export const AUTH_TOKEN = 'test-auth-token-0123456789';
export const PUBLIC_URL = 'https://ruta.example.org';
export const SECRET = 'test-pseudonym-secret-0123456789';

export interface TestApp {
  ruta: App;
  config: Config;
  baseUrl: string;
  redis: RedisClient;
  prefix: string;
  /** Every log line the app wrote (JSON), captured instead of printed. */
  logs: string[];
  /** What a worker would send (signed like Twilio). */
  send(from: string, body: string, options?: Partial<TwilioSend>): Promise<TwilioReply>;
  /** Sends each line in turn and returns every reply. */
  chat(from: string, lines: string[], options?: Partial<TwilioSend>): Promise<TwilioReply[]>;
  close(): Promise<void>;
}

/** Starts Ruta on an ephemeral port over real Redis with its own key prefix. */
export async function startTestApp(
  label: string,
  env: Record<string, string> = {},
  shared?: { redis: RedisClient; prefix: string },
  build: Omit<BuildOptions, 'redis'> = {},
): Promise<TestApp> {
  const own = shared ? undefined : await testRedis(label);
  const redis = shared?.redis ?? own!.redis;
  const prefix = shared?.prefix ?? own!.prefix;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PSEUDONYM_SECRET: SECRET,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    // Transcripts type far faster than any person: the flood limits are tested on their own.
    LIMIT_SENDER_BURST: '1000',
    LIMIT_SENDER_PER_MINUTE: '10000',
    LIMIT_SENDER_SEGMENTS_PER_DAY: '100000',
    ...env,
  });
  const logs: string[] = [];
  // Unless a test asks for others, the development samples only (onboarded, with hours): the
  // real directory changes with the sources, and tests that need it say so.
  const centres = build.centres ?? (config.NODE_ENV === 'production' ? [] : SAMPLE_CENTRES());
  const ruta = await buildApp(config, createLogger('debug', (line) => logs.push(line)), { redis, ...build, centres });
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(ruta.listener).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = (from: string, body: string, options: Partial<TwilioSend> = {}) =>
    sendAsTwilio({ baseUrl, publicUrl: config.PUBLIC_URL, authToken: config.TWILIO_AUTH_TOKEN, from, body, ...options });
  return {
    ruta,
    config,
    baseUrl,
    redis,
    prefix,
    logs,
    send,
    chat: async (from, lines, options) => {
      const replies: TwilioReply[] = [];
      for (const line of lines) replies.push(await send(from, line, options));
      return replies;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ruta.close();
      await own?.cleanup();
    },
  };
}

/** All reply text of one turn as one string (for `toContain`). */
export const text = (reply: TwilioReply) => reply.messages.join('\n');
