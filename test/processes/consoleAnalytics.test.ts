import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heading, launchConsoleBrowser, shoot, type ConsoleBrowser } from '../support/browser.js';
import { inviteByCli, PASSWORD } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The coordinators' dashboard in a real browser (Debian's Chromium): a seeded cohort shows the
 * same numbers as the API, the funnel chart is drawn (Chart.js from the package, under the CSP),
 * filters work without script. Screenshots at 1280 and 390 px (analytics-*.png).
 */
const START = Date.parse('2026-11-20T15:00:00Z');
const clock = { now: START };
let app: TestApp;
let browser: ConsoleBrowser;
let seq = 0;

beforeAll(async () => {
  app = await startTestApp('console-analytics-browser', {}, undefined, { now: () => new Date(clock.now), newAid: () => `f0${(++seq).toString(16).padStart(14, '0')}` });
  // Seven Dominicans read a route (six go quiet there, one books nothing but pre-screens); two Costa Ricans stop at the privacy notice.
  for (let i = 0; i < 6; i++) await app.chat(`+1809555${String(5000 + i).padStart(4, '0')}`, ['Hola', '1', '1', '1', 'albañil', '1']);
  for (let i = 0; i < 6; i++) await app.chat(`+1809555${String(5100 + i).padStart(4, '0')}`, ['Hola', '1', '1', '1', 'tapicero de muebles']);
  for (let i = 0; i < 2; i++) await app.chat(`+506555${String(5200 + i).padStart(5, '0')}`, ['Hola']);
  // Five more book the mason's assessment from Pedernales, about 190 km from the nearest centre.
  for (let i = 0; i < 5; i++) await app.chat(`+1809555${String(5300 + i).padStart(4, '0')}`, ['Hola', '1', '1', '1', 'albañil', '1', '2', 'pedernales', '1', '0', '1']);
  clock.now = START + 25 * 3600_000;
  await app.ruta.analytics.recorder.sweep();
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.browser.close();
  await app?.close();
});

describe('the analytics dashboard in a browser', () => {
  it('shows the cohort\'s funnel and the API\'s numbers, draws the chart, filters by country', async () => {
    const page = await browser.newPage();
    await page.goto(app.baseUrl + (await inviteByCli(app, 'oit@ilo.example', 'infotep', 'coordinator', [], 'all')));
    await page.getByLabel('Su nombre').fill('Coordinación OIT');
    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(page, 'Inicio').waitFor();
    await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Estadísticas', exact: true }).click();
    await heading(page, 'Estadísticas').waitFor();

    const filters = page.getByRole('form', { name: 'Filtros' });
    await filters.getByLabel('Desde').fill('2026-11-14');
    await filters.getByLabel('Hasta').fill('2026-11-21');
    await filters.getByRole('button', { name: 'Mostrar' }).click();
    await heading(page, 'Estadísticas').waitFor();

    const token = (await app.ruta.tokens.createCoordinator('all')).token;
    const api = await (await fetch(`${app.baseUrl}/api/v1/analytics/funnel?from=2026-11-14&to=2026-11-21`, { headers: { authorization: `Bearer ${token}` } })).json();
    const cells = await page.locator('section[aria-labelledby="funnel-title"] tbody tr td:nth-child(2)').allTextContents();
    expect(cells.map((c) => c.trim())).toEqual(api.rows.map((r: { workers: number | string }) => String(r.workers)));
    expect(api.rows[0].workers).toBe(19);
    // Towns far from a centre and how long booking took: the same rows as the API, in words.
    const far = await (await fetch(`${app.baseUrl}/api/v1/analytics/far-towns?from=2026-11-14&to=2026-11-21`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(far.rows).toEqual([{ country: 'DO', town: 'Pedernales', workers: 5 }]);
    const farRows = await page.locator('section[aria-labelledby="unmet-title"] table').last().locator('tbody tr').allInnerTexts();
    expect(farRows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['Pedernales DO 5']);
    expect(await page.getByRole('rowheader', { name: 'INFOTEP: Costo' }).count()).toBe(1);
    const waits = await page.locator('section[aria-labelledby="waits-title"] tbody tr').allInnerTexts();
    expect(waits.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['Primer mensaje → cita menos de 1 hora 5']);
    // The chart was drawn from those numbers (a canvas with pixels), and nothing broke the CSP.
    await expect.poll(() => page.evaluate(() => (window as unknown as { Chart?: { instances: object } }).Chart !== undefined && Object.keys((window as unknown as { Chart: { instances: object } }).Chart.instances).length)).toBe(1);
    await shoot(page, 'analytics-all', { noSideScroll: true });

    await filters.getByLabel('País').selectOption({ label: 'Costa Rica' });
    await filters.getByRole('button', { name: 'Mostrar' }).click();
    await heading(page, 'Estadísticas').waitFor();
    const cr = await page.locator('section[aria-labelledby="funnel-title"] tbody tr td:nth-child(2)').allTextContents();
    expect(cr.map((c) => c.trim())).toEqual(Array(7).fill('<5'));
    await shoot(page, 'analytics-costa-rica', { noSideScroll: true });

    expect(browser.cspViolations).toEqual([]);
    await page.context().close();
  });
});
