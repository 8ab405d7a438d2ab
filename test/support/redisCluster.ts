import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';

/**
 * The local three-node Redis Cluster of the `cluster` test project (issue 13): three primaries,
 * no replicas, on loopback, keeping nothing on disk beyond their node tables in a temp folder.
 */
export const CLUSTER_PORTS = [7101, 7102, 7103] as const;
export const CLUSTER_URL = CLUSTER_PORTS.map((p) => `redis://127.0.0.1:${p}`).join(',');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the three nodes form a working cluster, within 3 s. Bounded by a timer of its own: a
 * probe of nodes still joining could wait on a connection that never settles with nothing else
 * keeping the event loop alive, and vitest then ended with code 0 before running a test (the
 * cluster project ran nothing in a CI run, silently).
 */
async function clusterOk(): Promise<boolean> {
  const probe = new Cluster(CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port })), { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: { connectTimeout: 1000 } });
  probe.on('error', () => undefined);
  const check = async () => {
    await probe.connect();
    const info = String(await probe.cluster('INFO'));
    return /cluster_state:ok/.test(info) && probe.nodes('master').length === CLUSTER_PORTS.length;
  };
  try {
    return await Promise.race([check(), sleep(3000).then(() => false)]);
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Starts the cluster unless it already runs (`redis-server --cluster-enabled yes` three times, then
 * `redis-cli --cluster create`). Returns a teardown that shuts down what it started.
 */
export async function startTestCluster(): Promise<() => Promise<void>> {
  if (await clusterOk()) return async () => undefined;
  const dir = join(tmpdir(), `ruta-test-cluster-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const port of CLUSTER_PORTS) {
    const started = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--daemonize', 'yes', '--save', '', '--appendonly', 'no', '--logfile', join(dir, `${port}.log`)], { stdio: 'ignore' });
    if (started.status !== 0) throw new Error(`The cluster tests need redis-server (apt-get install -y redis-server); port ${port} did not start.`);
  }
  for (let i = 0; i < 50; i++) {
    if (CLUSTER_PORTS.every((port) => spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() === 'PONG')) break;
    await sleep(100);
  }
  // A node started before with a table of its own (an earlier run) is reset so it can join.
  for (const port of CLUSTER_PORTS) {
    spawnSync('redis-cli', ['-p', String(port), 'FLUSHALL'], { stdio: 'ignore' });
    spawnSync('redis-cli', ['-p', String(port), 'CLUSTER', 'RESET', 'HARD'], { stdio: 'ignore' });
  }
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (let i = 0; i < 100 && !(await clusterOk()); i++) await sleep(100);
  if (!(await clusterOk())) throw new Error('The local Redis Cluster did not become ready.');
  return async () => {
    for (const port of CLUSTER_PORTS) spawnSync('redis-cli', ['-p', String(port), 'SHUTDOWN', 'NOSAVE'], { stdio: 'ignore' });
  };
}
