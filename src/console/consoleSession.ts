import { createHmac } from 'node:crypto';
import type { RequestHandler } from 'express';
import session, { MemoryStore, type Store as SessionStore } from 'express-session';
import RedisSessionStore from 'connect-redis';
import type { RedisClient } from '../store/redisClient.js';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in person (absent before sign-in). */
    userId?: string;
    /** When they signed in and when they were last seen, on the injected clock (epoch ms). */
    startedAt?: number;
    seenAt?: number;
    /** Shown once on the next page, then forgotten (an invitation link, a notice). */
    flash?: { inviteLink?: string; disabledEmail?: string; centreNotice?: string; calendarLink?: string };
  }
}

/** A session ends after 8 hours without a request, and 12 hours after sign-in whatever happens. */
export const SESSION_IDLE_MS = 8 * 3600_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
export const SESSION_COOKIE = 'ruta.sid';

export interface SessionOptions {
  /** The app's Redis connection; without it (quick start only) sessions live in this process's memory. */
  redis: RedisClient | undefined;
  prefix: string;
  /** Secrets the cookie is signed with, newest first (derived from PSEUDONYM_SECRET by the caller). */
  secrets: string[];
  production: boolean;
}

/**
 * express-session for the console: the session id in the `ruta.sid` cookie (httpOnly, SameSite=Lax,
 * Secure in production), the session in Redis under `${REDIS_PREFIX}console:sess:`.
 *
 * The cookie's own lifetime rolls (8 hours from each response, on the machine's clock) so that an
 * abandoned browser forgets it; the rules that matter — 8 hours idle, 12 hours absolute — are
 * judged on the injected clock by `sessionExpired`, so tests move that clock rather than wait.
 */
export function consoleSession(options: SessionOptions): RequestHandler {
  const store: SessionStore = options.redis
    ? new RedisSessionStore({ client: options.redis, prefix: `${options.prefix}console:sess:` })
    : // Quick start without Redis only (production refuses to start without REDIS_URL): express-session's
      // memory store keeps sessions in this process, loses them on restart and never shares them.
      new MemoryStore();
  return session({
    name: SESSION_COOKIE,
    secret: options.secrets,
    store,
    resave: false,
    // No session (and no cookie) until a page needs one: the sign-in form's CSRF token is the first thing kept.
    saveUninitialized: false,
    rolling: true,
    // Behind the TLS proxy the request reaching Node is plain HTTP: the console app trusts the proxy's
    // X-Forwarded-Proto (see `trust proxy` in consoleRoutes) so that the Secure cookie is still sent.
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.production, maxAge: SESSION_IDLE_MS, path: '/console' },
  });
}

/** Whether a signed-in session has run out, on the injected clock. */
export function sessionExpired(s: { startedAt?: number; seenAt?: number }, nowMs: number): boolean {
  if (s.startedAt === undefined || s.seenAt === undefined) return true;
  return nowMs - s.seenAt > SESSION_IDLE_MS || nowMs - s.startedAt > SESSION_ABSOLUTE_MS;
}

/** The cookie-signing secret, derived from the pseudonym secret so that production needs no new setting. */
export function sessionSecret(pseudonymSecret: string): string {
  return createHmac('sha256', pseudonymSecret).update('ruta console session cookie').digest('base64url');
}
