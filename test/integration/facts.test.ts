import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../../api/openapi.json' with { type: 'json' };
import { Audit } from '../../src/console/Audit.js';
import { bookByChat, BOOK_MASON_ES } from '../support/bookingJourney.js';
import { newPerson, visibleText, type ConsoleClient } from '../support/consoleClient.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

/**
 * Issue 10: route facts an institution publishes (console and API) replace Ruta's research in the
 * worker's route answer, with who confirmed them and when; withdrawing brings the research back.
 * The clock is frozen: 4 December 2026, 15:00 UTC (11:00 in Santo Domingo).
 */
const NOW = new Date('2026-12-04T15:00:00Z');
let app: TestApp;
let admin: ConsoleClient;
let staff: ConsoleClient;

interface ApiResponse extends Response {
  json(): Promise<any>;
}
const api = (path: string, token: string | undefined, init: RequestInit = {}): Promise<ApiResponse> =>
  fetch(`${app.baseUrl}/api/v1${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema(openapi, 'openapi.json');
/** Fails with the validator's words when an answer is not what api/openapi.json says for that path and method. */
function documented(path: '/facts' | '/facts/{name}', method: 'get' | 'put' | 'delete', body: unknown): void {
  const validate = ajv.getSchema(`openapi.json#/paths/${path.replaceAll('/', '~1')}/${method}/responses/200/content/application~1json/schema`)!;
  expect(validate, `a schema for ${method} ${path}`).toBeDefined();
  expect(validate(body) ? [] : validate.errors, `${method} ${path} matches api/openapi.json`).toEqual([]);
}

let n = 0;
/** A fresh Dominican WhatsApp sender (WhatsApp keeps accents; SMS folds them). */
const phone = () => `+1809${String(7000000 + ++n)}`;
const TRADE = { es: ['Hola', 'albañil'], en: ['Hi', 'mason'], ht: ['Bonjou', 'bòs mason'] } as const;
/**
 * The route answer a new worker gets for the mason's trade in the Dominican Republic, as one text
 * (the short answer), or one of its details asked from its menu (3 steps, 4 documents and without papers).
 */
async function routeAnswer(lang: 'es' | 'en' | 'ht', detail?: '3' | '4'): Promise<string> {
  const [greeting, trade] = TRADE[lang];
  const replies = await app.chat(phone(), [greeting, '1', '1', '1', trade, '1', ...(detail ? [detail] : [])], { channel: 'whatsapp' });
  return text(replies.at(-1)!);
}

const COST = {
  es: 'La evaluación es gratis para trabajadores.',
  en: 'The assessment is free for workers.',
  ht: 'Evalyasyon an gratis pou travayè yo.',
  source: 'Resolución 123/2026',
};

beforeAll(async () => {
  app = await startTestApp('facts', {}, undefined, { now: () => NOW });
  admin = await newPerson(app, () => NOW, { email: 'ana@infotep.example', name: 'Ana', institution: 'infotep', role: 'admin' });
  staff = await newPerson(app, () => NOW, { email: 'luis@infotep.example', name: 'Luis', institution: 'infotep', role: 'staff' });
});
afterAll(async () => {
  await app.close();
});

describe('route facts in the console', () => {
  it('lets an admin publish a fact that workers then read with who confirmed it (es and ht), and withdraw it', async () => {
    const before = await routeAnswer('es');
    expect(before).toMatch(/\*Pregunta a INFOTEP:\* documentos, sin papeles, costo, duración y validez\./); // the steps are researched (DO.md)
    expect(before).not.toContain('Confirmado por');

    const list = visibleText((await admin.get('/console/facts')).html);
    expect(list).toContain('Costo Nada todavía. Desconocido Se les dice que pregunten a INFOTEP.');
    const form = await admin.get('/console/facts/cost');
    expect(form.status).toBe(200);
    expect(form.html).toContain('<textarea id="text-ht" name="ht"');

    const published = await admin.post('/console/facts/cost', COST);
    expect(published).toMatchObject({ status: 303, location: '/console/facts' });
    const after = visibleText((await admin.get('/console/facts')).html);
    expect(after).toContain('Publicado: Costo');
    expect(after).toContain('«Confirmado por INFOTEP el 4 de diciembre de 2026»');
    expect(after).toContain(`Costo ${COST.es} Confirmado por INFOTEP El 4 de diciembre de 2026. Fuente: Resolución 123/2026`);
    // The notice is shown once.
    expect(visibleText((await admin.get('/console/facts')).html)).not.toContain('Publicado: Costo');

    const es = await routeAnswer('es');
    expect(es).toContain(`*Costo:* ${COST.es}\nConfirmado por INFOTEP el 4 de diciembre de 2026`);
    expect(es).toMatch(/\*Pregunta a INFOTEP:\* documentos, sin papeles, duración y validez\./);
    expect(es).toContain('Resolución 123/2026');
    const ht = await routeAnswer('ht');
    expect(ht).toContain(`*Pri:* ${COST.ht}\nKonfime pa INFOTEP jou 4 desanm 2026`);
    expect(ht).not.toContain(COST.es);

    // Withdraw: a confirm step first, then the researched fact (here: unknown) again.
    const confirm = await admin.get('/console/facts/cost/withdraw');
    expect(visibleText(confirm.html)).toContain('¿Retirar «Costo»? A los trabajadores se les dirá que no se conoce y que pregunten a INFOTEP.');
    expect(await admin.post('/console/facts/cost/withdraw', {})).toMatchObject({ status: 303, location: '/console/facts' });
    expect(visibleText((await admin.get('/console/facts')).html)).toContain('Retirado: Costo.');
    expect(await routeAnswer('es')).toBe(before); // the same answer as before publishing
    expect((await admin.get('/console/facts/cost/withdraw')).status).toBe(404); // nothing left to withdraw

    const entries = await new Audit(app.ruta.store, () => NOW).recent('infotep');
    const publish = entries.find((e) => e.action === 'fact.publish' && e.target === 'cost');
    expect(publish).toMatchObject({
      who: 'ana@infotep.example',
      before: { status: 'unknown', text: null, source: null },
      after: { status: 'confirmed', text: { es: COST.es, en: COST.en, ht: COST.ht }, source: COST.source },
    });
    expect(entries.find((e) => e.action === 'fact.withdraw' && e.target === 'cost')).toMatchObject({ who: 'ana@infotep.example', before: { status: 'confirmed' }, after: { status: 'unknown' } });
    expect(visibleText((await admin.get('/console/audit')).html)).toContain('fact.publish');
  });

  it('replaces a researched fact and restores it when withdrawn (INA, Costa Rica)', async () => {
    const inaAdmin = await newPerson(app, () => NOW, { email: 'eva@ina.example', name: 'Eva', institution: 'ina', role: 'admin' });
    const researched = app.ruta.catalog.institution('ina')!.route.documents!;
    // The documents are a detail of the route (4 in its menu).
    const answer = async () => text((await app.chat(`+5068${String(8000000 + ++n)}`, ['Hola', '1', '1', '1', 'albañil', '1', '4'], { channel: 'whatsapp' })).at(-1)!);
    const before = await answer();
    expect(before).toContain(`*Documentos:* ${researched.text.es}`);
    expect(visibleText((await inaAdmin.get('/console/facts')).html)).toContain(`Investigado por Ruta Fuente: ${researched.source}`);

    const documents = { es: 'Cédula o pasaporte; sin documento, pregunte por la constancia de identidad.', en: 'ID card or passport; without one, ask for an identity certificate.', ht: 'Kat idantite oswa paspò; si w pa genyen, mande pou yon sètifika idantite.', source: 'INA, Reglamento de certificación 2026' };
    expect((await inaAdmin.post('/console/facts/documents', documents)).status).toBe(303);
    const published = await answer();
    expect(published).toContain(`*Documentos:* ${documents.es}\nConfirmado por INA el 4 de diciembre de 2026`);
    expect(published).not.toContain(researched.text.es);

    expect(visibleText((await inaAdmin.get('/console/facts/documents/withdraw')).html)).toContain(`Los trabajadores volverán a leer lo que Ruta encontró en fuentes públicas: ${researched.text.es}`);
    expect((await inaAdmin.post('/console/facts/documents/withdraw', {})).status).toBe(303);
    expect(await answer()).toBe(before);
    // INFOTEP's console never shows INA's facts.
    expect(visibleText((await admin.get('/console/facts')).html)).not.toContain(documents.es);
  });

  it('shows each problem of a form in an error summary, keeping what was typed', async () => {
    const res = await admin.post('/console/facts/steps', { es: 'Ir a <b>INFOTEP</b>', en: 'Go to INFOTEP', ht: '   ', source: '' }, '/console/facts/steps');
    expect(res.status).toBe(400);
    expect(res.html).toContain('<a href="#text-es">Escriba el texto en español con palabras sencillas, sin HTML</a>');
    expect(res.html).toContain('<a href="#text-ht">Escriba el texto en criollo haitiano</a>');
    expect(res.html).toContain('<a href="#source">Escriba de dónde viene</a>');
    expect(res.html).toContain('Go to INFOTEP</textarea>');
    const tooMany = await admin.post('/console/facts/steps', { es: Array.from({ length: 13 }, (_, i) => `Paso ${i + 1}`).join('\n'), en: 'a', ht: 'b', source: 'x' });
    expect(visibleText(tooMany.html)).toContain('Escriba como máximo 12 pasos en español');
    expect((await app.ruta.facts.of('infotep')).map((f) => f.name)).not.toContain('steps');
  });

  it('lets staff read the facts but not publish or withdraw them', async () => {
    const page = await staff.get('/console/facts/cost');
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('Solo las personas administradoras de su institución pueden publicar o retirar');
    expect(page.html).not.toContain('<textarea');
    // The form's token from a page staff can open: the refusal is about the role, not CSRF.
    expect((await staff.post('/console/facts/cost', COST, '/console/facts')).status).toBe(403);
    expect((await staff.post('/console/facts/cost/withdraw', {}, '/console/facts')).status).toBe(403);
    expect((await app.ruta.facts.of('infotep')).map((f) => f.name)).not.toContain('cost');
  });

  it('answers 404 for a fact that does not exist', async () => {
    expect((await admin.get('/console/facts/salary')).status).toBe(404);
    expect((await admin.post('/console/facts/salary', COST, '/console/facts')).status).toBe(404);
  });
});

describe('route facts in the API', () => {
  it('publishes and withdraws for the token’s institution only, and workers read it', async () => {
    const infotep = await app.ruta.tokens.create('infotep');
    const ina = (await app.ruta.tokens.create('ina')).token;
    expect((await api('/facts', undefined)).status).toBe(401);

    const steps = { text: { es: ['Ve a una oficina de INFOTEP', 'Haz la evaluación'], en: 'Go to an INFOTEP office\nTake the assessment', ht: ['Ale nan yon biwo INFOTEP', 'Fè evalyasyon an'] }, source: 'https://www.infotep.gob.do/certificacion' };
    const put = await api('/facts/steps', infotep.token, { method: 'PUT', body: JSON.stringify(steps) });
    expect(put.status).toBe(200);
    const putBody = await put.json();
    documented('/facts/{name}', 'put', putBody);
    expect(putBody).toEqual({
      name: 'steps',
      status: 'confirmed',
      text: { es: steps.text.es, en: ['Go to an INFOTEP office', 'Take the assessment'], ht: steps.text.ht },
      source: steps.source,
      confirmedBy: 'INFOTEP',
      confirmedOn: '2026-12-04',
      confirmedAt: '2026-12-04T15:00:00.000Z',
    });
    const listed = await (await api('/facts', infotep.token)).json();
    documented('/facts', 'get', listed);
    expect(listed.institution).toBe('infotep');
    expect(listed.facts.map((f: { name: string; status: string }) => `${f.name}:${f.status}`)).toEqual(['steps:confirmed', 'documents:unknown', 'withoutPapers:unknown', 'cost:unknown', 'duration:unknown', 'validity:unknown', 'contact:unknown']);

    // The short answer gives the first step, the detail all of them; both say who confirmed them.
    expect(await routeAnswer('en')).toContain('*First step:* Go to an INFOTEP office\nConfirmed by INFOTEP on 4 December 2026');
    expect(await routeAnswer('en', '3')).toContain('*Steps:*\n1. Go to an INFOTEP office\n2. Take the assessment\nConfirmed by INFOTEP on 4 December 2026');

    // Another institution's token sees and changes its own facts only.
    const inaFacts = await (await api('/facts', ina)).json();
    documented('/facts', 'get', inaFacts);
    expect(inaFacts.institution).toBe('ina');
    expect(inaFacts.facts.find((f: { name: string }) => f.name === 'documents')).toMatchObject({ status: 'researched', confirmedBy: null });
    expect((await api('/facts/steps', ina, { method: 'DELETE' })).status).toBe(404);
    expect((await app.ruta.facts.routeOf('infotep'))?.confirmed.steps).toMatchObject({ by: 'INFOTEP', on: '2026-12-04' });

    // Invalid input: every problem named; an unknown fact is 404; extra fields are refused.
    const invalid = await api('/facts/cost', infotep.token, { method: 'PUT', body: JSON.stringify({ text: { es: '<b>Gratis</b>', en: '', ht: 'Gratis' }, source: ' ' }) });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).issues.map((i: { path: string }) => i.path)).toEqual(['text.es', 'text.en', 'source']);
    expect((await api('/facts/cost', infotep.token, { method: 'PUT', body: JSON.stringify({ ...steps, confirmedBy: 'Ruta' }) })).status).toBe(400);
    expect((await api('/facts/salary', infotep.token, { method: 'PUT', body: JSON.stringify(steps) })).status).toBe(404);

    const withdrawn = await (await api('/facts/steps', infotep.token, { method: 'DELETE' })).json();
    documented('/facts/{name}', 'delete', withdrawn);
    // Withdrawn, the steps Ruta researched are told again.
    expect(withdrawn).toMatchObject({ name: 'steps', status: 'researched', confirmedBy: null });
    expect(await routeAnswer('en')).toContain('*First step:* INFOTEP tests you');

    const entries = await new Audit(app.ruta.store, () => NOW).recent('infotep');
    expect(entries.filter((e) => e.target === 'steps').map((e) => `${e.who} ${e.action}`)).toEqual([`api token ${infotep.id} fact.withdraw`, `api token ${infotep.id} fact.publish`]);
  });
});

describe('route facts after booking', () => {
  it('names the documents the institution published in what to bring, and whom to ask once withdrawn', async () => {
    const documents = { es: 'Cédula, pasaporte o carta de un empleador.', en: 'ID card, passport or a letter from an employer.', ht: 'Kat idantite, paspò oswa yon lèt patwon.' };
    await app.ruta.facts.publish('infotep', { name: 'documents', text: documents, source: 'INFOTEP, Reglamento 2026' });
    const booked = await bookByChat(app, phone(), BOOK_MASON_ES(), 'whatsapp');
    expect(booked.replies.at(-1)).toContain(`Documentos: ${documents.es}`);
    await app.ruta.facts.withdraw('infotep', 'documents');
    const again = await bookByChat(app, phone(), BOOK_MASON_ES(), 'whatsapp');
    expect(again.replies.at(-1)).toContain('Pregunta a INFOTEP qué documento de identidad aceptan');
  });
});
