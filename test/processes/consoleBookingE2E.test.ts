import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCentres } from '../../src/booking/CentreDirectory.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { projectRoot } from '../../src/paths.js';
import { heading, launchConsoleBrowser, shoot, type ConsoleBrowser } from '../support/browser.js';
import { TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { inviteByCli, PASSWORD } from '../support/consoleClient.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

/**
 * A request from a worker to a centre that sets its own times, answered in the console, end to end:
 * a Haitian worker asks in Creole by SMS over the signed Twilio webhook for an assessment at an INFOTEP
 * centre of the real directory (no published hours: requests only) → a member of staff invited with
 * `ruta user invite` signs up and signs in in Debian's Chromium, finds the request in the queue and
 * confirms a time → the worker gets the confirmation in Creole through a fake Twilio REST API → on
 * the day, staff mark the worker attended and record the outcome → the booking's history shows
 * every step. Every main page is saved as a full-page screenshot (1280 and 390 px) in
 * test-results/screenshots/, and each page's render time goes to test-results/console-booking-timings.json.
 *
 * The app runs in-process on a clock the test holds (Friday 20 November 2026, 11:00 in Santo
 * Domingo, then Tuesday 24 at 11:30): the browser keeps the machine's clock, which no page depends on.
 */
const FRIDAY = Date.parse('2026-11-20T15:00:00Z');
const TUESDAY = Date.parse('2026-11-24T15:30:00Z');
const WORKER = '+18295550177';

let app: TestApp;
let twilio: FakeTwilio;
let browser: ConsoleBrowser;
const clock = { now: FRIDAY };
const timings: Array<{ page: string; status: number; renderMs: number; htmlBytes: number }> = [];
const ht = JSON.parse(readFileSync(join(projectRoot(), 'locales', 'ht', 'translation.json'), 'utf8')) as { booking: { byCentre: Record<string, string>; outcome: Record<string, string> } };



/** Opens a page by its address, keeping what the server spent rendering it. */
async function open(page: Page, path: string, name: string): Promise<void> {
  const response = await page.goto(app.baseUrl + path);
  const renderMs = Number(/render;dur=([\d.]+)/.exec(response?.headers()['server-timing'] ?? '')?.[1] ?? NaN);
  timings.push({ page: name, status: response!.status(), renderMs, htmlBytes: (await response!.body()).length });
}

/** What the fake Twilio accepted for the worker, as text. */
const toWorker = () => twilio.accepted.filter((m) => m.form.To === WORKER).map((m) => m.form.Body ?? '');
const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');

beforeAll(async () => {
  twilio = await startFakeTwilio();
  // The real directory with the samples (SAMPLE_CENTRES=with): INFOTEP's real centres have no hours in Ruta.
  app = await startTestApp('console-booking-e2e', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url, JOB_BACKOFF_MS: '40' }, undefined, {
    now: () => new Date(clock.now),
    centres: loadCentres(Catalog.load(), { samples: true }),
  });
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.browser.close();
  await app?.close();
  await twilio?.close();
  if (timings.length > 0) {
    writeFileSync(join(projectRoot(), 'test-results', 'console-booking-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(timings.map((t) => `${t.page.padEnd(18)} ${String(t.status).padEnd(4)} render ${t.renderMs.toFixed(1).padStart(5)} ms  html ${String(t.htmlBytes).padStart(6)} B`).join('\n'));
  }
});

describe('a request in Creole, answered in the console', () => {
  it('goes from the worker’s request to a confirmation in Creole, attendance, an outcome and the full history', async () => {
    // The worker, in Creole by SMS (so that messages days later need no WhatsApp template): appointments → in the DR → construction → mason → Higüey.
    const say = async (line: string) => text(await app.send(WORKER, line, { channel: 'sms' }));
    for (const line of ['Bonjou', '1', '3', '1', '1', '1']) await say(line);
    const centres = await say('Higuey');
    expect(centres).toMatch(/Sant ki pi pre yo pou Bòs mason:/);
    // The nearest INFOTEP centre without published hours (the real directory's; the sample has hours).
    const requestOnly = (await app.ruta.bookings.centres.ofInstitution('infotep')).filter((c) => !c.onboarded);
    const option = centres.split('\n').map((l) => /^(\d+)\. (.+?), a \d+ km/.exec(l)).find((m) => m && requestOnly.some((c) => m[2]!.startsWith(c.name)));
    expect(option, centres).toBeTruthy();
    const centre = requestOnly.find((c) => option![2]!.startsWith(c.name))!;
    expect(await say(option![1]!)).toContain(`Se ${centre.name} menm ki bay randevou yo`);
    expect(await say('madi maten')).toMatch(/premye non/i);
    expect(await say('Jean')).toMatch(/Tcheke demann ou:[\s\S]*Kilè ou ka ale:/);
    const sent = await say('1');
    expect(sent).toMatch(/Demann lan ale\. Kòd: \*?[A-Z0-9]{6}/);
    const code = /Kòd: \*?([A-Z0-9]{6})/.exec(sent)![1]!;
    expect(await app.ruta.bookings.get(code)).toMatchObject({ status: 'requested', centreId: centre.id, language: 'ht', firstName: 'Jean', preferences: { weekdays: ['tue'], parts: ['morning'] } });

    // Staff of that centre, invited from the command line, sign up in the browser.
    const invite = await inviteByCli(app, 'rosa@infotep.example', 'infotep', 'staff', [centre.id]);
    const page = await browser.newPage();
    await page.goto(app.baseUrl + invite);
    await page.getByLabel('Su nombre').fill('Rosa Díaz');
    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Escriba la contraseña otra vez').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await heading(page, 'Inicio').waitFor();
    await expect(page.getByRole('link', { name: '1 solicitud espera respuesta' }).isVisible()).resolves.toBe(true);
    await open(page, '/console', 'home (counts)');
    await shoot(page, 'e2e-home');

    // The queue: the request, with when Jean can go in plain words.
    await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Solicitudes', exact: true }).click();
    await heading(page, 'Solicitudes').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Jean' });
    await expect(row.getByText('martes, por la mañana').isVisible()).resolves.toBe(true);
    await open(page, '/console/requests', 'requests');
    await shoot(page, 'e2e-requests');

    await page.getByRole('row').filter({ hasText: 'Jean' }).getByRole('link', { name: /Responder/ }).click();
    await heading(page, `Solicitud ${code}`).waitFor();
    await open(page, `/console/requests/${code}`, 'request detail');
    await shoot(page, 'e2e-request-detail');

    // A mistake first: no time. The error summary takes the focus and keeps the day typed.
    const confirmForm = page.getByRole('form', { name: 'Confirmar una hora' });
    await confirmForm.getByLabel('Día').fill('2026-11-24');
    await confirmForm.getByRole('button', { name: 'Confirmar esta hora' }).click();
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('link', { name: 'Escriba la hora' }).isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    expect(await page.getByRole('form', { name: 'Confirmar una hora' }).getByLabel('Día').inputValue()).toBe('2026-11-24');
    await shoot(page, 'e2e-request-error');
    await summary.getByRole('link', { name: 'Escriba la hora' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirmTime');

    await page.getByRole('form', { name: 'Confirmar una hora' }).getByLabel('Hora', { exact: true }).fill('10:00');
    await page.getByRole('form', { name: 'Confirmar una hora' }).getByRole('button', { name: 'Confirmar esta hora' }).click();
    await heading(page, `Cita ${code}`).waitFor();
    await expect(page.getByRole('status').getByText('Hora confirmada. Se le avisó al trabajador.').isVisible()).resolves.toBe(true);

    // The worker is told, in Creole, through Twilio's REST API.
    const confirmed = fill(ht.booking.byCentre.confirmed!, { centre: centre.name, when: 'madi 24 novanm, 10:00', code });
    await eventually(() => toWorker().includes(confirmed), 10_000);

    // The day of the appointment: the session has run out meanwhile (8 hours idle), so Rosa signs in again.
    clock.now = TUESDAY;
    await page.goto(`${app.baseUrl}/console/appointments`);
    await heading(page, 'Iniciar sesión').waitFor();
    await page.getByLabel('Correo electrónico').fill('rosa@infotep.example');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await heading(page, 'Citas').waitFor();
    await expect(page.getByRole('table', { name: /^Hoy, martes, 24 de noviembre de 2026/ }).getByRole('row').filter({ hasText: 'Jean' }).getByText('Confirmada').isVisible()).resolves.toBe(true);
    await open(page, '/console/appointments', 'appointments');
    await shoot(page, 'e2e-appointments');

    await page.getByRole('row').filter({ hasText: 'Jean' }).getByRole('link', { name: /Abrir/ }).click();
    await heading(page, `Cita ${code}`).waitFor();
    await shoot(page, 'e2e-booking-confirmed');
    await page.getByRole('button', { name: 'Marcar que asistió' }).click();
    await expect(page.getByRole('status').getByText('Marcada: asistió.', { exact: false }).isVisible()).resolves.toBe(true);
    await page.getByRole('radio', { name: 'Competente', exact: true }).check();
    await page.getByRole('button', { name: 'Anotar el resultado' }).click();
    await expect(page.getByRole('status').getByText('Resultado anotado.', { exact: false }).isVisible()).resolves.toBe(true);
    await open(page, `/console/bookings/${code}`, 'booking detail');
    await shoot(page, 'e2e-booking-detail');

    // The history: every step, when and by whom.
    const history = (await page.locator('ol.history').innerText()).split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(history).toEqual([
      expect.stringMatching(/^20 nov 2026, 11:00 Solicitada por el trabajador$/),
      expect.stringMatching(/^20 nov 2026, 11:00 Confirmada por el centro · martes, 24 nov, 10:00$/),
      expect.stringMatching(/^24 nov 2026, 11:30 Marcada: asistió por el centro$/),
      expect.stringMatching(/^24 nov 2026, 11:30 Resultado anotado por el centro · Competente$/),
    ]);
    expect(await app.ruta.bookings.get(code)).toMatchObject({ status: 'attended', outcome: 'competent', history: [{ action: 'requested', by: 'worker' }, { action: 'confirmed', by: 'institution' }, { action: 'attended' }, { action: 'outcome', outcome: 'competent' }] });
    // The outcome reaches the worker in Creole too.
    const outcome = fill(ht.booking.byCentre.outcome!, { centre: centre.name, code, outcome: fill(ht.booking.outcome.competent!, { institution: 'INFOTEP' }) });
    await eventually(() => toWorker().includes(outcome), 10_000);
    // Never the worker's number on a console page.
    expect(await page.content()).not.toContain('5550177');
    await page.context().close();
    expect(browser.cspViolations).toEqual([]);
  });
});
