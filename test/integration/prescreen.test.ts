import { FakeListChatModel } from '@langchain/core/utils/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { ProfileStore, type WorkerProfile } from '../../src/prescreen/ProfileStore.js';
import { SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

const NOW = new Date('2026-11-22T15:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('prescreen', {}, undefined, { now: () => NOW });
});
afterAll(async () => {
  await app.close();
});

let n = 0;
const phone = (prefix: string) => `${prefix}${String(5550000 + ++n).padStart(7, '0')}`;

async function savedProfile(a: TestApp, from: string): Promise<WorkerProfile | undefined> {
  return new ProfileStore(a.ruta.store).load(pseudonymize(SECRET, from));
}

/** Consent, then "check if I am ready" from the main menu. */
const START = (greeting: string) => [greeting, '1', '2'];

describe('pre-screen journeys over the Twilio webhook (real Redis)', () => {
  it('es: a description in the worker\'s own words reaches the standard and an honest result, saved for booking', async () => {
    const from = phone('+1809');
    const lines = [...START('Hola'), '1', 'trabajé 8 años pegando block en la obra', '1', 'si', '1', '1 2', '1', '1', '2', '1', '3', '1', '1'];
    const replies = await app.chat(from, lines);
    const t = replies.map(text);
    expect(t[2]).toMatch(/Mira si ya puedes certificarte[\s\S]*Republica Dominicana/);
    expect(t[3]).toMatch(/Cuéntame de tu trabajo/);
    expect(t[4]).toMatch(/Te refieres a[\s\S]*1\. Albañil/);
    // "8 años" was in the description: it is confirmed, not asked again.
    expect(t[5]).toMatch(/Dijiste 8 años de experiencia en este oficio \(Albañil\)\. ¿Es correcto\?/);
    expect(t[6]).toMatch(/Donde aprendiste/);
    expect(t[8]).toMatch(/Ahora 7 frases[\s\S]*\(1\/7\)/);
    const result = t[t.length - 1]!;
    expect(result).toMatch(/Resultado para Albañil: casi/);
    expect(result).toMatch(/si a 5 de 7 frases y en parte a 1, con 8 años de experiencia/);
    expect(result).toMatch(/Practica \(lo haces en parte\):\n- Preparo mezcla[^\n]*\nAprende \(aun no lo haces\):\n- S(é|e) repellar/);
    expect(result).toMatch(/Pruebas para reunir:\n- Fotos o videos de muros, casas o cimientos que hiciste\.\n/);
    expect(result).toMatch(/Es solo una guia: solo INFOTEP evalua y certifica\./);

    const profile = await savedProfile(app, from);
    expect(profile).toMatchObject({ occupation: 'mason', isco08: '7112', country: 'DO', years: 8, learnedAt: 'job', evidence: ['letter', 'photos'], level: 'gaps', language: 'es' });
    expect(profile!.standards).toEqual([{ institution: 'infotep', code: null }]);
    expect(await app.ruta.store.get(ProfileStore.key(pseudonymize(SECRET, from)))).not.toMatch(/809|555|pegando/);
    const ttl = await app.redis.ttl(`${app.prefix}${ProfileStore.key(pseudonymize(SECRET, from))}`);
    expect(ttl).toBeGreaterThan(29 * 24 * 3600);

    const [summary] = await app.chat(from, ['1']);
    expect(text(summary!)).toMatch(/RUTA: revision de habilidades\nOficio: Albañil \(CIUO-08 7112\)\nNorma: INFOTEP \(codigo por confirmar\)\nExperiencia: 8 años, aprendio: trabajando\nPruebas: una carta de un empleador; fotos o videos de su trabajo\n[\s\S]*5 si, 1 en parte, 1 no \(de 7\)[\s\S]*Fecha: 2026-11-22/);

    // Days later, from the main menu: the saved result's summary, without answering everything again.
    const [menu, saved, again] = await app.chat(from, ['MENU', '2', '1']);
    expect(text(menu!)).toMatch(/Menu principal/);
    expect(text(saved!)).toMatch(/Ya tienes un resultado[\s\S]*1\. Un resumen para mostrar en el centro\n2\. Revisar de nuevo/);
    expect(text(again!)).toMatch(/RUTA: revision de habilidades[\s\S]*Menu principal/);
  });

  it('en: from the end of a route in Mexico, "since 2019", evidence in words; the result names EC0326 and CONOCER', async () => {
    const from = phone('+52155');
    const route = await app.chat(from, ['Hi', '1', '1', '1', 'mason', '1']);
    expect(text(route[5]!)).toMatch(/EC0326[\s\S]*1\. Am I ready\?/);
    const replies = await app.chat(from, ['1', 'since 2019', '3', 'photos and letter', ...Array(7).fill('yes')]);
    const t = replies.map(text);
    expect(t[0]).toMatch(/How many years of experience do you have in this trade \(Mason \/ bricklayer\)/);
    expect(t[1]).toMatch(/Where did you learn/);
    expect(t[3]).toMatch(/\(1\/7\)/);
    const result = t[t.length - 1]!;
    expect(result).toMatch(/Result for Mason \/ bricklayer: you look ready/);
    expect(result).toMatch(/with 7 years of experience/);
    expect(result).toMatch(/Standard: EC0326 \(CONOCER\)\./);
    expect(result).toMatch(/only CONOCER assesses and certifies/);
    expect(await savedProfile(app, from)).toMatchObject({ country: 'MX', years: 7, learnedAt: 'course', evidence: ['letter', 'photos'], level: 'ready', standards: [{ institution: 'conocer', code: 'EC0326' }] });

    // "How to certify" returns to the route it came from; then the main menu.
    const [back] = await app.chat(from, ['3']);
    expect(text(back!)).toMatch(/Mason \/ bricklayer in Mexico: CONOCER[\s\S]*What do you want to see or do\?/);
    const [menu] = await app.chat(from, ['10']);
    expect(text(menu!)).toMatch(/Main menu/);
  });

  it('ht: sector menus, "senk", no evidence, answers in words; BACK goes to the previous statement; EFASE erases the profile', async () => {
    const from = phone('+1829');
    const replies = await app.chat(from, [...START('Bonjou'), '1', '1', '1', 'senk', '2', 'okenn', 'wi', 'yon ti jan', 'RETOUNEN', 'non', 'non', 'non', 'non', 'non', 'non']);
    const t = replies.map(text);
    expect(t[4]).toMatch(/Ki(y|)[eè]s nan|1\. /); // occupation menu of the construction sector
    expect(t[5]).toMatch(/Konbyen ane eksperyans ou genyen nan metye sa a \(B(ò|o)s mason\)/);
    expect(t[8]).toMatch(/Kounye a, 7 fraz[\s\S]*\(1\/7\)/);
    expect(t[10]).toMatch(/\(3\/7\)/);
    expect(t[11]).toMatch(/\(2\/7\)/); // BACK
    const result = t[t.length - 1]!;
    expect(result).toMatch(/Rezilta pou B(ò|o)s mason: ou poko pare/);
    // Two of the five never done are listed, the rest counted (the result stays within 4 segments).
    expect(result).toMatch(/Aprann \(ou poko f(è|e) l\):\n- [^\n]+\n- [^\n]+\n\(ak 4 l(ò|o)t\)/);
    expect(result).toMatch(/Pr(è|e)v pou rasanble:\n- Foto oswa videyo mi, kay oswa fondasyon ou te f(è|e)\.\n/);
    expect(await savedProfile(app, from)).toMatchObject({ occupation: 'mason', years: 5, learnedAt: 'family', evidence: [], level: 'notYet', answers: { setout: 'yes', walls: 'no' } });

    await app.chat(from, ['EFASE', '1']);
    expect(await savedProfile(app, from)).toBeUndefined();
  });

  it('priority trades in Mexico: a forklift operator (EC0200) and a Creole-speaking delivery rider (EC1631) get a route and a pre-screen', async () => {
    const forklift = phone('+52155');
    const route = await app.chat(forklift, ['Hi', '1', '1', '1', 'i drive a forklift in a warehouse', '1']);
    expect(text(route[4]!)).toMatch(/Do you mean[\s\S]*1\. Forklift operator/);
    expect(text(route[5]!)).toMatch(/Forklift operator in Mexico: CONOCER[\s\S]*EC0200[\s\S]*1\. Am I ready\?/);
    const replies = await app.chat(forklift, ['1', 'since 2019', '3', 'photos and letter', ...Array(7).fill('yes')]);
    const t = replies.map(text);
    expect(t[3]).toMatch(/\(1\/7\)/);
    expect(t[t.length - 1]).toMatch(/Result for Forklift operator: you look ready[\s\S]*Standard: EC0200 \(CONOCER\)\./);
    expect(await savedProfile(app, forklift)).toMatchObject({ occupation: 'forklift-operator', isco08: '8344', country: 'MX', level: 'ready' });

    const rider = phone('+52155');
    const ht = await app.chat(rider, ['Bonjou', '1', '1', '1', 'm fè livrezon sou moto', '1']);
    expect(text(ht[5]!)).toMatch(/Livr(è|e) sou moto[\s\S]*CONOCER[\s\S]*EC1631: Conducci(ó|o)n de motocicleta/);
    const answers = await app.chat(rider, ['1', 'senk', '2', 'okenn', ...Array(6).fill('wi')]);
    const a = answers.map(text);
    expect(a[3]).toMatch(/\(1\/6\)/);
    expect(await savedProfile(app, rider)).toMatchObject({ occupation: 'delivery-rider', country: 'MX', years: 5, language: 'ht' });
  });

  it('asks again when the years read from a description were an age, and refuses implausible years', async () => {
    const from = phone('+1809');
    const t = (await app.chat(from, [...START('Hola'), '1', 'tengo 45 años y soy albañil', '1', '2', '75', '3'])).map(text);
    expect(t[5]).toMatch(/Dijiste 45 años de experiencia en este oficio \(Albañil\)/);
    expect(t[6]).toMatch(/Cuantos años de experiencia tienes en este oficio \(Albañil\)/);
    expect(t[7]).toMatch(/Escribe un numero de años/);
    expect(t[8]).toMatch(/Donde aprendiste/);
    expect(await savedProfile(app, from)).toBeUndefined();
  });

  it('re-asks kindly on unclear years and evidence, in the worker\'s language', async () => {
    const from = phone('+1809');
    const t = (await app.chat(from, [...START('Hola'), '1', 'soy plomero', '1', 'muchos', '7', '1', '9', '1 3'])).map(text);
    expect(t[5]).toMatch(/Cuantos años de experiencia tienes en este oficio \(Plomero \/ fontanero\)/);
    expect(t[6]).toMatch(/Escribe un numero de años, por ejemplo 5/);
    expect(t[7]).toMatch(/Donde aprendiste/);
    expect(t[9]).toMatch(/Envia los numeros de lo que tienes/);
    expect(t[10]).toMatch(/Ahora 6 frases/);
  });

  it('a trade it cannot recognise gets the sector menu again, never a guess', async () => {
    const from = phone('+1809');
    const t = (await app.chat(from, [...START('Hola'), '1', 'hago de todo un poco'])).map(text);
    expect(t[4]).toMatch(/No estoy seguro de qu(é|e) oficio es[\s\S]*1\. Construccion/);
  });
});

describe('pre-screen with a language model (LangChain fake at the model boundary)', () => {
  it('uses the model\'s reading of a description the word matcher cannot place', async () => {
    const model = new FakeListChatModel({ responses: [JSON.stringify({ occupations: [{ id: 'elder-care', confidence: 0.8 }], years: null, tasks: ['acompañar a doña Marta'], tools: [], learnedAt: 'family' })] });
    const withModel = await startTestApp('prescreen-llm', {}, undefined, { now: () => NOW, model });
    try {
      const from = phone('+1809');
      const t = (await withModel.chat(from, [...START('Hola'), '1', 'acompaño a doña Marta todas las tardes desde 2020'])).map(text);
      expect(t[4]).toMatch(/Te refieres a[\s\S]*1\. Cuidado de personas mayores/);
      const next = (await withModel.chat(from, ['1', '1'])).map(text);
      // Years came from "desde 2020" (confirmed) and where learned from the model: then evidence.
      expect(next[0]).toMatch(/Dijiste 6 años de experiencia en este oficio \(Cuidado de personas mayores\)/);
      expect(next[1]).toMatch(/Cuales de estas cosas tienes/);
      expect(withModel.logs.join('\n')).toContain('"event":"llm_profile"');
      expect(withModel.logs.join('\n')).not.toContain('Marta');
    } finally {
      await withModel.close();
    }
  });

  it('says so in the privacy notice, and never sends the words of a worker who did not accept', async () => {
    let calls = 0;
    const model = new (class extends FakeListChatModel {
      override async _generate(...args: Parameters<FakeListChatModel['_generate']>) {
        calls += 1;
        return super._generate(...args);
      }
    })({ responses: [JSON.stringify({ occupations: [{ id: 'waiter', confidence: 1 }], years: null, tasks: [], tools: [], learnedAt: null })] });
    const withModel = await startTestApp('prescreen-consent', {}, undefined, { now: () => NOW, model });
    try {
      const [notice] = await withModel.chat(phone('+1809'), ['Hola']);
      expect(text(notice!)).toMatch(/permiso\. Si aceptas, un servicio de inteligencia artificial puede ayudar a leer como describes tu trabajo/);
      // Declined: the pre-screen still works, on the matcher alone.
      const t = (await withModel.chat(phone('+1809'), ['Hola', '2', '2', '1', 'soy mesero'])).map(text);
      expect(t[4]).toMatch(/Te refieres a[\s\S]*1\. Mesero/);
      expect(calls).toBe(0);
    } finally {
      await withModel.close();
    }
  });

  it('falls back to the matcher when the model times out, and the worker notices nothing', async () => {
    const model = new FakeListChatModel({ responses: ['{}'], sleep: 5000 });
    const slow = await startTestApp('prescreen-slow', { LLM_TIMEOUT_MS: '200' }, undefined, { now: () => NOW, model });
    try {
      const t = (await slow.chat(phone('+1809'), [...START('Hola'), '1', 'soy mesero'])).map(text);
      expect(t[4]).toMatch(/Te refieres a[\s\S]*1\. Mesero/);
      expect(slow.logs.join('\n')).toMatch(/"event":"llm_fallback".*"reason":"timeout"/);
    } finally {
      await slow.close();
    }
  });
});
