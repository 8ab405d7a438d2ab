import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../src/store/connectRedis.js';
import { createRedisClient, duplicateClient, isCluster } from '../../src/store/redisClient.js';

describe('createRedisClient', () => {
  it('makes one server of one URL, and a cluster of several with REDIS_CLUSTER, with the first URL’s credentials for every node', () => {
    const one = createRedisClient('redis://:pw@127.0.0.1:6390/2', { cluster: false });
    expect(one).toBeInstanceOf(Redis);
    expect(isCluster(one)).toBe(false);
    expect(one.options).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, password: 'pw', lazyConnect: true });

    const cluster = createRedisClient('rediss://ruta:p%40ss@10.0.0.1:7000, rediss://10.0.0.2', { cluster: true, maxRetriesPerRequest: 2, batching: 'auto-pipelining' });
    expect(cluster).toBeInstanceOf(Cluster);
    expect(isCluster(cluster)).toBe(true);
    const c = cluster as Cluster;
    expect((c as unknown as { startupNodes: unknown[] }).startupNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 6379 },
    ]);
    expect(c.options.redisOptions).toMatchObject({ username: 'ruta', password: 'p@ss', tls: {}, maxRetriesPerRequest: 2 });
    expect(c.options).toMatchObject({ lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true });
    // BullMQ's connections: the options reach every node's connection, and they never auto-pipeline.
    const blocking = duplicateClient(c, { maxRetriesPerRequest: null, enableAutoPipelining: false }) as Cluster;
    expect(blocking.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, password: 'p@ss' });
    expect(blocking.options.enableAutoPipelining).toBe(false);
    const single = duplicateClient(createRedisClient('redis://127.0.0.1:6390', { cluster: false, batching: 'auto-pipelining' }), { maxRetriesPerRequest: null, enableAutoPipelining: false });
    expect(single.options).toMatchObject({ maxRetriesPerRequest: null, enableAutoPipelining: false });
    single.disconnect();
    for (const client of [one, cluster, blocking]) client.disconnect();
  });

  it('names a cluster’s nodes in messages without any password', () => {
    expect(redactRedisUrl('redis://:s3cret@10.0.0.1:7000,redis://u:s3cret@10.0.0.2:7000')).toBe('redis://:***@10.0.0.1:7000,redis://u:***@10.0.0.2:7000');
  });
});
