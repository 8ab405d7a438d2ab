import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Centre } from '../../src/booking/centre.js';
import { heading, launchConsoleBrowser, shoot, type ConsoleBrowser } from '../support/browser.js';
import { newPerson, PASSWORD } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The centre pages in a real browser (Debian's Chromium through playwright-core, as in
 * consoleBrowser.test.ts): an admin opens a new centre, tries to offer instant booking and is told
 * what is missing, fills in the details, the weekly hours (a mistake first) and a closure, offers
 * instant booking and makes a calendar link. Full-page screenshots at 1280 and 390 pixels wide go to
 * test-results/screenshots/centre-*.png for a human look. The app runs on a frozen clock
 * (Friday 2026-11-20); the browser only displays what the server renders.
 */
const NOW = new Date('2026-11-20T12:00:00Z');

let app: TestApp;
let browser: ConsoleBrowser;




beforeAll(async () => {
  app = await startTestApp('console-centres-browser', {}, undefined, { now: () => NOW });
  const [sample] = await app.ruta.bookings.centres.ofInstitution('infotep');
  const laVega: Centre = { ...sample!, id: 'infotep-la-vega', name: 'INFOTEP La Vega', city: 'La Vega', address: null, phone: null, assesses: 'unknown', onboarded: false, availability: null, sample: false };
  await app.ruta.bookings.centres.save(laVega);
  await newPerson(app, () => NOW, { email: 'rosa@infotep.example', name: 'Rosa Díaz', institution: 'infotep', role: 'admin' });
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.browser.close();
  await app?.close();
});

describe('centre pages in a browser', () => {
  it('takes an admin from a new centre to instant booking and a calendar link', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/console/sign-in`);
    await page.getByLabel('Correo electrónico').fill('rosa@infotep.example');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await heading(page, 'Inicio').waitFor();

    await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Centros', exact: true }).click();
    await heading(page, 'Centros').waitFor();
    await shoot(page, 'centre-list', { noSideScroll: true });

    await page.getByRole('link', { name: 'INFOTEP La Vega' }).click();
    await heading(page, 'INFOTEP La Vega').waitFor();
    await shoot(page, 'centre-new', { noSideScroll: true });

    // Instant booking before anything is set: refused, with what is missing in the error summary.
    await page.getByRole('button', { name: 'Ofrecer reserva inmediata' }).click();
    const summary = page.getByRole('alert');
    await summary.getByRole('heading', { name: 'Hay un problema' }).waitFor();
    for (const missing of ['Falta la dirección del centro', 'Falta el horario semanal', 'Falta decir qué ocupaciones evalúa'])
      await expect(summary.getByRole('link', { name: missing }).isVisible()).resolves.toBe(true);
    await shoot(page, 'centre-onboard-refused', { noSideScroll: true });

    // The details, on their own page.
    await page.getByRole('link', { name: 'Cambiar los datos del centro' }).click();
    await heading(page, 'Datos de INFOTEP La Vega').waitFor();
    await page.getByLabel('Dirección').fill('Calle Duarte 12, La Vega');
    await page.getByLabel('Teléfono (opcional)').fill('809 573 0100');
    await page.getByRole('radio', { name: 'Todas las ocupaciones de INFOTEP' }).check();
    await shoot(page, 'centre-details-form', { noSideScroll: true });
    await page.getByRole('button', { name: 'Guardar los datos' }).click();
    await heading(page, 'INFOTEP La Vega').waitFor();
    await expect(page.getByRole('status').filter({ hasText: 'Datos guardados.' }).isVisible()).resolves.toBe(true);

    // The weekly hours: a mistake first (Monday closes before it opens), then the right times.
    await page.getByRole('link', { name: 'Cambiar el horario' }).click();
    await heading(page, 'Horario de INFOTEP La Vega').waitFor();
    await page.getByLabel('Duración de cada turno').selectOption('60');
    await page.getByLabel('Personas por turno').fill('2');
    for (const day of ['Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes']) {
      await page.getByLabel(`${day}: cerrado`).uncheck();
      await page.getByLabel(`${day}: Abre`, { exact: true }).fill('08:00');
      await page.getByLabel(`${day}: Cierra`, { exact: true }).fill('12:00');
    }
    await page.getByLabel('Lunes: Abre', { exact: true }).fill('13:00');
    await page.getByRole('button', { name: 'Guardar el horario' }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Lunes: la hora de cierre debe ser después de la de apertura' }).waitFor();
    expect(await page.getByLabel('Martes: Abre', { exact: true }).inputValue()).toBe('08:00');
    await shoot(page, 'centre-hours-error', { noSideScroll: true });
    await page.getByRole('alert').getByRole('link', { name: 'Lunes: la hora de cierre debe ser después de la de apertura' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mon-to');
    await page.getByLabel('Lunes: Abre', { exact: true }).fill('08:00');
    await page.getByLabel('Lunes: Abre de nuevo (opcional)').fill('13:00');
    await page.getByLabel('Lunes: Cierra de nuevo (opcional)').fill('16:00');
    await page.getByRole('button', { name: 'Guardar el horario' }).click();
    await heading(page, 'INFOTEP La Vega').waitFor();
    await expect(page.getByText('Lunes 08:00–12:00 y 13:00–16:00').isVisible()).resolves.toBe(true);

    // A closure.
    await page.getByRole('link', { name: 'Ver, añadir o quitar cierres' }).click();
    await heading(page, 'Cierres de INFOTEP La Vega').waitFor();
    await page.getByLabel('Primer día cerrado').fill('24/12/2026');
    await page.getByLabel('Último día cerrado (opcional)').fill('26/12/2026');
    await page.getByLabel('Motivo').fill('Navidad');
    await page.getByRole('button', { name: 'Añadir el cierre' }).click();
    await page.getByRole('status').filter({ hasText: 'Cierre añadido.' }).waitFor();
    await expect(page.getByRole('row', { name: /Navidad/ }).isVisible()).resolves.toBe(true);
    await shoot(page, 'centre-closures', { noSideScroll: true });

    // Instant booking, now that everything is set.
    await page.getByRole('link', { name: 'Volver a INFOTEP La Vega' }).click();
    await page.getByRole('button', { name: 'Ofrecer reserva inmediata' }).click();
    await page.getByRole('status').filter({ hasText: 'El centro ya ofrece reserva inmediata.' }).waitFor();
    const onboarded = await app.ruta.bookings.centres.get('infotep-la-vega');
    expect(onboarded?.onboarded).toBe(true);
    expect((await app.ruta.bookings.freeSlots(onboarded!))[0]?.local).toBe('2026-11-23T08:00');

    // The calendar link, shown once.
    await page.getByRole('button', { name: 'Crear un enlace' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Enlace del calendario creado' });
    const link = (await notice.locator('code').textContent())!.trim();
    expect(link).toMatch(/^https:\/\/ruta\.example\.org\/calendar\/infotep-la-vega\/[A-Za-z0-9_-]{43}\.ics$/);
    const feed = await fetch(app.baseUrl + new URL(link).pathname);
    expect(feed.status).toBe(200);
    await shoot(page, 'centre-onboarded', { noSideScroll: true });

    // The same page in English.
    await page.getByRole('link', { name: 'English' }).click();
    await heading(page, 'INFOTEP La Vega').waitFor();
    await expect(page.getByRole('button', { name: 'Stop instant booking' }).isVisible()).resolves.toBe(true);
    await shoot(page, 'centre-onboarded-en', { noSideScroll: true });
    await page.context().close();

    // Staff see the centre and may change its hours and closures, not its details, instant booking or calendar link.
    await newPerson(app, () => NOW, { email: 'luis@infotep.example', name: 'Luis Gómez', institution: 'infotep', role: 'staff', centres: ['infotep-la-vega'] });
    const staff = await browser.newPage();
    await staff.goto(`${app.baseUrl}/console/sign-in`);
    await staff.getByLabel('Correo electrónico').fill('luis@infotep.example');
    await staff.getByLabel('Contraseña').fill(PASSWORD);
    await staff.getByRole('button', { name: 'Iniciar sesión' }).click();
    await heading(staff, 'Inicio').waitFor();
    await staff.goto(`${app.baseUrl}/console/centres/infotep-la-vega`);
    await expect(staff.getByRole('link', { name: 'Cambiar el horario' }).isVisible()).resolves.toBe(true);
    await expect(staff.getByRole('link', { name: 'Cambiar los datos del centro' }).count()).resolves.toBe(0);
    await expect(staff.getByRole('button', { name: 'Desactivar la reserva inmediata' }).count()).resolves.toBe(0);
    await shoot(staff, 'staff');
    await staff.context().close();
    expect(browser.cspViolations).toEqual([]);
  });

  it('shows which appointment an hours change would strand', async () => {
    const booked = await app.ruta.bookings.book({
      pid: 'pid-browser-1', centreId: 'infotep-santo-domingo', occupation: 'mason', standard: { institution: 'infotep', code: null },
      channel: 'sms', contact: null, via: null, firstName: 'Marta', language: 'es', prescreen: null, local: '2026-11-23T09:00',
    });
    expect(booked.ok).toBe(true);
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/console/sign-in`);
    await page.getByLabel('Correo electrónico').fill('rosa@infotep.example');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await heading(page, 'Inicio').waitFor();
    await page.goto(`${app.baseUrl}/console/centres/infotep-santo-domingo/hours`);
    await page.getByLabel('Lunes: Abre', { exact: true }).fill('');
    await page.getByLabel('Lunes: Cierra', { exact: true }).fill('');
    await page.getByLabel('Lunes: Abre de nuevo (opcional)').fill('');
    await page.getByLabel('Lunes: Cierra de nuevo (opcional)').fill('');
    await page.getByLabel('Lunes: cerrado').check();
    await page.getByRole('button', { name: 'Guardar el horario' }).click();
    await page.getByRole('heading', { name: 'Citas afectadas' }).waitFor();
    await expect(page.getByRole('row', { name: /Fuera del nuevo horario/ }).isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain('Marta');
    await shoot(page, 'centre-hours-conflict', { noSideScroll: true });
    await page.context().close();
  });
});
