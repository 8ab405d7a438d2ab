import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { createLogger } from '../../src/log.js';
import { loadChatModel, WorkProfiler } from '../../src/match/WorkProfiler.js';

/**
 * LLM_MODEL=openai:… through LangChain's initChatModel and the real @langchain/openai client,
 * against a fake OpenAI server at the HTTP boundary (Chat Completions format). No network.
 */
const catalog = Catalog.load();
const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
let mode: 'ok' | 'fail' = 'ok';
let server: Server;
const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });

const PROFILE = { occupations: [{ id: 'mason', confidence: 0.9 }], years: 8, tasks: ['pegar block'], tools: ['cuchara'], learnedAt: 'job' };

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    requests.push({ path: req.url ?? '', body });
    if (mode === 'fail' || req.url !== '/v1/chat/completions') {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
      return;
    }
    const tools = body.tools as Array<{ function: { name: string } }> | undefined;
    const message = tools?.length
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: tools[0]!.function.name, arguments: JSON.stringify(PROFILE) } }] }
      : { role: 'assistant', content: JSON.stringify(PROFILE) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: String(body.model), choices: [{ index: 0, message, finish_reason: tools?.length ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  process.env.OPENAI_API_KEY = 'sk-test';
  process.env.OPENAI_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  process.env.OPENAI_API_KEY = saved.key;
  process.env.OPENAI_BASE_URL = saved.url;
  if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
  if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a configured OpenAI-compatible model (fake server at the HTTP boundary)', () => {
  it('is loaded by initChatModel and fills the profile schema, with personal data removed from the request', async () => {
    const lines: string[] = [];
    const model = await loadChatModel('openai:gpt-4o-mini', createLogger('info', (l) => lines.push(l)));
    expect(model).toBeDefined();
    expect(lines.join('\n')).toContain('"event":"llm_configured"');
    mode = 'ok';
    const profile = await new WorkProfiler(catalog, { model, timeoutMs: 5000, now: () => new Date('2026-06-01T12:00:00Z') }).profile('soy albañil hace 8 años, llamame al 809-555-0100');
    expect(profile).toMatchObject({ via: 'model', years: 8, tasks: ['pegar block'], learnedAt: 'job' });
    expect(profile.occupations[0]).toEqual({ id: 'mason', score: 0.9 });
    const sent = JSON.stringify(requests.at(-1)!.body);
    expect(requests.at(-1)!.path).toBe('/v1/chat/completions');
    expect(sent).not.toMatch(/809|555|0100/);
    expect(sent).toContain('[phone]');
    // The schema the provider receives limits occupations to the catalog's ids.
    expect(sent).toContain('"enum":["mason"');
  });

  it('falls back to the matcher when the provider answers 500', async () => {
    const model = await loadChatModel('openai:gpt-4o-mini', createLogger('silent'));
    mode = 'fail';
    const profile = await new WorkProfiler(catalog, { model, timeoutMs: 5000, now: () => new Date('2026-06-01T12:00:00Z') }).profile('soy plomero');
    expect(profile).toMatchObject({ via: 'matcher', fallback: 'error' });
    expect(profile.occupations[0]?.id).toBe('plumber');
  });

  it('runs deterministically, with a warning, when the provider package is not installed', async () => {
    const lines: string[] = [];
    expect(await loadChatModel('anthropic:claude-3-5-haiku-latest', createLogger('info', (l) => lines.push(l)))).toBeUndefined();
    expect(lines.join('\n')).toContain('"event":"llm_unavailable"');
  });
});
