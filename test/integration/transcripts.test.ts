import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSegments } from '../../src/channels/segments.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('transcripts');
});
afterAll(async () => {
  await app.close();
});

let n = 0;
/** A fresh sender per journey: a number from the given country's plan. */
const phone = (prefix: string) => `${prefix}${String(5550000 + ++n).padStart(7, '0')}`;

interface Journey {
  greeting: string;
  /** A word of the consent notice in that language. */
  notice: RegExp;
  trade: string;
  /** Words of the route answer in that language. */
  answerWords: RegExp;
}
const JOURNEYS: Record<'es' | 'en' | 'ht', Journey> = {
  es: { greeting: 'Hola', notice: /Lo que guardo.*BORRAR/s, trade: 'albañil', answerWords: /Primer paso: INFOTEP eval(ú|u)a tu trabajo[\s\S]*Pregunta a INFOTEP: documentos/ },
  en: { greeting: 'Hi', notice: /What I keep.*DELETE/s, trade: 'mason', answerWords: /First step: INFOTEP tests you[\s\S]*Ask INFOTEP: documents/ },
  ht: { greeting: 'Bonjou', notice: /Sa m kenbe.*EFASE/s, trade: 'bòs mason', answerWords: /Premye etap: INFOTEP evalye travay ou[\s\S]*Mande INFOTEP: papye yo/ },
};

describe.each(Object.entries(JOURNEYS))('route journey in %s', (_lang, j) => {
  it('DO: number suggests the Dominican Republic, worker confirms, answer names INFOTEP', async () => {
    const from = phone('+1809');
    const [greet, accepted, confirmCountry, trade, confirmTrade, answer, steps] = await app.chat(from, [j.greeting, '1', '1', '1', j.trade, '1', '3']);
    expect(text(greet!)).toMatch(j.notice);
    expect(text(accepted!)).toMatch(/1\. .+\n2\. /); // main menu
    expect(text(confirmCountry!)).toMatch(/Rep(ú|u)blica Dominicana|Dominican Republic|Repiblik Dominik(è|e)n/);
    expect(text(trade!)).toMatch(/1\. /);
    expect(text(confirmTrade!)).toMatch(/Alba(ñ|n)il|Mason|B(ò|o)s mason/);
    expect(text(answer!)).toContain('INFOTEP');
    expect(text(answer!)).toMatch(j.answerWords);
    // The short answer names what is unknown in one line; the details come on request, with their source.
    expect(text(steps!)).toMatch(/131[\s\S]*elnuevodiario\.com\.do/); // the summary says who certifies, no law number
  });

  it('MX: answer names CONOCER and the standard EC0326', async () => {
    const from = phone('+52155');
    const replies = await app.chat(from, [j.greeting, '1', '1', '1', j.trade, '1']);
    const answer = text(replies.at(-1)!);
    expect(answer).toContain('CONOCER');
    expect(answer).toContain('EC0326');
  });

  it('CR: a US number gets the country list; "Costa Rica" typed; answer names INA', async () => {
    const from = phone('+1212');
    const [, , countryList, trade, , answer] = await app.chat(from, [j.greeting, '1', '1', 'costa rica', j.trade, '1']);
    expect(text(countryList!)).toMatch(/13\. /); // the whole list, nothing assumed
    expect(text(trade!)).toMatch(/1\. /);
    expect(text(answer!)).toMatch(/\bINA\b/);
  });
});

describe('first message', () => {
  it('answers French in Haitian Creole', async () => {
    const [reply] = await app.chat(phone('+1809'), ['Bonjour, je cherche du travail']);
    expect(text(reply!)).toMatch(/Sa m kenbe/);
  });

  it('offers a trilingual language menu when the language is undetermined', async () => {
    const from = phone('+1809');
    const [menu, notice] = await app.chat(from, ['👍', '3']);
    expect(text(menu!)).toMatch(/Elige tu idioma[\s\S]*Choose your language[\s\S]*Chwazi lang ou/);
    expect(text(menu!)).toMatch(/1\. Espa(ñ|n)ol\n2\. English\n3\. Kreyol ayisyen|3\. Kreyòl ayisyen/);
    expect(text(notice!)).toMatch(/Sa m kenbe/);
  });
});

describe('always-available words', () => {
  it('changes language mid-way and asks the same question again in the new language', async () => {
    const from = phone('+1809');
    const replies = await app.chat(from, ['Hola', '1', '1', 'idioma', 'english']);
    expect(text(replies[3]!)).toMatch(/idioma/i);
    expect(text(replies[4]!)).toMatch(/Done, we now speak English[\s\S]*Are you in Dominican Republic now\?/);
  });

  it('"lanng" works in Creole and "language" in English', async () => {
    const from = phone('+1809');
    const replies = await app.chat(from, ['Bonjou', '1', 'lanng', '2', 'language', 'espanol']);
    expect(text(replies[3]!)).toMatch(/we now speak English/);
    expect(text(replies[5]!)).toMatch(/ahora hablamos en espa/);
  });

  it('"back" returns to the previous question; "menu" to the main menu; "help" explains and re-asks', async () => {
    const from = phone('+1809');
    const replies = await app.chat(from, ['Hola', '1', '1', '2', 'atras', 'ayuda', 'menu']);
    expect(text(replies[3]!)).toMatch(/En qu(é|e) pa(í|i)s est(á|a)s ahora/);
    expect(text(replies[4]!)).toMatch(/Est(á|a)s ahora en Rep(ú|u)blica Dominicana/);
    expect(text(replies[5]!)).toMatch(/Como usar Ruta[\s\S]*Est(á|a)s ahora en Rep/);
    expect(text(replies[6]!)).toMatch(/Menu principal/);
  });

  it('HELP names the appointment word and a person to talk to: the institution of the worker\'s country once it is known', async () => {
    const before = await app.chat(phone('+1809'), ['Hola', '1', 'ayuda']);
    expect(text(before[2]!)).toMatch(/CITA: tu cita de evaluacion[\s\S]*Para hablar con una persona: la institucion que certifica oficios en tu pais/);
    // Mexico known (the worker said so): CONOCER's contact page.
    const mx = await app.chat(phone('+52155'), ['Hi', '1', '1', '1', 'help']);
    expect(text(mx[4]!)).toMatch(/APPOINTMENT: your assessment appointment[\s\S]*To talk to a person: CONOCER, .*conocer\.gob\.mx/);
    // Dominican Republic: no contact found in the sources yet, so INFOTEP's offices.
    const dr = await app.chat(phone('+1809'), ['Bonjou', '1', '1', '1', 'ed']);
    expect(text(dr[4]!)).toMatch(/RANDEVOU: randevou evalyasyon ou[\s\S]*Pou w pale ak yon moun: ale nan yon biwo INFOTEP/);
  });

  it('re-asks kindly on nonsense, then offers help and the menu', async () => {
    const from = phone('+1809');
    const replies = await app.chat(from, ['Hi', '1', 'xyzzy', 'qwerty']);
    expect(text(replies[2]!)).toMatch(/Sorry, I did not understand.*1 to 6[\s\S]*1\. How to certify my trade/);
    expect(text(replies[3]!)).toMatch(/HELP[\s\S]*MENU[\s\S]*1\. How to certify my trade/);
  });

  it('explains that photos, voice notes and locations cannot be read, and asks again', async () => {
    const from = phone('+1809');
    await app.chat(from, ['Hola', '1']);
    const photo = await app.send(from, '', { extra: { NumMedia: '1', MediaContentType0: 'image/jpeg', MediaUrl0: 'https://api.twilio.com/x' } });
    expect(text(photo)).toMatch(/Solo puedo leer texto[\s\S]*1\. Como certificar/);

    const wa = { channel: 'whatsapp' as const };
    await app.chat(from, ['Hola', '1'], wa);
    const voice = await app.send(from, '', { ...wa, extra: { NumMedia: '1', MediaContentType0: 'audio/ogg' } });
    expect(text(voice)).toMatch(/Solo puedo leer texto: no puedo ver fotos, audios ni videos[\s\S]*1\. Cómo certificar/);
    const location = await app.send(from, '', { ...wa, extra: { Latitude: '18.47', Longitude: '-69.89', Address: 'x' } });
    expect(text(location)).toMatch(/Recibí una ubicación[\s\S]*1\. Cómo certificar/);
  });

  it('survives very long and strange messages', async () => {
    const from = phone('+1809');
    await app.chat(from, ['Hola', '1']);
    const strange = ('😀\u0000\u0007 ñ ' + 'x'.repeat(50) + '\u202e').repeat(40).slice(0, 1600);
    const reply = await app.send(from, strange);
    expect(reply.status).toBe(200);
    expect(text(reply)).toMatch(/Perdon, no entendi/);
  });
});

describe('typing a trade', () => {
  it('says once that a trade was not found, and treats an out-of-range number as a menu miss', async () => {
    const from = phone('+1809');
    const replies = await app.chat(from, ['Hi', '1', '1', '1', 'astronaut', '9', 'I do electrical work']);
    expect(replies[4]!.messages.join('\n').match(/not sure which trade that is/g)).toHaveLength(1);
    expect(text(replies[4]!)).not.toMatch(/Sorry, I did not understand/);
    expect(text(replies[5]!)).toMatch(/still do not understand[\s\S]*HELP[\s\S]*MENU[\s\S]*8\. Beauty and sewing/); // second miss: help offered
    expect(text(replies[5]!)).not.toMatch(/not sure which trade that is/);
    expect(text(replies[6]!)).toMatch(/Do you mean[\s\S]*1\. Electrician/);
  });

  it('"for" is not "four": a trade described in a sentence is read as the trade, not as a sector\'s word', async () => {
    const en = await app.chat(phone('+1809'), ['Hi', '1', '1', '1', 'I have laid blocks for 8 years']);
    expect(text(en[4]!)).toMatch(/Do you mean[\s\S]*1\. Mason/);
    expect(text(en[4]!)).not.toMatch(/Home and caring/);
    const es = await app.chat(phone('+1809'), ['Hola', '1', '1', '1', 'trabajo en construccion pegando block']);
    expect(text(es[4]!)).toMatch(/Te refieres a[\s\S]*1\. Albañil/);
    // A sector's word alone in a sentence that names no trade still opens that sector.
    const sector = await app.chat(phone('+1809'), ['Hola', '1', '1', '1', 'me interesa comercio']);
    expect(text(sector[4]!)).toMatch(/1\. Cajero \/ cajera\n2\. Reponedor \/ reponedora\n3\. Guardia de seguridad/);
    expect(text(sector[4]!)).not.toMatch(/Te refieres a|No estoy seguro/);
  });
});

describe('a sector\'s list of trades', () => {
  it('"none of these" asks for the trade in the worker\'s words, and a trade typed instead of a number is read', async () => {
    const none = await app.chat(phone('+1809'), ['Hola', '1', '1', '1', '1', 'ninguno de estos']);
    expect(text(none[4]!)).toMatch(/1\. Albañil[\s\S]*10\. Ninguno de estos/);
    expect(text(none[5]!)).toMatch(/Escribe tu oficio con tus palabras/);
    const typed = await app.chat(phone('+1809'), ['Hi', '1', '1', '1', '1', 'I am a plumber']);
    expect(text(typed[5]!)).toMatch(/Do you mean[\s\S]*1\. Plumber/);
  });
});

describe('a trade the catalog does not cover', () => {
  it('names the closest ISCO-08 group, says no standard is known at INFOTEP and whom to ask — after "none of these", without a loop', async () => {
    const replies = await app.chat(phone('+1809'), ['Hola', '1', '1', '1', '1', 'ninguno de estos', 'tapicero de muebles']);
    const answer = text(replies[6]!);
    expect(answer).toMatch(/Todav(í|i)a no tengo tu oficio en Ruta[\s\S]*: 7534 Tapiceros, colchoneros y afines\./);
    expect(answer).toMatch(/No s(é|e) si INFOTEP tiene una norma para ese oficio/);
    expect(answer).toMatch(/Pregunta en una oficina de INFOTEP si certifican tu oficio/);
    expect(answer).toMatch(/1\. Escribir mi oficio de otra forma\n2\. Elegir de la lista de oficios\n3\. /);
    // Writing it another way asks for it again; a catalog trade then works as usual.
    const again = await app.chat(phone('+1809'), ['Hola', '1', '1', '1', 'pescador de langosta', '1', 'albañil']);
    expect(text(again[4]!)).toMatch(/6222 Pescadores de agua dulce y en aguas costeras/);
    expect(text(again[5]!)).toMatch(/Escribe tu oficio con tus palabras/);
    expect(text(again[6]!)).toMatch(/Albañil/);
  });

  it('in English and Creole, with the institution\'s contact where it is known; in Mexico, that RENEC has no such standard', async () => {
    const en = await app.chat(phone('+1212'), ['Hi', '1', '1', 'colombia', 'shoe repair, i fix shoes']);
    const enAnswer = text(en[4]!);
    expect(enAnswer).toMatch(/Ruta does not have your trade yet[\s\S]*: 7536 Zapateros y afines \(its official name in Spanish\)/);
    expect(enAnswer).toMatch(/I do not know whether SENA has a standard for that trade\.\nAsk SENA whether they certify your trade: .*sena\.edu\.co/);
    const ht = await app.chat(phone('+1809'), ['Bonjou', '1', '1', '1', 'kòdonye, m ranje soulye']);
    expect(text(ht[4]!)).toMatch(/Ruta poko gen metye ou[\s\S]*7536 Zapateros y afines \(non ofisy(è|e)l li an pany(ò|o)l\)[\s\S]*M pa konnen si INFOTEP gen yon n(ò|o)m/);
    // Mexico: the RENEC registry is searched with the worker's words first; when nothing there fits, it is said.
    const mx = await app.chat(phone('+52155'), ['Hola', '1', '1', '1', 'tapicero de muebles']);
    expect(text(mx[4]!)).toMatch(/7534 Tapiceros[\s\S]*No encontr(é|e) una norma de CONOCER para ese oficio en su registro \(RENEC\)\.\nPregunta en CONOCER si certifican tu oficio: .*conocer\.gob\.mx/);
    // The registry's offers can be refused: "none of these" leads to the same answer, not back to the question.
    const refused = await app.chat(phone('+52155'), ['Hola', '1', '1', '1', 'soy pescador, salgo en lancha a tirar la red', '4']);
    expect(text(refused[4]!)).toMatch(/normas de M(é|e)xico \(CONOCER\)[\s\S]*4\. Ninguno de estos/);
    expect(text(refused[5]!)).toMatch(/6222 Pescadores de agua dulce y en aguas costeras[\s\S]*No encontr(é|e) una norma de CONOCER/);
  });

  it('words that name no work are asked again once, then lead to the same honest answer, not back to the list', async () => {
    const replies = await app.chat(phone('+1809'), ['Hola', '1', '1', '1', 'pues nada', 'no se']);
    expect(text(replies[4]!)).toMatch(/No estoy seguro de qu(é|e) oficio es/);
    expect(text(replies[5]!)).toMatch(/Todav(í|i)a no tengo tu oficio en Ruta, y no lo encontr(é|e) en la lista internacional[\s\S]*INFOTEP/);
  });
});

describe('a country Ruta does not cover', () => {
  it('is said plainly, with where to ask, in the worker\'s language; a country inside a sentence still counts', async () => {
    const es = await app.chat(phone('+1212'), ['Hola', '1', '1', 'venezuela']);
    expect(text(es[3]!)).toMatch(/Todav(í|i)a no tengo informaci(ó|o)n para ese pa(í|i)s: Ruta cubre 13 pa(í|i)ses[\s\S]*OIM y ACNUR[\s\S]*Menu principal/);
    const ht = await app.chat(phone('+1212'), ['Bonjou', '1', '1', '14']);
    expect(text(ht[2]!)).toMatch(/14\. Yon l(ò|o)t peyi/);
    expect(text(ht[3]!)).toMatch(/M poko gen enf(ò|o)masyon pou peyi sa a[\s\S]*OIM ak ACNUR/);
    const sentence = await app.chat(phone('+1212'), ['Hola', '1', '1', 'ahora vivo en costa rica']);
    expect(text(sentence[3]!)).toMatch(/Cu(á|a)l es tu oficio/);
  });
});

describe('first messages', () => {
  it.each([
    ['CITA', /Lo que guardo/, /¿Estas ahora en Republica Dominicana\?/],
    ['APPOINTMENT', /What I keep/, /Are you in Dominican Republic now\?/],
    ['RANDEVOU', /Sa m kenbe/, /Eske ou nan Repiblik Dominik(è|e)n kounye a\?/],
  ])('"%s" as the very first message: the privacy question in its language, then the appointments at once', async (word, notice, booking) => {
    const [first, second] = await app.chat(phone('+1809'), [word, '1']);
    expect(text(first!)).toMatch(notice);
    expect(text(second!)).toMatch(booking);
  });

  it.each([
    ['info x favor', /Lo que guardo/],
    ['wah gwaan', /What I keep/],
    ['gud mornin', /What I keep/],
  ])('"%s" is answered in its language', async (greeting, notice) => {
    const [first] = await app.chat(phone('+1809'), [greeting]);
    expect(text(first!)).toMatch(notice);
  });

  it('French "oui" accepts the privacy notice (French is answered in Creole)', async () => {
    const [first, second] = await app.chat(phone('+1809'), ['Bonjour', 'oui']);
    expect(text(first!)).toMatch(/Sa m kenbe/);
    expect(text(second!)).toMatch(/Meni prensipal/);
  });
});

describe('the privacy question', () => {
  it('needs a clear answer: "-1" is asked again, not taken as acceptance', async () => {
    const from = phone('+1809');
    const [, minus] = await app.chat(from, ['Hola', '-1']);
    expect(text(minus!)).not.toMatch(/Menu principal/);
    // Asked again briefly: the 3-segment notice is not sent again unless asked for.
    expect(text(minus!)).toMatch(/¿Aceptas el aviso de privacidad que te envi(é|e)\?[\s\S]*1\. Acepto\n2\. No acepto/);
    expect(text(minus!)).not.toMatch(/Lo que guardo:\*? tus respuestas/);
    expect(minus!.messages.reduce((n, m) => n + countSegments(m).segments, 0)).toBeLessThanOrEqual(2);
    const [again] = await app.chat(from, ['privacidad']);
    expect(text(again!)).toMatch(/Lo que guardo:\*? tus respuestas/);
    const [accepted] = await app.chat(from, ['1']);
    expect(text(accepted!)).toMatch(/Menu principal/);
  });
});

describe('shortcuts', () => {
  it('a trade typed at the main menu goes straight to its route', async () => {
    const from = phone('+52155');
    const replies = await app.chat(from, ['Hola', '1', 'soy plomero', '1', '1']);
    expect(text(replies[2]!)).toMatch(/M(é|e)xico/); // where are you? (suggested by the number)
    expect(text(replies[3]!)).toMatch(/Te refieres a[\s\S]*1\. Plomero/);
    expect(text(replies[4]!)).toMatch(/CONOCER[\s\S]*EC0324/);
  });

  it('"another country" keeps the trade and shows that country\'s route at once', async () => {
    const from = phone('+52155');
    const replies = await app.chat(from, ['Hi', '1', '1', '1', 'cook', '1', '9', 'chile', '5']);
    expect(text(replies[5]!)).toMatch(/CONOCER[\s\S]*EC0127/);
    expect(text(replies[7]!)).toMatch(/Cook in Chile: ChileValora certifies it\.[\s\S]*P-5600-5120-001-V02/);
    // Chile's cost and time detail: validity ('national and permanent') was not re-verified (CL.md), so it is asked for.
    expect(text(replies[8]!)).toMatch(/Cost: Paid by the worker[\s\S]*Ask ChileValora: duration and validity/);
  });
});

describe('Mexico: any standard of the RENEC registry', () => {
  it('a trade outside the curated list reaches its EC standard and CONOCER\'s route', async () => {
    const from = phone('+52155');
    const [choose, route] = await app.chat(from, ['Hola', '1', '1', '1', 'soy brigadista de protección civil', '1']).then((r) => r.slice(4));
    expect(text(choose!)).toMatch(/normas de M(é|e)xico \(CONOCER\)[\s\S]*1\. EC0002: Asistencia primaria de un evento adverso/);
    expect(text(route!)).toMatch(/Brigadista de protecci(ó|o)n civil en M(é|e)xico: certifica CONOCER[\s\S]*EC0002: Asistencia primaria[\s\S]*1\. Otro oficio\n2\. Men(ú|u)$/);
  });

  it('outside Mexico the registry is not offered: an unknown trade is asked again', async () => {
    const from = phone('+1809');
    const [again] = await app.chat(from, ['Hola', '1', '1', '1', 'soy brigadista de protección civil']).then((r) => r.slice(4));
    expect(text(again!)).toMatch(/No estoy seguro de qu(é|e) oficio es/); // "civil" is no trade: not "2142 Ingenieros civiles"
  });
});

describe('what Ruta keeps, asked from the menu', () => {
  it('says what is kept and for how long, and that anonymous statistics are counted without the number or the messages, in each language', async () => {
    const es = await app.chat(phone('+1809'), ['Hola', '1', 'privacidad']);
    expect(text(es[2]!)).toMatch(/Guardo tu idioma, pa(í|i)s, oficio y respuestas 30 d(í|i)as[\s\S]*Tambi(é|e)n cuento, sin tu n(ú|u)mero ni tus mensajes, cu(á|a)ntas personas llegan a cada paso \(estad(í|i)sticas an(ó|o)nimas\)\. Escribe BORRAR/);
    const en = await app.chat(phone('+1809'), ['Hi', '1', 'privacy']);
    expect(text(en[2]!)).toMatch(/I also count, without your number or your messages, how many people reach each step \(anonymous statistics\)\. Send DELETE/);
    const ht = await app.chat(phone('+1809'), ['Bonjou', '1', 'vi prive']);
    expect(text(ht[2]!)).toMatch(/M konte tou, san nimewo ou ni mesaj ou yo[\s\S]*\(estatistik anonim\)\. Ekri EFASE/);
  });
});
