import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recognizeChoice, type MenuOption } from '../../src/language/choice.js';
import { commandOf, TWILIO_SMS_KEYWORDS, type Command } from '../../src/language/keywords.js';
import { cardinalOfWord, numberFromReply } from '../../src/language/numberWords.js';
import { fold } from '../../src/language/text.js';
import { parseYears } from '../../src/language/years.js';
import { projectRoot } from '../../src/paths.js';

/**
 * Pins the vocabulary workers type, per language: the always-available commands and the number
 * words. These tables are a second, independent copy of src/bot/keywords.ts and numberWords.ts on
 * purpose: removing or misspelling a word there fails here. Words are written as people write them
 * (with accents); each is also tried without accents and in upper case, as the README promises.
 * 'fr' are French spellings: Ruta answers French in Haitian Creole.
 */
type Lang = 'es' | 'en' | 'ht' | 'fr';

const COMMAND_WORDS: Record<Command, Partial<Record<Lang, string[]>>> = {
  menu: { es: ['menú', 'menú principal', 'inicio'], en: ['menu', 'main menu', 'home'], ht: ['meni', 'akèy', 'lakay'] },
  help: { es: ['ayuda', 'ayúdame', 'socorro', 'info', 'información'], en: ['help'], ht: ['èd', 'ède m', 'èdem'], fr: ['aide'] },
  back: { es: ['atrás', 'volver', 'regresar'], en: ['back', 'go back'], ht: ['retounen', 'dèyè', 'tounen'] },
  language: { es: ['idioma', 'lengua', 'cambiar idioma'], en: ['language', 'change language'], ht: ['lang', 'lanng', 'chanje lang', 'chanje lanng'], fr: ['langue', 'idiom'] },
  erase: { es: ['borrar', 'borrar todo', 'borrar mis datos'], en: ['delete', 'erase', 'delete all', 'delete my data'], ht: ['efase', 'efase tout'] },
  optOut: {
    es: ['parar', 'para', 'alto', 'detener', 'baja', 'darme de baja'],
    en: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout'],
    ht: ['sispann', 'kanpe'],
  },
  optIn: { es: ['iniciar', 'comenzar', 'reanudar', 'alta'], en: ['start', 'unstop', 'yes'], ht: ['kòmanse', 'rekòmanse', 'demare'] },
  appointment: {
    es: ['cita', 'mi cita', 'citas', 'mis citas', 'ver cita', 'ver mi cita'],
    en: ['appointment', 'my appointment', 'appointments', 'booking', 'my booking'],
    ht: ['randevou', 'randevou mwen'],
    fr: ['rendez-vous', 'rdv'],
  },
};

/** Cardinals 1–20 per language (Haitian Creole: official and older/French-influenced spellings). */
const NUMBER_WORDS: Record<number, Partial<Record<Lang, string[]>>> = {
  1: { es: ['uno', 'una', 'un'], en: ['one'], ht: ['en', 'youn'] },
  2: { es: ['dos'], en: ['two'], ht: ['de'], fr: ['deux'] },
  3: { es: ['tres'], en: ['three'], ht: ['twa'], fr: ['trois'] },
  4: { es: ['cuatro'], en: ['four'], ht: ['kat'], fr: ['quatre'] },
  5: { es: ['cinco'], en: ['five'], ht: ['senk', 'sink'], fr: ['cinq'] },
  6: { es: ['seis'], en: ['six'], ht: ['sis'] },
  7: { es: ['siete'], en: ['seven'], ht: ['sèt'], fr: ['sept'] },
  8: { es: ['ocho'], en: ['eight'], ht: ['uit', 'wit'], fr: ['huit'] },
  9: { es: ['nueve'], en: ['nine'], ht: ['nèf'], fr: ['neuf'] },
  10: { es: ['diez'], en: ['ten'], ht: ['dis'], fr: ['dix'] },
  11: { es: ['once'], en: ['eleven'], ht: ['onz'], fr: ['onze'] },
  12: { es: ['doce'], en: ['twelve'], ht: ['douz'], fr: ['douze'] },
  13: { es: ['trece'], en: ['thirteen'], ht: ['trèz'], fr: ['treize'] },
  14: { es: ['catorce'], en: ['fourteen'], ht: ['katòz'], fr: ['quatorze'] },
  15: { es: ['quince'], en: ['fifteen'], ht: ['kenz'], fr: ['quinze'] },
  16: { es: ['dieciséis'], en: ['sixteen'], ht: ['sèz'], fr: ['seize'] },
  17: { es: ['diecisiete'], en: ['seventeen'], ht: ['dissèt'] },
  18: { es: ['dieciocho'], en: ['eighteen'], ht: ['dizuit'] },
  19: { es: ['diecinueve'], en: ['nineteen'], ht: ['diznèf'] },
  20: { es: ['veinte'], en: ['twenty'], ht: ['ven', 'vent'] },
};

/** Ordinals answer a menu ("la primera") but are not amounts. */
const ORDINAL_WORDS: Record<number, Partial<Record<Lang, string[]>>> = {
  1: { es: ['primero', 'primera'], en: ['first'], ht: ['premye'] },
  2: { es: ['segundo', 'segunda'], en: ['second'], ht: ['dezyèm'] },
  3: { es: ['tercero', 'tercera'], en: ['third'] },
};

/** "option 4" in each language. */
const NUMBER_PREFIXES: Partial<Record<Lang, string[]>> = { es: ['opción', 'número', 'no', 'num', 'el', 'la', 'op'], en: ['option', 'number', 'the'], ht: ['opsyon', 'nimewo'] };
/** A unit after a number word: "kat lane". */
const YEARS_WORD: Record<Lang, string> = { es: 'años', en: 'years', ht: 'lane', fr: 'ans' };

const rows = <T,>(table: Record<string | number, Partial<Record<Lang, string[]>>>, as: (key: string) => T) =>
  Object.entries(table).flatMap(([key, byLang]) => Object.entries(byLang).flatMap(([lang, words]) => words.map((word) => [lang as Lang, word, as(key)] as const)));
/** The word as written, without accents, and in upper case. */
const spellings = (word: string) => [...new Set([word, word.normalize('NFD').replace(/\p{M}/gu, ''), word.toUpperCase()])];

const commandRows = rows(COMMAND_WORDS, (k) => k as Command);
const cardinalRows = rows(NUMBER_WORDS, Number);
const ordinalRows = rows(ORDINAL_WORDS, Number);
const twentyOptions: MenuOption[] = Array.from({ length: 20 }, (_, i) => ({ id: `option-${i + 1}`, label: `Opción de prueba ${i + 1}` }));

describe('commandOf', () => {
  it.each(commandRows)('%s %j is the %s command (as written, without accents, in upper case)', (_lang, word, command) => {
    for (const typed of spellings(word)) expect(commandOf(typed), typed).toBe(command);
  });

  it('reads a command with spaces and punctuation around it', () => {
    expect(commandOf('  Menú. ')).toBe('menu');
    expect(commandOf('¡AYUDA!')).toBe('help');
    expect(commandOf('Kòmanse!!')).toBe('optIn');
  });

  it('backs every command the README names', () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const paragraph = readme.slice(readme.indexOf('Anywhere in a conversation:'), readme.indexOf('Replies are'));
    const groups = [...paragraph.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!.split('/').map((w) => w.trim()));
    groups.push(readme.match(/by writing ([A-ZÀ-Ý /]+)\./)![1]!.split('/').map((w) => w.trim())); // CITA / APPOINTMENT / RANDEVOU
    expect(groups.length).toBe(8);
    for (const group of groups) {
      const commands = group.map((w) => commandOf(w));
      expect(commands.every((c) => c !== undefined && c === commands[0]), `README: ${group.join(' / ')} → ${commands.join(', ')}`).toBe(true);
    }
  });

  it.each(['quiero ayuda con mi cita', 'menu de comida', 'hola', 'dos', 'si', 'wi', 'albañil', 'stop it', 'borrar cita'])('does not take the whole message %j for a command', (text) => {
    expect(commandOf(text)).toBeUndefined();
  });

  it("knows exactly Twilio's standard SMS keywords (Twilio answers them itself; Ruta must not answer twice)", () => {
    expect([...TWILIO_SMS_KEYWORDS].sort()).toEqual(['cancel', 'end', 'optout', 'quit', 'revoke', 'start', 'stop', 'stopall', 'unstop', 'unsubscribe', 'yes']);
    for (const word of TWILIO_SMS_KEYWORDS) expect(['optOut', 'optIn'], word).toContain(commandOf(word));
  });
});

describe('number words', () => {
  it.each(cardinalRows)('%s %j chooses option %i of a menu (as written, without accents, in upper case)', (_lang, word, n) => {
    for (const typed of spellings(word)) {
      expect(recognizeChoice(typed, twentyOptions), typed).toEqual({ ok: true, id: `option-${n}`, how: 'number' });
      expect(numberFromReply(fold(typed)), typed).toBe(n);
    }
  });

  it.each(cardinalRows)('%s %j is the amount %i', (lang, word, n) => {
    for (const typed of spellings(word)) expect(cardinalOfWord(fold(typed)), typed).toBe(n);
    expect(parseYears(`${word} ${YEARS_WORD[lang]}`, 2026), `${word} ${YEARS_WORD[lang]}`).toBe(n);
  });

  it.each(ordinalRows)('%s ordinal %j chooses option %i but is no amount', (_lang, word, n) => {
    for (const typed of spellings(word)) expect(recognizeChoice(typed, twentyOptions), typed).toEqual({ ok: true, id: `option-${n}`, how: 'number' });
    expect(cardinalOfWord(fold(word))).toBeUndefined();
  });

  const prefixRows = (Object.entries(NUMBER_PREFIXES) as Array<[Lang, string[]]>).flatMap(([lang, prefixes]) => prefixes.map((p) => [lang, p, NUMBER_WORDS[4]![lang]![0]!] as const));
  it.each(prefixRows)('%s reads "%s 4" and "%s %s"', (_lang, prefix, four) => {
    expect(recognizeChoice(`${prefix} 4`, twentyOptions)).toMatchObject({ ok: true, id: 'option-4' });
    expect(recognizeChoice(`${prefix.toUpperCase()} ${four}`, twentyOptions)).toMatchObject({ ok: true, id: 'option-4' });
  });

  it('refuses a number word beyond the menu', () => {
    expect(recognizeChoice('kat', twentyOptions.slice(0, 3))).toEqual({ ok: false, reason: 'out_of_range' });
  });

  it('reads Haitian Creole 17 "disèt" and 18 "dizwit" in the official spelling, and the older "dissèt", "dizuit"', () => {
    for (const [word, n] of [['disèt', 17], ['DISÈT', 17], ['dissèt', 17], ['dizwit', 18], ['dizuit', 18]] as const) {
      expect(cardinalOfWord(fold(word)), word).toBe(n);
      expect(numberFromReply(fold(word)), word).toBe(n);
    }
  });
});
