import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sendAsTwilio, type TwilioReply, type TwilioSend } from '../../src/tools/twilioClient.js';
import { REDIS_ENV } from './redis.js';
import { AUTH_TOKEN, PUBLIC_URL, SECRET } from './testApp.js';

/**
 * A real Ruta server in its own Node.js process (`node dist/src/main.js`, built by `npm test`'s
 * pretest): for what only separate processes show — ordering across processes, SIGKILL in the
 * middle of a turn, start-up refusals. Its JSON log lines are kept.
 */
export interface ChildServer {
  baseUrl: string;
  process: ChildProcess;
  /** Every JSON log line, parsed. */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  send(from: string, body: string, options?: Partial<TwilioSend>): Promise<TwilioReply>;
  chat(from: string, lines: string[], options?: Partial<TwilioSend>): Promise<TwilioReply[]>;
  /** Resolves once the process has finished its start-up work (the town gazetteer), which blocks it for a moment. */
  warmed: Promise<void>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  kill(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

export const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

/** The environment a child server gets unless overridden: the tests' secrets, real Redis, a prefix. */
export function childEnv(prefix: string, env: Record<string, string> = {}): Record<string, string> {
  // A machine date moved by libfaketime (.ci/future) moves the children's too.
  const faked = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(LD_PRELOAD|FAKETIME.*)$/.test(e[0]) && e[1] !== undefined));
  return {
    PATH: process.env.PATH ?? '',
    ...faked,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PSEUDONYM_SECRET: SECRET,
    ...REDIS_ENV,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'info',
    LIMIT_SENDER_BURST: '1000',
    LIMIT_SENDER_PER_MINUTE: '10000',
    LIMIT_SENDER_SEGMENTS_PER_DAY: '100000',
    // The development samples only (as startTestApp): the real directory changes with its sources.
    // (Production refuses samples: a production child gets none.)
    ...(env.NODE_ENV === 'production' ? {} : { SAMPLE_CENTRES: 'only' }),
    ...env,
  };
}

/** Runs `node dist/src/main.js` with exactly `env`; resolves once it listens (or rejects with what it printed). */
export async function startChild(env: Record<string, string>, { timeoutMs = 15_000, nodeArgs = [] as string[] } = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeArgs, MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? 0)));
  let markWarm!: () => void;
  const warmed = new Promise<void>((resolve) => (markWarm = resolve));
  let buffered = '';
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not listen in ${timeoutMs} ms: ${stderr.join('')}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.event === 'warm') markWarm();
          if (entry.event === 'listening' && typeof entry.port === 'number') {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before listening: ${stderr.join('')}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${await port}`;
  const send = (from: string, body: string, options: Partial<TwilioSend> = {}) => sendAsTwilio({ baseUrl, publicUrl: PUBLIC_URL, authToken: AUTH_TOKEN, from, body, ...options });
  return {
    baseUrl,
    process: child,
    warmed,
    logs,
    stderr,
    send,
    chat: async (from, lines, options) => {
      const replies: TwilioReply[] = [];
      for (const line of lines) replies.push(await send(from, line, options));
      return replies;
    },
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `node dist/src/main.js` expecting it to refuse to start; resolves with its exit code and stderr. */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | NodeJS.Signals; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (c, s) => resolve(s ?? c ?? 0)));
  clearTimeout(timer);
  return { code, stderr: stderr.join('') };
}
