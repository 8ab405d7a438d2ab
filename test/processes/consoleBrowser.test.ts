import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { heading, launchConsoleBrowser, shoot, type ConsoleBrowser } from '../support/browser.js';
import { inviteByCli, PASSWORD } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The console in a real browser, used as a person would: Debian's Chromium (never a downloaded
 * one) driven by playwright-core. Elements are found by role and label, as a person or a screen
 * reader finds them, not by CSS selectors. Every main page is saved as a full-page screenshot at
 * 1280 and 390 pixels wide in test-results/screenshots/ (not committed) for a human look, and each
 * page's render time (Server-Timing) and size go to test-results/console-timings.json.
 *
 * It runs in the `processes` project (one file at a time): a browser is several processes and a
 * few hundred MB, and it should not compete with the parallel suite for the machine's two cores.
 */

let app: TestApp;
let browser: ConsoleBrowser;
/** Per page: server render time, the HTML's size, and what the browser transferred (assets come from its cache after the first page). */
const timings: Array<{ page: string; status: number; renderMs: number; htmlBytes: number; transferBytes: number }> = [];

/** A browser page that records Content-Security-Policy complaints (there must be none). */

/** Full-page screenshots at desktop and phone widths. */

/** Opens a page by URL, measuring what the server spent rendering it and what the browser downloaded. */
async function open(page: Page, path: string, name: string): Promise<void> {
  const response = await page.goto(app.baseUrl + path);
  const renderMs = Number(/render;dur=([\d.]+)/.exec(response?.headers()['server-timing'] ?? '')?.[1] ?? NaN);
  const htmlBytes = (await response!.body()).length;
  // Network bytes (headers included) of the document and everything it loaded; 0 for what came from the cache.
  const transferBytes = await page.evaluate(() =>
    performance.getEntries().reduce((sum, e) => sum + ('transferSize' in e ? Number((e as PerformanceResourceTiming).transferSize) : 0), 0),
  );
  timings.push({ page: name, status: response!.status(), renderMs, htmlBytes, transferBytes });
}


beforeAll(async () => {
  app = await startTestApp('console-browser');
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.browser.close();
  await app?.close();
  if (timings.length > 0) {
    writeFileSync(join(projectRoot(), 'test-results', 'console-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(timings.map((t) => `${t.page.padEnd(16)} ${String(t.status).padEnd(4)} render ${t.renderMs.toFixed(1).padStart(5)} ms  html ${String(t.htmlBytes).padStart(6)} B  transferred ${String(t.transferBytes).padStart(7)} B`).join('\n'));
  }
});

describe('the console in a browser', () => {
  it('takes an admin from an invitation to every page, signed out and in again', async () => {
    const invite = await inviteByCli(app, 'ana@infotep.example', 'infotep', 'admin');
    const page = await browser.newPage();

    await open(page, invite, 'invite (cold)');
    await expect(heading(page, 'Cree su cuenta').isVisible()).resolves.toBe(true);
    await shoot(page, 'invite');

    // A mistake first: the error summary takes the focus and links to the field.
    await page.getByLabel('Su nombre').fill('Ana Pérez');
    await page.getByLabel('Contraseña', { exact: true }).fill('corta');
    await page.getByLabel('Escriba la contraseña otra vez').fill('corta');
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('heading', { name: 'Hay un problema' }).isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    await shoot(page, 'invite-error');
    await summary.getByRole('link', { name: 'La contraseña debe tener al menos 12 caracteres' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');

    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(page, 'Inicio').waitFor();
    await expect(page.getByText('Sesión de Ana Pérez (ana@infotep.example), INFOTEP.').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await heading(page, 'Iniciar sesión').waitFor();
    await expect(page.getByRole('status').getByText('Cerró la sesión.').isVisible()).resolves.toBe(true);
    await shoot(page, 'sign-in');

    await page.getByLabel('Correo electrónico').fill('ana@infotep.example');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await heading(page, 'Inicio').waitFor();
    await open(page, '/console', 'home');
    await shoot(page, 'home');

    // Every section through the navigation, as a person clicks it.
    const nav = page.getByRole('navigation', { name: 'Secciones' });
    const sections: Array<[string, string]> = [
      ['Citas', 'appointments'],
      ['Solicitudes', 'requests'],
      ['Centros', 'centres'],
      ['Información de la ruta', 'facts'],
      ['Exportar', 'export'],
      ['Personas', 'users'],
      ['Registro de cambios', 'audit'],
    ];
    for (const [label, name] of sections) {
      await nav.getByRole('link', { name: label, exact: true }).click();
      await heading(page, label).waitFor();
      expect(await nav.getByRole('link', { name: label, exact: true }).getAttribute('aria-current')).toBe('page');
      await open(page, new URL(page.url()).pathname, name);
      await shoot(page, name);
    }

    // Invite a member of staff limited to one centre; the link is shown once.
    await page.goto(`${app.baseUrl}/console/users`);
    const form = page.getByRole('form', { name: 'Invitar a una persona' });
    await form.getByLabel('Correo electrónico de la persona').fill('luis@infotep.example');
    await form.getByRole('radio', { name: 'Personal' }).check();
    await form.getByRole('group', { name: '¿Qué centros podrá ver?' }).getByRole('checkbox').first().check();
    await form.getByRole('button', { name: 'Crear enlace de invitación' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Invitación creada' });
    const link = (await notice.locator('code').textContent())!.trim();
    expect(link).toMatch(/^https:\/\/ruta\.example\.org\/console\/invite\//);
    await shoot(page, 'users-invited');

    await page.getByRole('link', { name: 'English' }).click();
    await heading(page, 'People').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await shoot(page, 'users-en');
    await page.context().close();

    // The new member of staff: no admin pages in their navigation, a refusal if they type the address.
    const staff = await browser.newPage();
    await staff.goto(app.baseUrl + new URL(link).pathname);
    await staff.getByLabel('Su nombre').fill('Luis Gómez');
    await staff.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await staff.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await staff.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(staff, 'Inicio').waitFor();
    await expect(staff.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Personas' }).count()).resolves.toBe(0);
    await shoot(staff, 'home-staff');
    await open(staff, '/console/users', 'forbidden');
    await heading(staff, 'No tiene acceso a esta página').waitFor();
    await shoot(staff, 'forbidden');
    await staff.context().close();

    expect(browser.cspViolations).toEqual([]);
  });

  it('lets a keyboard user skip to the main content with Tab and Enter', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/console/sign-in`);
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Saltar al contenido principal');
    await shoot(page, 'skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // The next Tab reaches the form's first field, not the header again.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.context().close();
  });
});
