import { randomBytes } from 'node:crypto';

/** Random bytes drawn 4 KB at a time: a turn writes its conversation with a fresh eTag. */
let pool = Buffer.alloc(0);

/** Characters in an eTag (8 random bytes in hex): RedisStore keeps a versioned value as its eTag then the value. */
export const ETAG_LENGTH = 16;
let at = 0;

/**
 * A fresh eTag: 16 hex digits, random. Drawn from a pool refilled 512 eTags at a time, since one
 * `randomBytes(8)` per write cost about as much as the rest of the write's own code (issue 13).
 * An eTag only has to differ from the last one written (optimistic concurrency), never to be secret.
 *
 * @example newEtag() // 'c3f01a9be24d7785'
 */
export function newEtag(): string {
  if (at + ETAG_LENGTH / 2 > pool.length) {
    pool = randomBytes(4096);
    at = 0;
  }
  const etag = pool.toString('hex', at, at + ETAG_LENGTH / 2);
  at += ETAG_LENGTH / 2;
  return etag;
}
