import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { twilioSignature } from '../../channels/twilio/signature.js';
import { newMessageSid, TEST_ACCOUNT_SID } from '../twilioClient.js';

/**
 * `npm run bench`: Ruta against two floors on loopback, driven by the same load generator.
 *
 *  - servers: Ruta (`node dist/src/main.js`, Redis store), the same Ruta with ANALYTICS=off
 *    (`ruta-noanalytics`: what the one analytics write per turn costs, issue 12 asks for ≥ 0.9),
 *    the bare floor (Express + Twilio signature + one Redis GET/SET) and a plain botbuilder echo
 *    bot on Redis (floors.ts), each in its own process;
 *  - load: simulated workers, each playing the same 21-turn script (from "Hola" through a route
 *    answer and a full pre-screen), every request signed with a fresh MessageSid; a worker's next
 *    message leaves when the previous reply came back;
 *  - closed loop: `--concurrency` workers at once for `--seconds` (or `--turns`): throughput;
 *  - with and without analytics interleaved: both Ruta servers running, alternating `--round`
 *    second rounds of the closed loop, so the ratio issue 12 asks for is not at the mercy of
 *    what else a shared machine does between two runs;
 *  - open loop: turns offered at fixed rates (`--rates`) for `--seconds` each: p50/p99 latency;
 *  - Redis bytes per worker after `--workers` full scripts, and whether every key has a TTL;
 *  - start-up (spawn → listening, → ready) and RSS after start and after the load.
 *
 * Bounded in count and time; prints a table and writes bench-results/latest.json. A benchmark,
 * never a timed test: figures depend on the machine (printed with them).
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const PUBLIC_URL = 'http://bench.invalid';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** Every key the bench makes starts with this (cleared before and after), so runs sharing a Redis stay apart. */
export const BENCH_PREFIX = process.env.BENCH_PREFIX ?? 'bench:';
/** Where bytes per worker are measured: as long as the default REDIS_PREFIX ('ruta:'), cleared before and after. */
const MEMORY_PREFIX = process.env.BENCH_MEMORY_PREFIX ?? 'bmem:';

/** From "Hola" to the pre-screen's result and back to the menu (a Dominican mason, Spanish SMS). */
export const SCRIPT = ['Hola', '1', '1', '1', 'albañil', '1', '1', '8', '1', '1', '1', '1', '2', '1', '3', '1', '1', '1', 'MENU', '1', 'MENU'];

const KINDS = ['ruta', 'ruta-noanalytics', 'bare', 'echo'] as const;
export type Kind = (typeof KINDS)[number];
const isRuta = (kind: Kind) => kind === 'ruta' || kind === 'ruta-noanalytics';

export interface Started {
  kind: Kind;
  child: ChildProcess;
  baseUrl: string;
  listeningMs: number;
  readyMs: number;
  prefix: string;
}

/** A process's CPU time so far (user + system, ms), from /proc. */
const cpuMs = (pid: number | undefined): number => {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5)); clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** Redis's CPU time so far (ms), from INFO cpu. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1000;
}

/** The machine a run came from, as every report names it. */
export function machineOf(): { cpus: string; memoryGb: number; node: string; when: string } {
  return { cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, when: new Date().toISOString().slice(0, 10) };
}

/** RSS of a process and its children (PROCESSES > 1: the primary and every server it forked), in MB. */
const rssMb = (pid: number | undefined): number => {
  if (!pid) return NaN;
  const own = (p: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? NaN);
  const children = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const kb = [pid, ...children(pid)].reduce((sum, p) => sum + own(p), 0);
  return Math.round(kb / 1024);
};

/**
 * Starts one server on loopback and waits until it listens; `env` adds to (or overrides) its
 * environment; `warm` (default) also waits for the first answered turn.
 */
export async function start(kind: Kind, prefix: string, options: { env?: Record<string, string>; warm?: boolean; nodeArgs?: string[]; processes?: number; main?: string } = {}): Promise<Started> {
  // PROCESSES > 1: Ruta's primary forks that many servers on one port; each says it listens.
  const processes = isRuta(kind) ? (options.processes ?? 1) : 1;
  const script = isRuta(kind) ? (options.main ?? join(ROOT, 'dist/src/main.js')) : join(ROOT, 'dist/src/tools/bench/floors.js');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PSEUDONYM_SECRET: 'bench-pseudonym-secret-0123456789',
    REDIS_URL,
    REDIS_PREFIX: prefix,
    // As deployed: one JSON line per turn (part of a turn's cost); the bench reads only up to 'listening'.
    LOG_LEVEL: 'info',
    SAMPLE_CENTRES: 'none',
    // The flood limits protect workers' phones; the generator is one "sender" per worker at bench rates.
    LIMIT_SENDER_BURST: '1000',
    LIMIT_SENDER_PER_MINUTE: '10000',
    LIMIT_SENDER_SEGMENTS_PER_DAY: '100000',
    LIMIT_GLOBAL_PER_MINUTE: '10000000',
    ANALYTICS: kind === 'ruta-noanalytics' ? 'off' : 'on',
    ...(processes > 1 ? { PROCESSES: String(processes) } : {}),
    ...options.env,
  };
  // An empty value removes a setting (REDIS_URL: '' runs the server on its in-memory store).
  for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
  await (generatorWarm ??= warmGenerator());
  const t0 = performance.now();
  // nodeArgs: e.g. ['--cpu-prof'] to profile a server under the bench's load (not allowed in NODE_OPTIONS).
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(isRuta(kind) ? [] : [kind])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let listeningMs = NaN;
  let port = 0;
  let listening = 0;
  const stderr: string[] = [];
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start: ${stderr.join('')}`)), 30_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (port !== 0) return; // drained, not parsed, once listening
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { event?: string; port?: number };
        if (entry.event === 'listening' && typeof entry.port === 'number' && ++listening === processes) {
          port = entry.port;
          listeningMs = performance.now() - t0;
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${stderr.join('')}`)));
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  // Ready = the first turn answered (Ruta warms its gazetteer after listening).
  if (options.warm ?? true) await worker(baseUrl, 0, 'warm').send('Hola');
  return { kind, child, baseUrl, listeningMs, readyMs: performance.now() - t0, prefix };
}

/**
 * The generator's own first request (fetch's first use loads undici, the signature's HMAC, the
 * worker's code not yet compiled) took 60–100 ms of the bench process before it reached the first
 * server started, which counted it as that server's start-up. It is made once, against a stand-in
 * in this process, before any server starts.
 */
let generatorWarm: Promise<void> | undefined;
async function warmGenerator(): Promise<void> {
  const standIn = createServer((_req, res) => res.end('<Response><Message>ok</Message></Response>')).listen(0, '127.0.0.1');
  await once(standIn, 'listening');
  const w = worker(`http://127.0.0.1:${(standIn.address() as AddressInfo).port}`, 0, 'warm');
  for (let i = 0; i < 3; i++) await w.send('Hola');
  standIn.close();
}

export async function stop(s: Started): Promise<void> {
  const exited = new Promise((resolve) => s.child.on('exit', resolve));
  s.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 6000))]);
}

interface Worker {
  send(body: string): Promise<{ ok: boolean; ms: number }>;
  next(): string | undefined;
}

/** One simulated worker: a Dominican number of its own, the script in order, each message signed. */
function worker(baseUrl: string, index: number, run: string): Worker {
  const from = `+1809${String(index % 10_000_000).padStart(7, '0')}`;
  let step = 0;
  const url = `${baseUrl}/twilio/messages`;
  return {
    next: () => SCRIPT[step++],
    async send(body) {
      const params: Record<string, string> = { MessageSid: newMessageSid(), AccountSid: TEST_ACCOUNT_SID, From: from, To: '+15005550006', Body: body, NumMedia: '0', SmsStatus: 'received' };
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, params) };
      const t = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
        const text = await res.text();
        // An apology is an error too (Ruta never answers a failed turn with silence).
        const ok = res.status === 200 && text.includes('<Message>') && !/algo sali(ó|o) mal|something went wrong/i.test(text);
        return { ok, ms: performance.now() - t };
      } catch {
        return { ok: false, ms: performance.now() - t };
      } finally {
        void run;
      }
    },
  };
}

export const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/** `concurrency` workers at once, each playing scripts back to back, for `seconds` or `maxTurns`. */
export async function closedLoop(s: Started, { concurrency, seconds, maxTurns, firstWorker }: { concurrency: number; seconds: number; maxTurns: number; firstWorker: number }) {
  let turns = 0;
  let errors = 0;
  let nextWorker = firstWorker;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && turns < maxTurns) {
        const w = worker(s.baseUrl, nextWorker++, s.kind);
        for (let body = w.next(); body !== undefined && performance.now() < deadline && turns < maxTurns; body = w.next()) {
          const r = await w.send(body);
          turns += 1;
          if (!r.ok) errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { turns, errors, seconds: elapsed, perSecond: turns / elapsed, nextWorker };
}

/**
 * Ruta with and without analytics, both running, driven in alternating rounds of `roundSeconds`
 * (`concurrency` workers each, their scripts carried on from round to round; which goes first
 * alternates) until each has had about `seconds`: whatever else the machine does then lands on
 * both alike, which two runs one after the other cannot promise on a shared machine. Returns each
 * one's turns per second over its rounds, and the median of the rounds' ratios.
 */
export async function interleaved(a: Started, b: Started, redis: Redis, { concurrency, seconds, roundSeconds }: { concurrency: number; seconds: number; roundSeconds: number }) {
  const lanesOf = (s: Started) => {
    let next = 3_000_000;
    const fresh = () => worker(s.baseUrl, next++, s.kind);
    return { s, fresh, lanes: Array.from({ length: concurrency }, () => ({ w: fresh() })), turns: 0, errors: 0, seconds: 0, serverCpuMs: 0, redisCpuMs: 0 };
  };
  const sides = [lanesOf(a), lanesOf(b)] as const;
  const round = async (side: (typeof sides)[number]) => {
    let turns = 0;
    const cpu0 = [cpuMs(side.s.child.pid), await redisCpuMs(redis)] as const;
    const t0 = performance.now();
    const deadline = t0 + roundSeconds * 1000;
    await Promise.all(
      side.lanes.map(async (lane) => {
        while (performance.now() < deadline) {
          let body = lane.w.next();
          if (body === undefined) {
            lane.w = side.fresh();
            body = lane.w.next()!;
          }
          const r = await lane.w.send(body);
          turns += 1;
          if (!r.ok) side.errors += 1;
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    side.serverCpuMs += cpuMs(side.s.child.pid) - cpu0[0];
    side.redisCpuMs += (await redisCpuMs(redis)) - cpu0[1];
    side.turns += turns;
    side.seconds += elapsed;
    return turns / elapsed;
  };
  // One round each first, not counted: both servers' code is compiled before anything is measured.
  for (const side of sides) {
    await round(side);
    Object.assign(side, { turns: 0, errors: 0, seconds: 0, serverCpuMs: 0, redisCpuMs: 0 });
  }
  const pairs = Math.max(1, Math.round(seconds / roundSeconds));
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 === 0 ? [sides[0], sides[1]] : [sides[1], sides[0]];
    const x = await round(first);
    const y = await round(second);
    ratios.push(i % 2 === 0 ? x / y : y / x);
  }
  ratios.sort((p, q) => p - q);
  // CPU per turn: the server's process and Redis (only this side drives Redis during its rounds).
  const perTurnUs = (ms: number, turns: number) => Math.round((ms * 1000) / Math.max(1, turns));
  const summary = (side: (typeof sides)[number]) => ({
    kind: side.s.kind,
    turns: side.turns,
    errors: side.errors,
    seconds: side.seconds,
    perSecond: side.turns / side.seconds,
    cpuUsPerTurn: { server: perTurnUs(side.serverCpuMs, side.turns), redis: perTurnUs(side.redisCpuMs, side.turns) },
  });
  return { pairs, roundSeconds, a: summary(sides[0]), b: summary(sides[1]), ratio: sides[0].turns / sides[0].seconds / (sides[1].turns / sides[1].seconds), medianRoundRatio: percentile(ratios, 50) };
}

/**
 * Memory over a long run (issue 13: flat over 100,000 turns, with either store): `turns` turns
 * from a fixed population of `population` workers, each replaying the script (a busy month of the
 * same people), `concurrency` at once — lane L drives workers L, L + concurrency, … so no worker
 * has two messages in flight. What the server keeps per worker is bounded, so its RSS should reach
 * a plateau, not climb: sampled every tenth of the run, and once more after 5 s idle.
 */
export async function soak(s: Started, { turns, population, concurrency }: { turns: number; population: number; concurrency: number }) {
  const samples: Array<{ turns: number; rssMb: number }> = [{ turns: 0, rssMb: rssMb(s.child.pid) }];
  let done = 0;
  let errors = 0;
  const every = Math.max(1, Math.floor(turns / 10));
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = lane; done < turns; i = (i + concurrency) % Math.max(population, concurrency)) {
        const w = worker(s.baseUrl, 7_000_000 + i, s.kind);
        for (let body = w.next(); body !== undefined && done < turns; body = w.next()) {
          const r = await w.send(body);
          done += 1;
          if (!r.ok) errors += 1;
          if (done % every === 0) samples.push({ turns: done, rssMb: rssMb(s.child.pid) });
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 5000));
  const idle = rssMb(s.child.pid);
  // Growth over the second half of the run, after warm-up: what a leak would show.
  const half = samples.find((x) => x.turns >= turns / 2) ?? samples[0]!;
  const last = samples.at(-1)!;
  return { turns: done, errors, seconds, population, samples, idleRssMb: idle, secondHalfGrowthMb: last.rssMb - half.rssMb };
}

/**
 * `a`'s throughput over `b`'s, counterbalanced: two halves of `seconds`, each on freshly started
 * servers, the second with the start order (and which one the rounds begin with) swapped. Two
 * identical servers measured in one order only came out 2–6 % apart on the 2-core bench machine;
 * the geometric mean of the halves cancels what the order does. Run with a = b (`--control`) it
 * shows the method's own error.
 */
/** A server of a paired measurement: a kind, with settings of its own when given. */
type Contender = { kind: Kind; env?: Record<string, string>; label: string; main?: string; nodeArgs?: string[] };
const contender = (kind: Kind): Contender => ({ kind, label: kind });

async function counterbalanced(specA: Contender, specB: Contender, redis: Redis, options: { concurrency: number; seconds: number; roundSeconds: number }) {
  const prefixes = [`${BENCH_PREFIX}pair-a:`, `${BENCH_PREFIX}pair-b:`] as const;
  const halves = [];
  const launch = (spec: Contender, prefix: string) => start(spec.kind, prefix, { env: spec.env ?? {}, ...(spec.main ? { main: spec.main } : {}), ...(spec.nodeArgs ? { nodeArgs: spec.nodeArgs } : {}) });
  for (const aFirst of [true, false]) {
    for (const p of prefixes) await clearPrefix(redis, p);
    const first = await launch(aFirst ? specA : specB, aFirst ? prefixes[0] : prefixes[1]);
    const second = await launch(aFirst ? specB : specA, aFirst ? prefixes[1] : prefixes[0]);
    const [a, b] = aFirst ? [first, second] : [second, first];
    const half = aFirst ? await interleaved(a, b, redis, { ...options, seconds: options.seconds / 2 }) : await interleaved(b, a, redis, { ...options, seconds: options.seconds / 2 });
    // Always as a over b.
    halves.push(aFirst ? half : { ...half, a: half.b, b: half.a, ratio: 1 / half.ratio, medianRoundRatio: 1 / half.medianRoundRatio });
    await stop(first);
    await stop(second);
  }
  for (const p of prefixes) await clearPrefix(redis, p);
  const ratio = Math.sqrt(halves[0]!.ratio * halves[1]!.ratio);
  return { a: specA.label, b: specB.label, ratio, halves };
}

/** Turns offered at `rate` per second for `seconds`, each to an idle worker (a new one when none is idle). */
async function openLoop(s: Started, { rate, seconds, firstWorker, maxInFlight }: { rate: number; seconds: number; firstWorker: number; maxInFlight: number }) {
  const idle: Worker[] = [];
  let nextWorker = firstWorker;
  const latencies: number[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  const pending: Array<Promise<void>> = [];
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= maxInFlight) {
      dropped += 1; // the server is this far behind: counted, not queued without end
      continue;
    }
    let w = idle.pop();
    let body = w?.next();
    if (!w || body === undefined) {
      w = worker(s.baseUrl, nextWorker++, s.kind);
      body = w.next()!;
    }
    const current = w;
    inFlight += 1;
    pending.push(
      current.send(body).then((r) => {
        inFlight -= 1;
        latencies.push(r.ms);
        if (!r.ok) errors += 1;
        idle.push(current);
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { offered: rate, sent: latencies.length, dropped, errors, achieved: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), nextWorker };
}

/** Redis bytes per worker: `workers` full scripts on a fresh prefix, then every key under it measured. */
async function bytesPerWorker(s: Started, redis: Redis, workers: number) {
  await Promise.all(
    Array.from({ length: Math.min(workers, 32) }, async (_, lane) => {
      for (let i = lane; i < workers; i += 32) {
        const w = worker(s.baseUrl, 5_000_000 + i, s.kind);
        for (let body = w.next(); body !== undefined; body = w.next()) await w.send(body);
      }
    }),
  );
  let bytes = 0;
  let keys = 0;
  let withoutTtl = 0;
  // What is still held a minute, a day… later: most of a worker's keys go long before the stream.
  const heldBeyond: Record<string, number> = {};
  // Where the bytes go, by key shape (ids and numbers replaced): what to shrink first.
  const shapes = new Map<string, { keys: number; bytes: number; withoutTtl: number }>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${s.prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      const size = Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
      const ttl = await redis.ttl(key);
      const eternal = ttl === -1;
      keys += 1;
      bytes += size;
      for (const [after, seconds] of HELD) if (eternal || ttl > seconds) heldBeyond[after] = (heldBeyond[after] ?? 0) + size;
      if (eternal) withoutTtl += 1;
      const shape = key.slice(s.prefix.length).replace(/[0-9a-f]{16,}/gi, '<id>').replace(/\d+/g, '<n>');
      const entry = shapes.get(shape) ?? { keys: 0, bytes: 0, withoutTtl: 0 };
      entry.keys += 1;
      entry.bytes += size;
      if (eternal) entry.withoutTtl += 1;
      shapes.set(shape, entry);
    }
  } while (cursor !== '0');
  const byShape = Object.fromEntries([...shapes].sort((a, b) => b[1].bytes - a[1].bytes));
  const stillHeld = Object.fromEntries(HELD.map(([after]) => [after, Math.round((heldBeyond[after] ?? 0) / workers)]));
  return { workers, keys, bytes, perWorker: Math.round(bytes / workers), stillHeld, withoutTtl, byShape };
}

/** When bytes per worker are counted again, by the keys' TTLs: after a minute, a day, two days, eight, thirty. */
const HELD: ReadonlyArray<readonly [string, number]> = [
  ['1 min', 60],
  ['1 d', 86_400],
  ['2 d', 2 * 86_400],
  ['8 d', 8 * 86_400],
  ['30 d', 30 * 86_400],
];

export async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) await redis.del(...batch);
  } while (cursor !== '0');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '64' },
      rates: { type: 'string', default: '250,500' },
      workers: { type: 'string', default: '200' },
      only: { type: 'string' },
      round: { type: 'string', default: '2' },
      // Only the interleaved ruta / ruta-noanalytics rounds (issue 12's ratio), nothing else.
      paired: { type: 'boolean', default: false },
      // Also measure ruta-noanalytics against itself the same way (the method's own error).
      control: { type: 'boolean', default: false },
      // Only the memory soak: this many turns on Ruta with Redis, then with its in-memory store.
      soak: { type: 'string' },
      population: { type: 'string', default: '1000' },
      stores: { type: 'string', default: 'redis,memory' },
      // Ruta as this many server processes behind one port (PROCESSES); the floors stay one process.
      processes: { type: 'string', default: '1' },
      // Only Ruta against Ruta with one setting changed (NAME=VALUE), paired and counterbalanced.
      ab: { type: 'string' },
      // Only Ruta against another build of it (the path of its dist/src/main.js), paired and counterbalanced.
      against: { type: 'string' },
      // A setting of Ruta for the whole run (NAME=VALUE, repeatable); the floors ignore it.
      set: { type: 'string', multiple: true },
    },
  });
  const processes = Number(values.processes);
  const settings: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--set: NAME=VALUE, not ${pair}`);
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const quick = values.quick;
  const seconds = quick ? 2 : Number(values.seconds);
  const concurrency = quick ? 4 : Number(values.concurrency);
  const rates = (quick ? '20' : values.rates).split(',').map(Number);
  const workers = quick ? 3 : Number(values.workers);
  if (values.soak) {
    const redis = new Redis(REDIS_URL);
    const soaks: Record<string, Awaited<ReturnType<typeof soak>>> = {};
    const storeEnv = { redis: {}, memory: { REDIS_URL: '' } } as const;
    for (const store of values.stores.split(',') as Array<keyof typeof storeEnv>) {
      const env = storeEnv[store];
      if (!env) throw new Error(`--stores: redis, memory or both, not ${store}`);
      const prefix = `${BENCH_PREFIX}soak:`;
      await clearPrefix(redis, prefix);
      const s = await start('ruta', prefix, { env });
      soaks[store] = await soak(s, { turns: Number(values.soak), population: Number(values.population), concurrency });
      await stop(s);
      await clearPrefix(redis, prefix);
      const r = soaks[store]!;
      process.stdout.write(`soak, ${store} store: ${r.turns} turns in ${r.seconds.toFixed(0)} s, ${r.errors} errors; RSS MB ${r.samples.map((x) => x.rssMb).join(' → ')}, ${r.idleRssMb} after 5 s idle; second half ${r.secondHalfGrowthMb >= 0 ? '+' : ''}${r.secondHalfGrowthMb} MB\n`);
    }
    await redis.quit();
    mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
    const { when, cpus: cpuModel, node } = machineOf();
    writeFileSync(join(ROOT, 'bench-results', 'soak.json'), `${JSON.stringify({ when, cpus: cpuModel, node, soaks }, null, 2)}\n`);
    return;
  }
  if (values.ab || values.against) {
    const change = values.ab ?? '';
    const at = change.indexOf('=');
    const [name, value] = [change.slice(0, at), change.slice(at + 1)];
    if (values.ab && at < 1 && !change.startsWith('--')) throw new Error('--ab: NAME=VALUE, a setting of Ruta (e.g. REDIS_BATCHING=off), or a Node.js option (--ab=--max-semi-space-size=32)');
    const other: Contender = values.against
      ? { kind: 'ruta', main: values.against, label: `ruta at ${values.against}` }
      : change.startsWith('--')
        ? { kind: 'ruta', nodeArgs: [change], label: `ruta with node ${change}` }
        : { kind: 'ruta', env: { [name]: value }, label: `ruta ${name}=${value}` };
    const redis = new Redis(REDIS_URL);
    const ab = await counterbalanced(contender('ruta'), other, redis, { concurrency, seconds, roundSeconds: quick ? 1 : Number(values.round) });
    await redis.quit();
    const machine = machineOf();
    mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench-results', 'ab.json'), `${JSON.stringify({ machine, settings: { seconds, concurrency }, ab }, null, 2)}\n`);
    process.stdout.write(format({ machine, settings: { seconds, concurrency }, results: {}, ab }));
    return;
  }
  const kinds = values.paired ? [] : (values.only ?? KINDS.join(',')).split(',');
  const unknown = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')} (one or more of ${KINDS.join(', ')})`);

  const redis = new Redis(REDIS_URL);
  const results: Record<string, unknown> = {};
  for (const kind of kinds as Kind[]) {
    const prefix = `${BENCH_PREFIX}${kind}:`;
    await clearPrefix(redis, prefix);
    const s = await start(kind, prefix, { processes, env: isRuta(kind) ? settings : {} });
    const rssStart = rssMb(s.child.pid);
    const closed = await closedLoop(s, { concurrency, seconds, maxTurns: quick ? 200 : 1_000_000, firstWorker: 1_000_000 });
    const open = [];
    let first = 2_000_000;
    for (const rate of rates) {
      const r = await openLoop(s, { rate, seconds, firstWorker: first, maxInFlight: 2000 });
      first = r.nextWorker + 1000;
      open.push(r);
    }
    const rssAfter = rssMb(s.child.pid);
    await stop(s);
    // Memory on a clean prefix in a fresh process: only these workers' keys, under a prefix as
    // long as the default one, so that every key is as long as in a deployment on the defaults
    // (a key's length decides its allocation: 'bench:ruta:' would add 6 bytes to every key).
    await clearPrefix(redis, MEMORY_PREFIX);
    const m = await start(kind, MEMORY_PREFIX);
    const memory = await bytesPerWorker(m, redis, workers);
    await stop(m);
    await clearPrefix(redis, MEMORY_PREFIX);
    results[kind] = { startup: { listeningMs: Math.round(s.listeningMs), readyMs: Math.round(s.readyMs) }, rssMb: { start: rssStart, afterLoad: rssAfter }, closed, open, memory };
    process.stderr.write(`bench: ${kind} done\n`);
  }
  // The ratio issue 12 asks for, measured again with both running and their rounds interleaved.
  let paired: Awaited<ReturnType<typeof counterbalanced>> | undefined;
  let control: Awaited<ReturnType<typeof counterbalanced>> | undefined;
  const pairing = { concurrency, seconds, roundSeconds: quick ? 1 : Number(values.round) };
  if (values.paired || (kinds.includes('ruta') && kinds.includes('ruta-noanalytics'))) {
    paired = await counterbalanced(contender('ruta'), contender('ruta-noanalytics'), redis, pairing);
    process.stderr.write('bench: ruta and ruta-noanalytics interleaved done\n');
  }
  // Issue 13's ratios, measured the same way: Ruta and each floor running at once, their rounds
  // interleaved. One after the other, a phase that met a slow spell of the shared machine moved
  // a ratio from 0.21 to 0.35 between two runs of the same code.
  const floors: Record<string, Awaited<ReturnType<typeof counterbalanced>>> = {};
  if (!values.paired && kinds.includes('ruta')) {
    for (const floor of ['bare', 'echo'] as const) {
      if (!kinds.includes(floor)) continue;
      floors[floor] = await counterbalanced(contender('ruta'), contender(floor), redis, pairing);
      process.stderr.write(`bench: ruta and ${floor} interleaved done\n`);
    }
  }
  // The same measurement of two identical servers: how far apart the method puts equals.
  if (values.control) {
    control = await counterbalanced(contender('ruta-noanalytics'), contender('ruta-noanalytics'), redis, pairing);
    process.stderr.write('bench: control (ruta-noanalytics twice) done\n');
  }
  await redis.quit();

  const machine = machineOf();
  const report = { machine, settings: { seconds, concurrency, rates, workers, script: SCRIPT.length, rutaProcesses: processes, ...(values.set ? { rutaSettings: settings } : {}) }, results, ratios: ratios(results as Record<string, R>), ...(paired ? { paired } : {}), ...(Object.keys(floors).length > 0 ? { floors } : {}), ...(control ? { control } : {}) };
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results', quick ? 'quick.json' : values.paired ? 'paired.json' : processes > 1 ? `processes-${processes}.json` : 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(format(report));
}

type R = { startup: { listeningMs: number; readyMs: number }; rssMb: { start: number; afterLoad: number }; closed: { turns: number; errors: number; perSecond: number }; open: Array<{ offered: number; achieved: number; p50: number; p99: number; errors: number; dropped: number }>; memory: { perWorker: number; stillHeld?: Record<string, number>; keys: number; withoutTtl: number } };

/** Closed-loop throughput of Ruta over each other server measured in the same run (absent when one was not). */
function ratios(rows: Record<string, R>): Record<string, number> {
  const out: Record<string, number> = {};
  const ruta = rows.ruta?.closed.perSecond;
  if (ruta === undefined) return out;
  for (const other of ['ruta-noanalytics', 'bare', 'echo'] as const) {
    const r = rows[other]?.closed.perSecond;
    if (r) out[`ruta/${other}`] = Math.round((ruta / r) * 1000) / 1000;
  }
  return out;
}

type Side = { kind: string; perSecond: number; cpuUsPerTurn: { server: number; redis: number } };
type Half = { pairs: number; roundSeconds: number; a: Side; b: Side; ratio: number; medianRoundRatio: number };
type Paired = { a: string; b: string; ratio: number; halves: Half[] };

export function format(report: { machine: Record<string, unknown>; settings: Record<string, unknown>; results: Record<string, unknown>; paired?: Paired; floors?: Record<string, Paired>; control?: Paired; ab?: Paired }): string {
  const rows = report.results as Record<string, R>;
  const lines = [`Machine: ${JSON.stringify(report.machine)}`, `Settings: ${JSON.stringify(report.settings)}`, ''];
  const head = rows.ruta ?? Object.values(rows)[0];
  if (head) lines.push('server | turns/s (closed) | errors | ' + head.open.map((o) => `p50/p99 at ${o.offered}/s`).join(' | ') + ' | Redis B/worker (keys, no TTL) | start→listen / ready ms | RSS MB start/after');
  for (const [kind, r] of Object.entries(rows)) {
    lines.push(
      [
        kind,
        r.closed.perSecond.toFixed(0),
        String(r.closed.errors + r.open.reduce((n, o) => n + o.errors, 0)),
        ...r.open.map((o) => `${o.p50.toFixed(1)}/${o.p99.toFixed(1)} ms (${o.achieved.toFixed(0)}/s${o.dropped ? `, ${o.dropped} not sent` : ''})`),
        `${r.memory.perWorker} (${r.memory.keys}, ${r.memory.withoutTtl})`,
        `${r.startup.listeningMs} / ${r.startup.readyMs}`,
        `${r.rssMb.start} / ${r.rssMb.afterLoad}`,
      ].join(' | '),
    );
  }
  for (const [kind, r] of Object.entries(rows)) {
    const held = r.memory.stillHeld;
    if (held) lines.push(`${kind}: Redis bytes per worker still held after ${Object.keys(held).join(' / ')}: ${Object.values(held).join(' / ')}`);
  }
  const r = ratios(rows);
  const named: Record<string, string> = { 'ruta/ruta-noanalytics': 'Ruta / Ruta without analytics (issue 12: ≥ 0.9)', 'ruta/bare': 'Ruta / bare floor', 'ruta/echo': 'Ruta / botbuilder echo' };
  if (Object.keys(r).length > 0) lines.push('', `One after the other: ${Object.entries(r).map(([k, v]) => `${named[k] ?? k}: ${v.toFixed(2)}`).join('   ')}`);
  const comparisons: Array<readonly [string, Paired | undefined]> = [
    ['Ruta / Ruta without analytics (issue 12: ≥ 0.9)', report.paired],
    ['Ruta / bare floor (issue 13: ≥ 0.5)', report.floors?.bare],
    ['Ruta / botbuilder echo (issue 13: ≥ 0.9)', report.floors?.echo],
    ["Control, Ruta without analytics / itself (the method's error)", report.control],
    [report.ab ? `${report.ab.a} / ${report.ab.b}` : '', report.ab],
  ];
  for (const [label, p] of comparisons) {
    if (!p) continue;
    const half = (h: Half) => `${h.a.perSecond.toFixed(0)} / ${h.b.perSecond.toFixed(0)} turns/s = ${h.ratio.toFixed(3)} (median of ${h.pairs} pairs of ${h.roundSeconds} s: ${h.medianRoundRatio.toFixed(3)}; CPU per turn ${h.a.cpuUsPerTurn.server} / ${h.b.cpuUsPerTurn.server} µs in the server, ${h.a.cpuUsPerTurn.redis} / ${h.b.cpuUsPerTurn.redis} µs in Redis)`;
    lines.push(`${label}: ${p.ratio.toFixed(3)} — interleaved rounds, both running, counterbalanced: ${p.a} started first ${half(p.halves[0]!)}; ${p.b} started first ${half(p.halves[1]!)}`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
