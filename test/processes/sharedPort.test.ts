import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, runUntilExit, startChild, type ChildServer } from '../support/childServer.js';
import { eventually } from '../support/fakeTwilio.js';
import { testRedis } from '../support/redis.js';
import { text } from '../support/testApp.js';

// PROCESSES=2 (issue 13): one `node dist/src/main.js` whose primary forks two servers sharing one
// port (node:cluster); every log line of a server names its process.
let ruta: ChildServer;
let env: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  env = await testRedis('shared-port');
  ruta = await startChild(childEnv(env.prefix, { PROCESSES: '2' }));
  await eventually(() => listening().length === 2, 15_000);
}, 30_000);
afterAll(async () => {
  await ruta?.kill();
  await env?.cleanup();
});

const listening = () => ruta.logs.filter((l) => l.event === 'listening');
let n = 0;
const phone = () => `+1849${String(4_000_000 + ++n)}`;

describe('two server processes behind one port', () => {
  it('answers every worker, from both processes, and starts again one that dies', async () => {
    const pids = new Set(listening().map((l) => l.pid));
    expect(pids.size).toBe(2);
    expect(new Set(listening().map((l) => l.port)).size).toBe(1);

    const replies = await Promise.all(Array.from({ length: 24 }, () => ruta.send(phone(), 'Hola')));
    for (const reply of replies) expect(text(reply)).toMatch(/Lo que guardo/);
    // Connections are handed to the processes in turn: both ran turns.
    const turns = ruta.logs.filter((l) => l.event === 'turn_done');
    expect(turns).toHaveLength(24);
    expect(new Set(turns.map((l) => l.pid))).toEqual(pids);

    // One dies: the other goes on answering, and the primary starts a third.
    const victim = [...pids][0] as number;
    process.kill(victim, 'SIGKILL');
    await eventually(() => ruta.logs.some((l) => l.event === 'process_died' && l.pid === victim), 10_000);
    expect(text(await ruta.send(phone(), 'Hola'))).toMatch(/Lo que guardo/);
    await eventually(() => listening().length === 3, 15_000);
    const third = listening()[2]!.pid;
    expect(pids.has(third)).toBe(false);
    const after = await Promise.all(Array.from({ length: 8 }, () => ruta.send(phone(), 'Hola')));
    for (const reply of after) expect(text(reply)).toMatch(/Lo que guardo/);
  });

  it('stops every process on SIGTERM', async () => {
    const servers = new Set(listening().map((l) => l.pid as number));
    expect(await ruta.kill('SIGTERM')).toBe(0);
    for (const pid of servers) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('refuses more than one process without Redis, and exits when its servers cannot start', async () => {
    const noRedis = await runUntilExit({ ...childEnv(env.prefix, { PROCESSES: '2' }), REDIS_URL: '', REDIS_CLUSTER: 'off' });
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toMatch(/PROCESSES: more than one process needs REDIS_URL/);
    const away = await runUntilExit(childEnv(env.prefix, { PROCESSES: '2', REDIS_URL: 'redis://127.0.0.1:1/0', REDIS_CLUSTER: 'off', REDIS_START_TIMEOUT_MS: '1000' }));
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(/Ruta cannot start: Redis at redis:\/\/127\.0\.0\.1:1\/0 did not answer/);
  });
});
