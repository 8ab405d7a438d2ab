import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startTestCluster } from './redisCluster.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function reachable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Tests use a real Redis. Start a local one if it is installed but not running; the `cluster`
 * project also a local three-node Redis Cluster (stopped again after, if this started it).
 */
export default async function setup(project: { name: string }): Promise<() => Promise<void>> {
  // Should this process ever run out of work before vitest tears down (a promise nothing keeps
  // alive), Node would end it with code 0 and no test run: it ends with code 1 instead.
  let tornDown = false;
  process.once('beforeExit', () => {
    if (tornDown) return;
    process.stderr.write(`vitest stopped before the tests of project ${project.name} ran (its event loop emptied)\n`);
    process.exitCode = 1;
  });
  const done = (teardown: () => Promise<void> = async () => undefined) => async () => {
    tornDown = true;
    await teardown();
  };
  if (project.name === 'cluster') return done(await startTestCluster());
  if (await reachable()) return done();
  if (!process.env.TEST_REDIS_URL) {
    const started = spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    if (started.status === 0) {
      for (let i = 0; i < 50 && !(await reachable()); i++) await new Promise((r) => setTimeout(r, 100));
      if (await reachable()) return done();
    }
  }
  throw new Error(`The tests need Redis at ${REDIS_URL}. Install it (apt-get install -y redis-server) or set TEST_REDIS_URL.`);
}
