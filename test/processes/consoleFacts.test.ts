import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heading, launchConsoleBrowser, shoot, type ConsoleBrowser } from '../support/browser.js';
import { inviteByCli, newPerson, PASSWORD } from '../support/consoleClient.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

/**
 * The route facts pages in a real browser (Debian's Chromium through playwright-core, as in
 * consoleBrowser.test.ts): an admin publishes a fact as a person would, making a mistake first,
 * then withdraws it. Full-page screenshots at 1280 and 390 pixels go to test-results/screenshots/facts-*.png.
 */
/** The app's frozen clock: the day workers are told is 4 December 2026. */
const NOW = new Date('2026-12-04T15:00:00Z');

let app: TestApp;
let browser: ConsoleBrowser;




beforeAll(async () => {
  app = await startTestApp('console-facts', {}, undefined, { now: () => NOW });
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.browser.close();
  await app?.close();
});

describe('route facts in a browser', () => {
  it('lets an admin publish a fact in three languages, see what workers read, and withdraw it', async () => {
    // Steps published earlier (through the service, as the API does), to see a list in the table.
    await app.ruta.facts.publish('infotep', {
      name: 'steps',
      text: {
        es: ['Ve a una oficina de INFOTEP y pide la certificación de competencias.', 'Lleva las pruebas de tu experiencia.', 'Haz la evaluación práctica.'],
        en: ['Go to an INFOTEP office and ask for skills certification.', 'Bring proof of your experience.', 'Take the practical assessment.'],
        ht: ['Ale nan yon biwo INFOTEP epi mande sètifikasyon konpetans.', 'Pote prèv eksperyans ou.', 'Fè evalyasyon pratik la.'],
      },
      source: 'INFOTEP, Manual de certificación 2026',
    });
    const invite = await inviteByCli(app, 'ana@infotep.example', 'infotep', 'admin');
    const page = await browser.newPage();
    await page.goto(app.baseUrl + invite);
    await page.getByLabel('Su nombre').fill('Ana Pérez');
    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(page, 'Inicio').waitFor();

    await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Información de la ruta', exact: true }).click();
    await heading(page, 'Información de la ruta').waitFor();
    const costRow = page.getByRole('row', { name: /Costo/ });
    await expect(costRow.getByText('Desconocido').isVisible()).resolves.toBe(true);
    await shoot(page, 'facts-list');

    await page.getByRole('link', { name: 'Costo', exact: true }).click();
    await heading(page, 'Costo').waitFor();
    await shoot(page, 'facts-form');

    // A mistake first: Creole left empty, no source. The summary links to each field.
    const form = page.getByRole('form', { name: 'Publicar la versión de su institución' });
    await form.getByLabel('En español').fill('La evaluación es gratis para trabajadores.');
    await form.getByLabel('En inglés').fill('The assessment is free for workers.');
    await form.getByRole('button', { name: 'Publicar como confirmado por INFOTEP' }).click();
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('heading', { name: 'Hay un problema' }).isVisible()).resolves.toBe(true);
    await shoot(page, 'facts-form-error');
    await summary.getByRole('link', { name: 'Escriba el texto en criollo haitiano' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text-ht');

    await page.getByLabel('En criollo haitiano').fill('Evalyasyon an gratis pou travayè yo.');
    await page.getByLabel('Fuente').fill('Resolución 123/2026');
    await page.getByRole('button', { name: 'Publicar como confirmado por INFOTEP' }).click();
    await heading(page, 'Información de la ruta').waitFor();
    await expect(page.getByRole('status').getByText('Publicado: Costo').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /Costo/ }).getByText('Confirmado por INFOTEP').isVisible()).resolves.toBe(true);
    await shoot(page, 'facts-published');

    // What a worker now reads (over the real webhook).
    const replies = await app.chat('+18095551234', ['Hola', '1', '1', '1', 'albañil', '1'], { channel: 'whatsapp' });
    expect(text(replies.at(-1)!)).toContain('*Costo:* La evaluación es gratis para trabajadores.\nConfirmado por INFOTEP el 4 de diciembre de 2026');

    await page.getByRole('link', { name: 'English' }).click();
    await heading(page, 'Route facts').waitFor();
    await shoot(page, 'facts-list-en');
    await page.getByRole('link', { name: 'Español' }).click();
    await heading(page, 'Información de la ruta').waitFor();

    await page.getByRole('link', { name: 'Costo', exact: true }).click();
    await page.getByRole('link', { name: 'Retirar lo que publicó' }).click();
    await heading(page, '¿Retirar «Costo»?').waitFor();
    await shoot(page, 'facts-withdraw');
    await page.getByRole('button', { name: 'Sí, retirarlo' }).click();
    await heading(page, 'Información de la ruta').waitFor();
    await expect(page.getByRole('status').getByText(/Retirado: Costo/).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /Costo/ }).getByText('Desconocido').isVisible()).resolves.toBe(true);

    // Steps: the form starts from what workers read now, one step per line.
    await page.getByRole('link', { name: 'Pasos', exact: true }).click();
    await heading(page, 'Pasos').waitFor();
    expect(await page.getByLabel('En criollo haitiano').inputValue()).toBe('Ale nan yon biwo INFOTEP epi mande sètifikasyon konpetans.\nPote prèv eksperyans ou.\nFè evalyasyon pratik la.');
    await shoot(page, 'facts-form-steps');
    await page.context().close();

    // Staff read the facts but have no form.
    await newPerson(app, () => NOW, { email: 'luis@infotep.example', name: 'Luis', institution: 'infotep', role: 'staff' });
    const staff = await browser.newPage();
    await staff.goto(`${app.baseUrl}/console/sign-in`);
    await staff.getByLabel('Correo electrónico').fill('luis@infotep.example');
    await staff.getByLabel('Contraseña').fill(PASSWORD);
    await staff.getByRole('button', { name: 'Iniciar sesión' }).click();
    await heading(staff, 'Inicio').waitFor();
    await staff.goto(`${app.baseUrl}/console/facts/steps`);
    await heading(staff, 'Pasos').waitFor();
    await expect(staff.getByText('Solo las personas administradoras de su institución pueden publicar o retirar lo que leen los trabajadores.').isVisible()).resolves.toBe(true);
    await expect(staff.locator('textarea').count()).resolves.toBe(0);
    await shoot(staff, 'staff');
    await staff.context().close();
    expect(browser.cspViolations).toEqual([]);
  });
});
