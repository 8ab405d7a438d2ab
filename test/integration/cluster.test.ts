import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCluster, scanKeys } from '../../src/store/redisClient.js';
import { bookByChat, BOOK_MASON_ES } from '../support/bookingJourney.js';
import { ON_CLUSTER } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Issue 13: Ruta runs unchanged on a Redis Cluster. Every other test of the `cluster` project shows
// that its scripts keep to one slot (a script across slots fails with CROSSSLOT); this one shows
// that the keys are really spread over the nodes, and which ones must share a slot.
describe.runIf(ON_CLUSTER)('Ruta on a three-node Redis Cluster', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('cluster', {}, undefined, { now: () => new Date('2026-11-20T15:00:00Z') });
  });
  afterAll(async () => {
    await app.close();
  });

  it('spreads workers over the nodes, keeping each worker’s line, all bookings and all analytics each in one slot', async () => {
    expect(isCluster(app.redis)).toBe(true);
    const cluster = app.redis as Cluster;
    const workers = Array.from({ length: 6 }, (_, i) => `+1809555${String(7100 + i)}`);
    for (const w of workers) await bookByChat(app, w, BOOK_MASON_ES());
    await app.ruta.analytics.recorder.flush();

    const primaries = cluster.nodes('master');
    expect(primaries).toHaveLength(3);
    const slotOf = async (key: string) => Number(await cluster.cluster('KEYSLOT', key));
    const byNode = await Promise.all(
      primaries.map(async (node) => {
        const keys: string[] = [];
        for await (const batch of scanKeys(node, `${app.prefix}*`)) keys.push(...batch);
        return keys;
      }),
    );
    const all = byNode.flat();
    // Conversations (one key per worker and channel) land on more than one node.
    const conversations = byNode.map((keys) => keys.filter((k) => k.includes('conv/sms/')).length);
    expect(conversations.reduce((a, b) => a + b)).toBe(workers.length);
    expect(conversations.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    // A line's marks share the slot of its turn lock (one script touches both).
    const marks = all.filter((k) => k.includes('marks/{'));
    expect(marks.length).toBeGreaterThanOrEqual(workers.length);
    for (const key of marks) {
      expect(await slotOf(key)).toBe(await slotOf(key.replace('marks/', 'lock:') + ':next'));
      expect(await slotOf(key)).toBe(await slotOf(key.replace('marks/', 'seen/')));
    }
    // Bookings, analytics and the job queue: each family in one slot.
    for (const family of ['{bookings}', '{analytics}', '{bull}']) {
      const keys = all.filter((k) => k.includes(family));
      expect(keys.length, family).toBeGreaterThan(1);
      expect(new Set(await Promise.all(keys.map(slotOf))).size, family).toBe(1);
    }
  });
});
