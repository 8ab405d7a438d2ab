import { createHash } from 'node:crypto';
import type { RedisClient } from '../../store/redisClient.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from '../../channels/rateLimiters.js';

/**
 * Lockout after failed sign-ins (rate-limiter-flexible, atomic in Redis and shared by every process):
 * 5 failures for one e-mail lock it for 15 minutes; 50 failures from one address in an hour lock that
 * address for the rest of the hour. Unknown e-mails are counted exactly like known ones, so a lock
 * says nothing about whether an account exists. A successful sign-in clears its e-mail's count.
 *
 * @example
 *   if ((await limits.check(email, ip)).locked) …refuse…
 *   else if (!user) await limits.fail(email, ip); else await limits.succeed(email);
 */
export const SIGN_IN_LIMITS = { perAccount: 5, accountLockMinutes: 15, perAddress: 50, addressWindowMinutes: 60 } as const;

export type SignInAdmission = { locked: false } | { locked: true; retryMs: number };

export class SignInLimits {
  private readonly account: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;

  constructor(deps: { redis: RedisClient | undefined; prefix: string }) {
    const make = (name: string, points: number, seconds: number): RateLimiterAbstract =>
      deps.redis
        ? new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: `${deps.prefix}console:signin:${name}`, points, duration: seconds, blockDuration: seconds })
        : new RateLimiterMemory({ keyPrefix: `console:signin:${name}`, points, duration: seconds, blockDuration: seconds });
    this.account = make('account', SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.accountLockMinutes * 60);
    this.address = make('address', SIGN_IN_LIMITS.perAddress, SIGN_IN_LIMITS.addressWindowMinutes * 60);
  }

  /** Whether this e-mail or this address is locked now (without counting an attempt). */
  async check(email: string, ip: string): Promise<SignInAdmission> {
    const [account, address] = await Promise.all([this.account.get(accountKey(email)), this.address.get(ip)]);
    const over = [
      [account, SIGN_IN_LIMITS.perAccount],
      [address, SIGN_IN_LIMITS.perAddress],
    ] as const;
    const retry = over.filter(([res, max]) => res !== null && res.consumedPoints >= max).map(([res]) => res!.msBeforeNext);
    return retry.length === 0 ? { locked: false } : { locked: true, retryMs: Math.max(...retry) };
  }

  /** Counts a failed sign-in against the e-mail and the address. */
  async fail(email: string, ip: string): Promise<void> {
    await Promise.all([
      spend(this.account, accountKey(email), SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.accountLockMinutes * 60),
      spend(this.address, ip, SIGN_IN_LIMITS.perAddress, SIGN_IN_LIMITS.addressWindowMinutes * 60),
    ]);
  }

  /** A successful sign-in: the e-mail's failures are forgotten (the address's are not). */
  async succeed(email: string): Promise<void> {
    await this.account.delete(accountKey(email));
  }
}

/** Counts one failure; the one that reaches `max` starts a full lock of `lockSeconds` from now. */
async function spend(limiter: RateLimiterAbstract, key: string, max: number, lockSeconds: number): Promise<void> {
  try {
    const res = await limiter.consume(key);
    if (res.consumedPoints >= max) await limiter.block(key, lockSeconds);
  } catch (err) {
    // Over the limit already: the lock is running; anything else is a real error.
    if (!(err instanceof RateLimiterRes)) throw err;
  }
}

/** Keyed by a hash of the e-mail: Redis keys name no one. */
function accountKey(email: string): string {
  return createHash('sha256').update(`console-signin:${email.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}
