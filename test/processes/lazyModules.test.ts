import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv, startChild } from '../support/childServer.js';
import { testRedis } from '../support/redis.js';

// Issue 13 (start-up): franc builds the trigram models of every language it knows when it loads
// (about 60 ms), and rate-limiter-flexible's index requires every limiter it has (Mongo, MySQL…).
// Neither is on the way to a server's first answer: franc loads on a long message or when the
// server warms up, and the three limiters Ruta uses come from their own files. Real processes,
// built code (dist/), each reading Node's require cache (franc, an ES module, is required).

const dir = mkdtempSync(join(tmpdir(), 'ruta-lazy-'));
const preload = fileURLToPath(new URL('../support/reportModules.mjs', import.meta.url));
const detector = fileURLToPath(new URL('../../dist/src/language/detectLanguage.js', import.meta.url));
const limiters = fileURLToPath(new URL('../../dist/src/channels/rateLimiters.js', import.meta.url));
const run = (script: string) => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  redis = await testRedis('lazy-modules');
});
afterAll(async () => {
  await redis?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it('franc loads with the first message long enough to need it, not with a greeting; the answers are franc’s', async () => {
  const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(${JSON.stringify(detector)});
    const loaded = () => Object.keys(require.cache).some((m) => m.endsWith('/franc/index.js'));
    const { detectLanguage, LanguageDetector } = await import(${JSON.stringify(detector)});
    const atImport = loaded();
    const greeting = detectLanguage('Hola').language;
    const afterGreeting = loaded() || LanguageDetector.modelsLoaded;
    const long = detectLanguage('Mwen travay nan konstriksyon depi dis lane, mwen konn fè blòk ak beton').language;
    const english = detectLanguage('I have been working as a mason for ten years and I want a certificate').language;
    process.stdout.write(JSON.stringify({ atImport, greeting, afterGreeting, long, english, afterLong: loaded() && LanguageDetector.modelsLoaded }));
  `;
  const r = JSON.parse((await run(script)).stdout) as Record<string, unknown>;
  expect(r).toEqual({ atImport: false, greeting: 'es', afterGreeting: false, long: 'ht', english: 'en', afterLong: true });
});

it('the three limiters come from their own files, the very objects of the index, which is not loaded', async () => {
  const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(${JSON.stringify(limiters)});
    const mine = await import(${JSON.stringify(limiters)});
    const files = Object.keys(require.cache).filter((m) => m.includes('/rate-limiter-flexible/')).map((m) => m.replace(/.*rate-limiter-flexible\\//, ''));
    const index = require('rate-limiter-flexible');
    const same = mine.RateLimiterRedis === index.RateLimiterRedis && mine.RateLimiterMemory === index.RateLimiterMemory && mine.RateLimiterRes === index.RateLimiterRes;
    // A refusal of the memory limiter is an instance of the RateLimiterRes we test against.
    const limiter = new mine.RateLimiterMemory({ points: 1, duration: 60 });
    await limiter.consume('k');
    const refused = await limiter.consume('k').catch((e) => e);
    process.stdout.write(JSON.stringify({ files, same, refusedIsRes: refused instanceof mine.RateLimiterRes }));
  `;
  const r = JSON.parse((await run(script)).stdout) as { files: string[]; same: boolean; refusedIsRes: boolean };
  expect(r.same).toBe(true);
  expect(r.refusedIsRes).toBe(true);
  expect(r.files).toContain('lib/RateLimiterRedis.js');
  expect(r.files).not.toContain('index.js');
  expect(r.files.filter((f) => /Mongo|MySQL|Postgres|Dynamo|Etcd|Prisma|Memcache/.test(f))).toEqual([]);
});

it('a server on Redis answers and warms up without the console’s modules, and loads franc when it warms up', async () => {
  const report = join(dir, 'first.json');
  const child = await startChild(childEnv(redis.prefix, { RUTA_TEST_MODULES_REPORT: report }), { nodeArgs: ['--import', preload] });
  try {
    const reply = await child.send('+18095550143', 'Hola');
    expect(reply.status).toBe(200);
    expect(reply.messages.length).toBeGreaterThan(0);
    await child.warmed;
  } finally {
    expect(await child.kill('SIGTERM')).toBe(0);
  }
  const modules = JSON.parse(readFileSync(report, 'utf8')) as string[];
  expect(modules.some((m) => m.endsWith('/franc/index.js'))).toBe(true);
  // The staff console (issue 13: start-up): its sessions, CSRF tokens and sign-in limits.
  expect(modules.filter((m) => /\/(express-session|csrf-sync|connect-redis|rate-limiter-flexible)\//.test(m))).toEqual([]);
});

it('the console loads with its first request, which it answers; the sign-in limits come without the limiters’ index', async () => {
  const report = join(dir, 'console.json');
  const child = await startChild(childEnv(redis.prefix, { RUTA_TEST_MODULES_REPORT: report }), { nodeArgs: ['--import', preload] });
  try {
    // Requests arriving while the console loads all wait for it and are all answered.
    const pages = await Promise.all([0, 1, 2].map(() => fetch(`${child.baseUrl}/console/sign-in`)));
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="password"');
    }
    expect((await fetch(`${child.baseUrl}/console/no-such-page`)).status).toBe(404);
    expect((await child.send('+18095550143', 'Hola')).status).toBe(200);
  } finally {
    expect(await child.kill('SIGTERM')).toBe(0);
  }
  const modules = JSON.parse(readFileSync(report, 'utf8')) as string[];
  expect(modules.some((m) => m.endsWith('/express-session/index.js'))).toBe(true);
  expect(modules.some((m) => m.endsWith('/rate-limiter-flexible/lib/RateLimiterRedis.js'))).toBe(true);
  expect(modules.filter((m) => m.endsWith('/rate-limiter-flexible/index.js'))).toEqual([]);
});
