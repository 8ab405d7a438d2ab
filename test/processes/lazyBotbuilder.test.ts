import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCRIPT } from '../../src/tools/bench/run.js';
import { childEnv, startChild } from '../support/childServer.js';
import { testRedis } from '../support/redis.js';

// Issue 13 (start-up): botbuilder-core's index loads the Bot Framework connector with Azure's
// identity stack and MSAL, about 380 ms of a start; src/bot/botbuilderCore.ts puts it off until
// something needs more than what a Twilio turn uses. Real processes, built code (dist/).

const dir = mkdtempSync(join(tmpdir(), 'ruta-modules-'));
const preload = fileURLToPath(new URL('../support/reportModules.mjs', import.meta.url));
const standIn = fileURLToPath(new URL('../../dist/src/bot/botbuilderCore.js', import.meta.url));
let redis: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  redis = await testRedis('lazy-botbuilder');
});
afterAll(async () => {
  await redis?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it('a whole journey (route, pre-screen, menu, help) never loads the Bot Framework connector', async () => {
  const report = join(dir, 'journey.json');
  const child = await startChild(childEnv(redis.prefix, { RUTA_TEST_MODULES_REPORT: report }), { nodeArgs: ['--import', preload] });
  try {
    const replies = await child.chat('+18095550142', [...SCRIPT, 'AYUDA']);
    // Every turn was answered by the dialogs (not by the apology for a failed turn).
    for (const reply of replies) expect(reply.status).toBe(200);
    expect(replies.every((r) => r.messages.length > 0)).toBe(true);
    expect(child.logs.filter((l) => l.event === 'turn_failed')).toEqual([]);
  } finally {
    expect(await child.kill('SIGTERM')).toBe(0);
  }
  const modules = JSON.parse(readFileSync(report, 'utf8')) as string[];
  // The control: the report lists what did load (the dialogs' files, the core's light ones).
  expect(modules.some((m) => m.includes('/botbuilder-dialogs/lib/dialogContext.js'))).toBe(true);
  expect(modules.some((m) => m.includes('/botbuilder-core/lib/turnContext.js'))).toBe(true);
  expect(modules.filter((m) => /\/(botframework-connector|@azure|@azure\/msal-node|botbuilder-stdlib)\//.test(m))).toEqual([]);
  expect(modules.filter((m) => m.includes('/botbuilder-core/lib/cloudAdapterBase.js'))).toEqual([]);
  // botbuilder-core, botbuilder-dialogs and botframework-schema each have their own copy of zod 3,
  // the same version: one of them loads, and the others' entry points are it.
  expect(modules.filter((m) => m.endsWith('/zod/index.cjs')).length).toBeGreaterThanOrEqual(3);
  expect(modules.filter((m) => m.endsWith('/zod/v3/types.cjs'))).toEqual([expect.stringContaining('/botbuilder-core/node_modules/zod/')]);
});

it('the stand-in gives every name of the real index, the very same objects, before and after it loads', async () => {
  // In a fresh process: the stand-in must be in place before anything requires botbuilder-core.
  const script = `
    const { createRequire } = await import('node:module');
    const core = await import(${JSON.stringify(standIn)});
    const require = createRequire(${JSON.stringify(standIn)});
    const standIn = require('botbuilder-core');
    const early = { TurnContext: standIn.TurnContext, ActivityTypes: standIn.ActivityTypes, BotAdapter: standIn.BotAdapter, NullTelemetryClient: standIn.NullTelemetryClient };
    const lightOnly = !core.botbuilderCoreFullyLoaded() && !Object.keys(require.cache).some((m) => m.includes('botframework-connector'));
    // A name only the full index has: it loads, once.
    const cloud = standIn.CloudAdapterBase;
    const full = require('botbuilder-core');
    const names = Object.keys(full);
    const mismatched = names.filter((n) => standIn[n] !== full[n]);
    const earlySame = Object.entries(early).every(([n, v]) => v === full[n] && v !== undefined);
    // botbuilder's own index re-exports botbuilder-core's names through the stand-in.
    // One zod for the botbuilder packages a turn loads (their copies are the same version).
    const zodOf = (name) => createRequire(require.resolve(name))('zod');
    const oneZod = ['botbuilder-dialogs', 'botframework-schema'].every((name) => zodOf(name) === zodOf('botbuilder-core'));
    const botbuilder = require('botbuilder');
    process.stdout.write(JSON.stringify({ lightOnly, fullNow: core.botbuilderCoreFullyLoaded(), cloud: typeof cloud, names: names.length, mismatched, earlySame,
      listed: Object.keys(standIn).length, exported: core.TurnContext === full.TurnContext && core.BotAdapter === full.BotAdapter,
      botbuilder: typeof botbuilder.CloudAdapter, reexported: botbuilder.TurnContext === full.TurnContext, oneZod }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
  const r = JSON.parse(stdout) as Record<string, unknown>;
  expect(r).toEqual({ lightOnly: true, fullNow: true, cloud: 'function', names: expect.any(Number), mismatched: [], earlySame: true, listed: r.names, exported: true, botbuilder: 'function', reexported: true, oneZod: true });
  expect(r.names).toBeGreaterThan(100);
});
