import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lazyApp, lazyRouter } from '../../src/server.js';

// A channel few deployments use is loaded on its first request, once, rather than at every start.
let base = '';
let loads = 0;
let failNext = true;
let appLoads = 0;
let appFailNext = true;
const outer = express().set('trust proxy', true);
const server = createHttpServer(
  outer
    .use(
      '/app',
      lazyApp(async () => {
        appLoads++;
        if (appFailNext) {
          appFailNext = false;
          throw new Error('module failed to load');
        }
        await new Promise((r) => setTimeout(r, 50));
        const inner = express();
        inner.get('/where', (req, res) => void res.json({ baseUrl: req.baseUrl, ip: req.ip, innerApp: req.app === inner }));
        return inner;
      }),
    )
    .use(
      '/lazy',
      lazyRouter(async () => {
        loads++;
        await new Promise((r) => setTimeout(r, 50));
        return express.Router().post('/', (_req, res) => void res.send('inner'));
      }),
    )
    .use(
      '/flaky',
      lazyRouter(async () => {
        if (failNext) {
          failNext = false;
          throw new Error('module failed to load');
        }
        return express.Router().get('/', (_req, res) => void res.send('loaded on the second try'));
      }),
    )
    .use('/none', lazyRouter(async () => undefined))
    // Past the lazy app (it answers nothing else): the outer app's response again.
    .use((req, res) => void res.status(404).json({ outer: req.app === outer })),
);
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('loads once for requests arriving together and serves every one of them, then serves from what it loaded', async () => {
  expect(loads).toBe(0);
  const replies = await Promise.all(Array.from({ length: 5 }, () => fetch(`${base}/lazy`, { method: 'POST' }).then((r) => r.text())));
  expect(replies).toEqual(Array(5).fill('inner'));
  expect(await (await fetch(`${base}/lazy`, { method: 'POST' })).text()).toBe('inner');
  expect(loads).toBe(1);
});

it('answers a failed load as an error and tries again on the next request; a build without a router leaves its path to 404', async () => {
  expect((await fetch(`${base}/flaky`)).status).toBe(500);
  const second = await fetch(`${base}/flaky`);
  expect(await second.text()).toBe('loaded on the second try');
  expect((await fetch(`${base}/none`)).status).toBe(404);
});

it('a lazy app: a failed load is an error and is tried again; then loaded once for requests arriving together, mounted as Express mounts a sub-app', async () => {
  expect((await fetch(`${base}/app/where`)).status).toBe(500);
  expect(appLoads).toBe(1);
  const replies = await Promise.all(Array.from({ length: 5 }, () => fetch(`${base}/app/where`, { headers: { 'x-forwarded-for': '203.0.113.9' } }).then((r) => r.json())));
  // Its base path, the outer app's proxy setting, and itself as the request's app.
  expect(replies).toEqual(Array(5).fill({ baseUrl: '/app', ip: '203.0.113.9', innerApp: true }));
  expect(appLoads).toBe(2);
  const past = await fetch(`${base}/app/elsewhere`);
  expect(past.status).toBe(404);
  expect(await past.json()).toEqual({ outer: true });
  expect(appLoads).toBe(2);
});
