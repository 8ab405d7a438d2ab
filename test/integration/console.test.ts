import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSimulatedNumber } from '../../src/channels/simulatedNumber.js';
import { CentreDirectory, loadCentres } from '../../src/booking/CentreDirectory.js';
import { Audit } from '../../src/console/Audit.js';
import { Accounts } from '../../src/console/accounts/Accounts.js';
import { SECTIONS } from '../../src/console/ui/sections.js';
import { bookByChat, BOOK_MASON_ES } from '../support/bookingJourney.js';
import { ConsoleClient, inviteByCli, newPerson, PASSWORD, visibleText } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { REDIS_ENV } from '../support/redis.js';
import { runCli } from '../../src/tools/rutaCli.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import express from 'express';
import { consoleRoutes } from '../../src/console/consoleRoutes.js';
import { createI18n } from '../../src/i18n.js';
import { createLogger } from '../../src/log.js';

/** The app's clock: the machine's, moved by `offsetMs` (sessions and invitations are judged on it). */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
const HOUR = 3600_000;
let app: TestApp;
let seq = 0;
const email = (who: string) => `${who}.${++seq}@example.org`;

/** `npx ruta …` in-process, on this app's Redis prefix. */
async function cli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env: { ...REDIS_ENV, REDIS_PREFIX: app.prefix } });
  return { code, out, err };
}

beforeAll(async () => {
  app = await startTestApp('console', {}, undefined, { now: clock.now });
  // A second INFOTEP centre, so that "limited to one centre" means something.
  const directory = app.ruta.bookings.centres;
  const [first] = await directory.ofInstitution('infotep');
  await directory.save({ ...first!, id: 'infotep-santiago', name: 'INFOTEP Regional Norte', city: 'Santiago de los Caballeros', location: { lat: 19.45, lon: -70.69, precision: 'city' }, onboarded: false, availability: null, assesses: 'unknown', sample: false });
});
afterAll(async () => {
  await app.close();
});
afterEach(() => {
  clock.offsetMs = 0;
});

describe('console invitations', () => {
  it('lets an invitation link be used once, then answers with a kind page', async () => {
    const path = await inviteByCli(app, email('ana'), 'infotep', 'admin');
    expect(path).toMatch(/^\/console\/invite\/[A-Za-z0-9_-]{43}$/);
    const ana = new ConsoleClient(app.baseUrl);
    const form = await ana.get(path);
    expect(form.status).toBe(200);
    expect(visibleText(form.html)).toContain('Cree su cuenta');
    const joined = await ana.post(path, { name: 'Ana Pérez', password: PASSWORD, confirm: PASSWORD });
    expect(joined).toMatchObject({ status: 303, location: '/console' });
    expect(visibleText((await ana.get('/console')).html)).toContain('Sesión de Ana Pérez');

    const again = new ConsoleClient(app.baseUrl);
    const used = await again.get(path);
    expect(used.status).toBe(410);
    expect(visibleText(used.html)).toContain('Este enlace ya no sirve');
    // Posting to it again (with a fresh form token) does not create or change anything either.
    const reused = await again.post(path, { name: 'Intruso', password: 'otra frase larga de prueba', confirm: 'otra frase larga de prueba' }, '/console/sign-in');
    expect(reused.status).toBe(410);
  });

  it('lists and disables accounts from the command line, refusing what it cannot do', async () => {
    const who = email('cli');
    await newPerson(app, clock.now, { email: who, name: 'Cli', institution: 'inadeh', role: 'staff' });
    const listed = await cli(['user', 'list', '--institution', 'inadeh']);
    expect(JSON.parse(listed.out.trim().split('\n')[0]!)).toMatchObject({ email: who, name: 'Cli', role: 'staff', centres: 'all', disabled: false });
    expect(listed.out).not.toContain('scrypt');
    expect((await cli(['user', 'disable', '--email', who.toUpperCase()])).code).toBe(0);
    expect(JSON.parse((await cli(['user', 'list', '--institution', 'inadeh'])).out)).toMatchObject({ disabled: true });
    expect((await cli(['user', 'disable', '--email', 'nobody@example.org'])).code).toBe(1);
    expect((await cli(['user', 'invite', '--institution', 'nowhere', '--role', 'admin', '--email', 'a@example.org'])).code).toBe(2);
    expect((await cli(['user', 'invite', '--institution', 'infotep', '--role', 'boss', '--email', 'a@example.org'])).code).toBe(2);
    const wrongCentre = await cli(['user', 'invite', '--institution', 'infotep', '--role', 'staff', '--email', 'a@example.org', '--centre', 'ina-san-jose']);
    expect(wrongCentre).toMatchObject({ code: 2, err: expect.stringContaining('Not centres of infotep: ina-san-jose') });
  });

  it('expires an invitation 72 hours after it was made, on the app clock', async () => {
    const path = await inviteByCli(app, email('luis'), 'infotep', 'staff');
    clock.offsetMs = 71 * HOUR;
    expect((await new ConsoleClient(app.baseUrl).get(path)).status).toBe(200);
    clock.offsetMs = 73 * HOUR;
    expect((await new ConsoleClient(app.baseUrl).get(path)).status).toBe(410);
  });

  it('refuses a short or common password and different confirmations, with an error summary linking to the field', async () => {
    const path = await inviteByCli(app, email('eva'), 'infotep', 'staff');
    const eva = new ConsoleClient(app.baseUrl);
    const short = await eva.post(path, { name: 'Eva', password: 'corta', confirm: 'corta' });
    expect(short.status).toBe(400);
    expect(short.html).toContain('<a href="#password">La contraseña debe tener al menos 12 caracteres</a>');
    expect(short.html).toMatch(/class="error-summary" role="alert"[^>]*autofocus/);
    const common = await eva.post(path, { name: 'Eva', password: 'Qwertyuiopasdfghjkl', confirm: 'Qwertyuiopasdfghjkl' });
    expect(visibleText(common.html)).toContain('Esa contraseña es muy común');
    const different = await eva.post(path, { name: '', password: PASSWORD, confirm: `${PASSWORD}!` });
    expect(different.html).toContain('<a href="#name">Escriba su nombre</a>');
    expect(different.html).toContain('<a href="#confirm">Las dos contraseñas no son iguales</a>');
    // Still usable after mistakes.
    expect((await eva.post(path, { name: 'Eva', password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
  });
});

describe('console sign-in', () => {
  it('gives the same answer to a wrong password and to an unknown e-mail', async () => {
    const known = email('rosa');
    await newPerson(app, clock.now, { email: known, name: 'Rosa', institution: 'infotep', role: 'staff' });
    const unknown = email('nadie');
    const wrong = await new ConsoleClient(app.baseUrl).signIn(known, 'no es la contraseña');
    const nobody = await new ConsoleClient(app.baseUrl).signIn(unknown, 'no es la contraseña');
    const normal = (html: string, e: string) => html.replace(/name="_csrf" value="[^"]+"/, '').replace(e, 'EMAIL');
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(wrong.status);
    expect(normal(nobody.html, unknown)).toBe(normal(wrong.html, known));
    expect(visibleText(wrong.html)).toContain('El correo electrónico o la contraseña no son correctos');
  });

  it('locks an account after 5 failed sign-ins, even for the right password', async () => {
    const who = email('pedro');
    await newPerson(app, clock.now, { email: who, name: 'Pedro', institution: 'infotep', role: 'staff' });
    const pedro = new ConsoleClient(app.baseUrl);
    for (let i = 0; i < 5; i++) expect((await pedro.signIn(who, `mal ${i} contraseña larga`)).status).toBe(401);
    const locked = await pedro.signIn(who, PASSWORD);
    expect(locked.status).toBe(429);
    expect(visibleText(locked.html)).toMatch(/Demasiados intentos\. Espere 1[45] minutos/);
    // Someone else at the same desk is not locked out by it.
    const other = email('otra');
    await newPerson(app, clock.now, { email: other, name: 'Otra', institution: 'infotep', role: 'staff' });
    expect((await new ConsoleClient(app.baseUrl).signIn(other, PASSWORD)).status).toBe(303);
  });

  it('goes back to a local console page after sign-in, never to another site', async () => {
    const who = email('mia');
    await newPerson(app, clock.now, { email: who, name: 'Mia', institution: 'infotep', role: 'admin' });
    const redirect = await new ConsoleClient(app.baseUrl).get('/console/users');
    expect(redirect).toMatchObject({ status: 303, location: '/console/sign-in?next=%2Fconsole%2Fusers' });
    expect((await new ConsoleClient(app.baseUrl).signIn(who, PASSWORD, '/console/users')).location).toBe('/console/users');
    for (const evil of ['https://evil.example/console', '//evil.example/console', '/console/../../evil', '/console/%2e%2e/x', '/\\evil.example', '/consolex'])
      expect((await new ConsoleClient(app.baseUrl).signIn(who, PASSWORD, evil)).location, evil).toBe('/console');
  });

  it('refuses a form posted without its CSRF token with a kind 403 page', async () => {
    const who = email('ivan');
    const ivan = await newPerson(app, clock.now, { email: who, name: 'Iván', institution: 'infotep', role: 'admin' });
    const refused = await ivan.post('/console/sign-out', {}, false);
    expect(refused.status).toBe(403);
    expect(visibleText(refused.html)).toContain('No pudimos guardar el formulario');
    expect((await ivan.get('/console')).status).toBe(200);
    const invite = await ivan.post('/console/users/invite', { email: email('x'), role: 'staff', _csrf: 'forged' }, false);
    expect(invite.status).toBe(403);
    expect((await new ConsoleClient(app.baseUrl).post('/console/sign-in', { email: who, password: PASSWORD }, false)).status).toBe(403);
  });

  it('sends a session idle for 8 hours, or 12 hours old, to sign-in', async () => {
    const who = email('sara');
    const sara = await newPerson(app, clock.now, { email: who, name: 'Sara', institution: 'infotep', role: 'admin' });
    clock.offsetMs = 7 * HOUR;
    expect((await sara.get('/console/users')).status).toBe(200);
    clock.offsetMs = 15 * HOUR + 1000;
    const idle = await sara.get('/console/users');
    expect(idle).toMatchObject({ status: 303, location: '/console/sign-in?next=%2Fconsole%2Fusers&expired=1' });
    expect(visibleText((await sara.get(idle.location!)).html)).toContain('Su sesión terminó');

    clock.offsetMs = 0;
    const tomas = await newPerson(app, clock.now, { email: email('tomas'), name: 'Tomás', institution: 'infotep', role: 'staff' });
    for (const hours of [4, 8, 11]) {
      clock.offsetMs = hours * HOUR;
      expect((await tomas.get('/console')).status, `${hours} h`).toBe(200);
    }
    clock.offsetMs = 12 * HOUR + 1000;
    expect((await tomas.get('/console')).status).toBe(303);
  });

  it('ends the session at sign-out: the old cookie no longer opens anything', async () => {
    const who = email('leo');
    const leo = await newPerson(app, clock.now, { email: who, name: 'Leo', institution: 'infotep', role: 'staff' });
    const old = new Map(leo.cookies);
    const out = await leo.signOut();
    expect(out).toMatchObject({ status: 303, location: '/console/sign-in?signedOut=1' });
    expect(leo.cookies.has('ruta.sid')).toBe(false);
    const replay = new ConsoleClient(app.baseUrl);
    for (const [k, v] of old) replay.cookies.set(k, v);
    expect((await replay.get('/console')).status).toBe(303);
  });

  it('gives each sign-in a new session id', async () => {
    const who = email('noa');
    await newPerson(app, clock.now, { email: who, name: 'Noa', institution: 'infotep', role: 'staff' });
    const noa = new ConsoleClient(app.baseUrl);
    await noa.get('/console/sign-in');
    const before = noa.cookies.get('ruta.sid');
    expect(before).toBeDefined();
    await noa.signIn(who, PASSWORD);
    expect(noa.cookies.get('ruta.sid')).not.toBe(before);
  });
});

describe('console access', () => {
  it('keeps staff out of the admin pages', async () => {
    const staff = await newPerson(app, clock.now, { email: email('juan'), name: 'Juan', institution: 'infotep', role: 'staff' });
    for (const path of ['/console/users', '/console/audit']) {
      const page = await staff.get(path);
      expect(page.status, path).toBe(403);
      expect(visibleText(page.html)).toContain('No tiene acceso a esta página');
    }
    expect((await staff.post('/console/users/invite', { email: email('z'), role: 'admin' }, '/console')).status).toBe(403);
    expect(visibleText((await staff.get('/console')).html)).not.toContain('Registro de cambios');
  });

  it('shows staff limited to one centre only that centre, and no other institution any', async () => {
    const limited = await newPerson(app, clock.now, { email: email('ines'), name: 'Inés', institution: 'infotep', role: 'staff', centres: ['infotep-santiago'] });
    const home = visibleText((await limited.get('/console')).html);
    expect(home).toContain('INFOTEP Regional Norte');
    expect(home).not.toContain('INFOTEP Santo Domingo');
    expect((await limited.get('/console/centres/infotep-santiago')).status).toBe(200);
    const defaultCentre = loadCentres(app.ruta.catalog, { samples: true }).filter((c) => c.sample).find((c) => c.institution === 'infotep')!;
    const ina = loadCentres(app.ruta.catalog, { samples: true }).filter((c) => c.sample).find((c) => c.institution === 'ina')!;
    expect((await limited.get(`/console/centres/${defaultCentre.id}`)).status).toBe(404);
    const all = await newPerson(app, clock.now, { email: email('todo'), name: 'Todo', institution: 'infotep', role: 'staff' });
    expect((await all.get(`/console/centres/${defaultCentre.id}`)).status).toBe(200);
    expect((await all.get(`/console/centres/${ina.id}`)).status).toBe(404);
    expect((await all.get('/console/centres/no-such-centre')).status).toBe(404);
  });

  it('lets an admin invite (the link shown once) and disable, each change in the audit log', async () => {
    const admin = await newPerson(app, clock.now, { email: email('jefa'), name: 'Jefa', institution: 'infotep', role: 'admin' });
    const newcomer = email('nuevo');
    const made = await admin.post('/console/users/invite', { email: newcomer.toUpperCase(), role: 'staff', centres: ['infotep-santiago'] });
    expect(made).toMatchObject({ status: 303, location: '/console/users' });
    const shown = await admin.get('/console/users');
    const link = /https:\/\/ruta\.example\.org(\/console\/invite\/[A-Za-z0-9_-]{43})/.exec(shown.html)?.[1];
    expect(link).toBeDefined();
    expect((await admin.get('/console/users')).html).not.toContain(link!);
    const joiner = new ConsoleClient(app.baseUrl);
    expect((await joiner.post(link!, { name: 'Nuevo', password: PASSWORD, confirm: PASSWORD })).status).toBe(303);

    const accounts = new Accounts(app.ruta.store, clock.now);
    const joined = await accounts.byEmail(newcomer);
    expect(joined).toMatchObject({ role: 'staff', centres: ['infotep-santiago'], institution: 'infotep' });
    expect((await admin.post(`/console/users/${joined!.id}/disable`, {}, '/console/users')).status).toBe(303);
    expect((await joiner.get('/console')).status).toBe(303);
    const audit = visibleText((await admin.get('/console/audit')).html);
    for (const action of ['user.invite', 'user.join', 'user.disable']) expect(audit).toContain(action);

    // Another institution's admin cannot disable INFOTEP's people (it answers like a missing account).
    const ina = await newPerson(app, clock.now, { email: email('ina'), name: 'INA', institution: 'ina', role: 'admin' });
    const jefa = (await accounts.list('infotep')).find((u) => u.name === 'Jefa')!;
    expect((await ina.post(`/console/users/${jefa.id}/disable`, {}, '/console/users')).status).toBe(404);
    expect(visibleText((await ina.get('/console/users')).html)).not.toContain('Jefa');
  });

  it('sends the CSP and the other security headers on every page', async () => {
    const anyone = new ConsoleClient(app.baseUrl);
    for (const path of ['/console/sign-in', '/console', '/console/nothing-here']) {
      const res = await anyone.get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"])
        expect(csp, `${path}: ${directive}`).toContain(directive);
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    const page = await anyone.get('/console/sign-in');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.getSetCookie().join()).toMatch(/ruta\.sid=.*HttpOnly; SameSite=Lax/);
    // No inline script or style anywhere in the markup.
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    const css = await fetch(`${app.baseUrl}/console/assets/pico.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('switches the language with a link and a cookie', async () => {
    const anyone = new ConsoleClient(app.baseUrl);
    const switched = await anyone.get('/console/lang/en?next=%2Fconsole%2Fsign-in');
    expect(switched).toMatchObject({ status: 303, location: '/console/sign-in' });
    const page = await anyone.get('/console/sign-in');
    expect(page.html).toContain('<html lang="en"');
    expect(visibleText(page.html)).toContain('Sign in');
    expect((await anyone.get('/console/lang/en?next=https%3A%2F%2Fevil.example')).location).toBe('/console');
  });

  it('renders no phone number on any page, even with a booking and a number in the audit log', async () => {
    const number = '+18095550147';
    // Two INFOTEP centres here: the nearest (the sample in Santo Domingo) is chosen, then its first slot.
    await bookByChat(app, number, ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', '1', '0', '1']);
    await new Audit(app.ruta.store, clock.now).record({ who: 'test', institution: 'infotep', action: 'booking.note', target: 'ABC123', before: null, after: { note: `llamar al ${number}` } });
    const admin = await newPerson(app, clock.now, { email: email('ver'), name: 'Ver', institution: 'infotep', role: 'admin' });
    const paths = [...SECTIONS.filter((s) => (s.roles as readonly string[]).includes('admin')).map((s) => s.path), '/console/centres/infotep-santiago'];
    // Coordinators' pages (the analytics dashboard), seen by a coordinator of every country.
    const coordinator = await newPerson(app, clock.now, { email: email('coord'), name: 'Coord', institution: 'infotep', role: 'coordinator', countries: 'all' });
    const coordinatorPaths: string[] = SECTIONS.filter((s) => !(s.roles as readonly string[]).includes('admin')).map((s) => s.path);
    expect(coordinatorPaths).toContain('/console/analytics');
    const digits = number.slice(1);
    for (const path of [...paths, ...coordinatorPaths]) {
      const page = await (coordinatorPaths.includes(path) ? coordinator : admin).get(path);
      expect(page.status, path).toBe(200);
      // Times such as 2026-03-02T10:00:00.000Z (in the audit log's summaries) are not phone numbers.
      // The simulator shows the person's own simulated number, which no person can have (isSimulatedNumber).
      const text = visibleText(page.html)
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '')
        .replace(/\+\d{6,15}/g, (n) => (isSimulatedNumber(n, app.ruta.catalog) ? '' : n));
      expect(page.html.includes(digits) || /\+?\d[\d\s().-]{8,}\d/.test(text), path).toBe(false);
    }
    expect(visibleText((await admin.get('/console/audit')).html)).toContain('llamar al [phone]');
  });
});

describe('console behind the TLS proxy (production settings)', () => {
  it('sends the Secure cookie over forwarded https and counts sign-in failures per forwarded address', async () => {
    const { redis, prefix } = app;
    const centres = new CentreDirectory(app.ruta.catalog, app.ruta.store, loadCentres(app.ruta.catalog, { samples: true }));
    const root = express();
    root.set('trust proxy', false);
    // The console as production builds it: Secure cookie, HSTS, trusting only a proxy on this machine.
    const production = { production: true, publicUrl: 'https://ruta.example.org', webhook: { authToken: 'a'.repeat(32), accountSid: undefined, rutaNumber: undefined }, isSimulatedContact: () => false, sessionSecrets: ['s'.repeat(43)], trustProxy: 'loopback' };
    root.use('/console', consoleRoutes({ store: app.ruta.store, redis, prefix, catalog: app.ruta.catalog, i18n: await createI18n(), centres, bookings: app.ruta.bookings, facts: app.ruta.facts, calendarLinks: app.ruta.calendarLinks, analytics: app.ruta.analytics.reader, now: clock.now, log: createLogger('silent'), ...production }));
    const server = await new Promise<Server>((resolve) => {
      const s = root.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const https = await fetch(`${base}/console/sign-in`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers.getSetCookie().join()).toMatch(/ruta\.sid=.*; Secure/);
      expect(https.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
      expect(https.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      // Plain http (the proxy did not say https): express-session refuses to send a Secure cookie.
      expect((await fetch(`${base}/console/sign-in`)).headers.getSetCookie()).toEqual([]);

      // 50 failures from one forwarded address lock that address; another address behind the same proxy is not locked.
      const who = email('proxy');
      await newPerson(app, clock.now, { email: who, name: 'Proxy', institution: 'infotep', role: 'staff' });
      const attempt = async (ip: string, address: string, password: string) => {
        const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': ip };
        const page = await fetch(`${base}/console/sign-in`, { headers });
        const cookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
        const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
        const res = await fetch(`${base}/console/sign-in`, { method: 'POST', redirect: 'manual', headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email: address, password }) });
        return res.status;
      };
      for (let i = 0; i < 50; i++) await attempt('203.0.113.7', `nobody${i}@example.org`, 'una contraseña mala');
      expect(await attempt('203.0.113.7', who, PASSWORD)).toBe(429);
      expect(await attempt('198.51.100.9', who, PASSWORD)).toBe(303);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
