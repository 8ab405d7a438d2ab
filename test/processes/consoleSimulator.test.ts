import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSegments } from '../../src/channels/segments.js';
import { heading, launchConsoleBrowser, shoot, type ConsoleBrowser } from '../support/browser.js';
import { inviteByCli, PASSWORD } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The simulator in a real browser (Debian's Chromium, playwright-core), used as a person would:
 * a member of staff chooses SMS, the Dominican Republic and Haitian Creole, and writes to Ruta
 * until it explains the certification route for a mason; every reply shows its SMS segments. Then
 * they start over. Screenshots at 1280 and 390 px in test-results/screenshots/ (simulator-*.png).
 */

// Friday 20 November 2026, 15:00 UTC (the journey tests' clock).
const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
let browser: ConsoleBrowser;

beforeAll(async () => {
  app = await startTestApp('console-simulator-browser', {}, undefined, { now: () => NOW });
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.browser.close();
  await app?.close();
});

describe('the simulator in a browser', () => {
  it('completes a Creole conversation over SMS, showing the segments of each reply, then starts over', async () => {
    const invite = await inviteByCli(app, 'rosa@infotep.example', 'infotep', 'staff');
    const page = await browser.newPage();
    await page.goto(app.baseUrl + invite);
    await page.getByLabel('Su nombre').fill('Rosa Jean');
    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(page, 'Inicio').waitFor();

    await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Simulador', exact: true }).click();
    await heading(page, 'Simulador').waitFor();
    await shoot(page, 'simulator-empty', { noSideScroll: true });

    // SMS from a Dominican number, the first message in Haitian Creole.
    const settings = page.getByRole('form', { name: 'Canal, país e idioma' });
    await settings.getByRole('radio', { name: 'SMS' }).check();
    await settings.getByLabel('País del número').selectOption({ label: 'República Dominicana' });
    await settings.getByLabel('Idioma del primer mensaje').selectOption({ label: 'Criollo haitiano' });
    await settings.getByRole('button', { name: 'Usar estos ajustes' }).click();
    await heading(page, 'Simulador').waitFor();
    const box = page.getByLabel('Su mensaje');
    expect(await box.inputValue()).toBe('Bonjou');
    expect(await page.locator('.sim-number code').textContent()).toMatch(/^\+18090\d{6}$/);

    const conversation = page.locator('ol.sim-conversation');
    const send = async (text: string) => {
      const before = await conversation.locator('li').count().catch(() => 0);
      await box.fill(text);
      await page.getByRole('button', { name: 'Enviar' }).click();
      await heading(page, 'Simulador').waitFor();
      await expect.poll(() => conversation.locator('li').count()).toBeGreaterThan(before + 1);
    };
    // Greeting → privacy notice, accept → menu, how to certify → country?, yes → trade?, "bòs mason" → did you mean, yes → the route.
    for (const line of ['Bonjou', '1', '1', '1', 'bòs mason', '1']) await send(line);

    const replies = conversation.locator('li.sim-message--ruta');
    const last = (await replies.last().locator('.sim-text').textContent()) ?? '';
    // The route answer, in Creole, with its menu of what comes next.
    expect(last).toMatch(/INFOTEP/);
    expect(last.toLowerCase()).toMatch(/randevou|pran/);
    // Every reply says what it costs; the figures are those of the text shown.
    const count = await replies.count();
    expect(count).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < count; i++) {
      const text = (await replies.nth(i).locator('.sim-text').textContent()) ?? '';
      const meta = (await replies.nth(i).locator('.sim-meta').textContent()) ?? '';
      const c = countSegments(text);
      expect(meta).toBe(`${c.segments} ${c.segments === 1 ? 'segmento SMS' : 'segmentos SMS'} · ${c.encoding} · ${c.units} caracteres`);
    }
    // The message box keeps the focus after each message (no JavaScript: autofocus).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');
    await shoot(page, 'simulator-creole', { noSideScroll: true });

    await page.getByRole('button', { name: 'Empezar de nuevo' }).click();
    await heading(page, 'Simulador').waitFor();
    await expect(page.getByRole('status').getByText('Conversación borrada').isVisible()).resolves.toBe(true);
    expect(await conversation.count()).toBe(0);
    expect(await box.inputValue()).toBe('Bonjou');
    await shoot(page, 'simulator-start-over', { noSideScroll: true });

    expect(browser.cspViolations).toEqual([]);
    await page.context().close();
  });

  it('shows a coordinator their countries, the simulator and nothing about workers', async () => {
    const invite = await inviteByCli(app, 'oit@ilo.example', 'infotep', 'coordinator');
    const page = await browser.newPage();
    await page.goto(app.baseUrl + invite);
    await page.getByLabel('Su nombre').fill('Marta Coordinadora');
    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(page, 'Inicio').waitFor();
    await expect(page.getByText('Puede ver las cifras anónimas de todos los países de Ruta.').isVisible()).resolves.toBe(true);
    const nav = page.getByRole('navigation', { name: 'Secciones' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Inicio', 'Estadísticas', 'Simulador']);
    await shoot(page, 'home-coordinator', { noSideScroll: true });
    await page.goto(`${app.baseUrl}/console/requests`);
    await heading(page, 'No tiene acceso a esta página').waitFor();
    // The simulator offers every country (the scope is all of them), WhatsApp too.
    await page.goto(`${app.baseUrl}/console/simulator?channel=whatsapp&country=CR&language=es`);
    await page.getByRole('button', { name: 'Enviar' }).click();
    await heading(page, 'Simulador').waitFor();
    await expect.poll(() => page.locator('li.sim-message--ruta').count()).toBeGreaterThan(0);
    expect(await page.locator('.sim-number code').textContent()).toMatch(/^\+5060\d{6}$/);
    expect(await page.locator('li.sim-message--ruta .sim-meta').first().textContent()).toMatch(/^WhatsApp · \d+ caracteres · sin segmentos$/);
    await shoot(page, 'simulator-whatsapp-coordinator', { noSideScroll: true });
    expect(browser.cspViolations).toEqual([]);
    await page.context().close();
  });
});
