import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedEventSchema } from '../../src/analytics/exportEvents.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Issue 12: GET /api/v1/analytics/<table> for coordinator tokens, CSV of every table, "<k" for
// every number under k workers in both; scope enforced; the same numbers as the reader.
const START = Date.parse('2026-11-20T15:00:00Z');
const clock = { now: START };
let app: TestApp;
let seq = 0;
let doToken = '';
let allToken = '';
let institutionToken = '';

beforeAll(async () => {
  app = await startTestApp('analyticsapi', {}, undefined, { now: () => new Date(clock.now), newAid: () => `d0${(++seq).toString(16).padStart(14, '0')}` });
  for (let i = 0; i < 6; i++) await app.chat(`+1809555${String(3000 + i).padStart(4, '0')}`, ['Hola', '1', '1', '1', 'albañil', '1']);
  await app.chat('+5215555553999', ['Hola', '1']);
  clock.now = START + 25 * 3600_000;
  await app.ruta.analytics.recorder.sweep();
  doToken = (await app.ruta.tokens.createCoordinator(['DO'])).token;
  allToken = (await app.ruta.tokens.createCoordinator('all')).token;
  institutionToken = (await app.ruta.tokens.create('infotep')).token;
});
afterAll(async () => {
  await app.close();
});

const get = (path: string, token: string) => fetch(`${app.baseUrl}/api/v1/analytics/${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('GET /api/v1/analytics', () => {
  it('funnel: distinct workers per stage with the share of the stage before; "<5" under k; scope fills the country filter', async () => {
    const res = await get('funnel?from=2026-11-14&to=2026-11-21', doToken);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.query).toEqual({ from: '2026-11-14', to: '2026-11-21', country: ['DO'] });
    expect(body.k).toBe(5);
    expect(body.rows.slice(0, 4)).toEqual([
      { stage: 'first_contact', workers: 6, fromPrevious: null },
      { stage: 'privacy_accepted', workers: 6, fromPrevious: 1 },
      { stage: 'route', workers: 6, fromPrevious: 1 },
      { stage: 'prescreen', workers: '<5', fromPrevious: null },
    ]);
    const reader = await app.ruta.analytics.reader.funnel({ from: '2026-11-14', to: '2026-11-21', country: ['DO'] });
    expect(reader[0]!.workers).toEqual({ shown: true, value: 6 });
  });

  it('drop-off and cost tables; CSV carries the same "<5" and no number under k', async () => {
    const drop = await (await get('dropoff?from=2026-11-20&to=2026-11-21', allToken)).json();
    expect(drop.rows[0]).toEqual({ step: 'route.next', cause: 'quiet', workers: 6 });
    const csv = await get('funnel.csv?from=2026-11-14&to=2026-11-21&country=MX', allToken);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('stage,workers,fromPrevious');
    expect(text).toContain('first_contact,<5,');
    expect(text).not.toMatch(/first_contact,1,/);
    const cost = await (await get('cost?from=2026-11-20&to=2026-11-20', allToken)).json();
    expect(cost.rows.find((r: { measure: string }) => r.measure === 'segments')).toMatchObject({ workers: 7 });
  });

  it('refuses: a country outside the scope (403), an institution token (403), no token (401), bad filters (400), an unknown table (404)', async () => {
    expect((await get('funnel?country=MX', doToken)).status).toBe(403);
    expect((await get('funnel', institutionToken)).status).toBe(403);
    expect((await fetch(`${app.baseUrl}/api/v1/analytics/funnel`)).status).toBe(401);
    expect((await get('funnel?from=yesterday', allToken)).status).toBe(400);
    expect((await get('funnel?from=2025-01-01&to=2026-11-21', allToken)).status).toBe(400);
    expect((await get('funnel?language=fr', allToken)).status).toBe(400);
    expect((await get('everything', allToken)).status).toBe(404);
  });

  it('events.ndjson: every anonymous event of the period in the documented schema, a per-export conversation id, within the scope', async () => {
    const read = async (token: string, query = 'from=2026-11-20&to=2026-11-21') => {
      const res = await get(`events.ndjson?${query}`, token);
      expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      return (await res.text()).trim().split('\n').map((line) => exportedEventSchema.parse(JSON.parse(line)));
    };
    const all = await read(allToken);
    expect(all.filter((e) => e.kind === 'first_contact').map((e) => e.country).sort()).toEqual(['DO', 'DO', 'DO', 'DO', 'DO', 'DO', 'MX']);
    // One conversation keeps one id within an export: six route answers from six ids, each with its first contact.
    const routes = all.filter((e) => e.kind === 'route_explained');
    expect(new Set(routes.map((e) => e.conversation)).size).toBe(6);
    for (const r of routes) expect(all.some((e) => e.kind === 'first_contact' && e.conversation === r.conversation)).toBe(true);
    // Another export gives the same conversations other ids: exports cannot be joined with each other or with the stream.
    const again = await read(allToken);
    expect(again.length).toBe(all.length);
    expect(again.filter((e) => e.kind === 'route_explained').some((e) => routes.some((r) => r.conversation === e.conversation))).toBe(false);
    const body = JSON.stringify(all);
    // Nor the conversations' own analytics ids (d0 and 14 hex digits, the first few hundred here):
    // long enough that a random export id never matches by chance (a 5-digit pattern once did).
    expect(body).not.toMatch(/5553000|albañil|Hola|d000000000000/);
    // A country-scoped token gets its countries only; asking for another is refused.
    expect((await read(doToken)).every((e) => e.country === 'DO')).toBe(true);
    expect((await get('events.ndjson?country=MX', doToken)).status).toBe(403);
  });

  it('pages through the stream by cursor: small pages give the same events as one large page, in order', async () => {
    const from = Date.parse('2026-11-20T00:00:00Z');
    const to = Date.parse('2026-11-21T23:00:00Z');
    const whole = (await app.ruta.analytics.store.range(from, to, 10_000)).events;
    expect(whole.length).toBeGreaterThan(20);
    const paged = [];
    let after: string | undefined;
    do {
      const page = await app.ruta.analytics.store.range(from, to, 7, after);
      paged.push(...page.events);
      after = page.next;
    } while (after);
    expect(paged).toEqual(whole);
    expect((await app.ruta.analytics.store.range(Date.parse('2026-11-22T00:00:00Z'), Date.parse('2026-11-23T00:00:00Z'), 10)).events).toEqual([]);
  });
});

