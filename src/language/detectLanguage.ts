import { createRequire } from 'node:module';
import type { Language } from '../catalog/schema.js';
import { destretched, normalizedWords } from '../match/tokens.js';

/** What a message is written in. French is reported as such: Ruta answers it in Haitian Creole. */
export type DetectedLanguage = 'es' | 'en' | 'ht' | 'fr';
const DETECTED: readonly DetectedLanguage[] = ['es', 'en', 'ht', 'fr'];

export interface Detection {
  language: DetectedLanguage | undefined;
  /** How sure, 0–1: the chosen language's share of the evidence. */
  confidence: number;
}

// Folded words that point to one language. Greetings weigh double, so that "Hola", "Bonjou",
// "Hi" or "Bonjour" alone are enough: trigram models cannot tell from so few letters.
const GREETINGS: Record<DetectedLanguage, string[]> = {
  es: ['hola', 'ola', 'buenas', 'buenos', 'saludos', 'klk', 'que tal', 'buen', 'holi', 'epa', 'onda', 'quiubo', 'wepa', 'wenas', 'oye', 'oiga'],
  // Caribbean English as it is typed ("wah gwaan", "gud mornin"): English, not Creole.
  en: ['hi', 'hello', 'hey', 'good', 'morning', 'evening', 'afternoon', 'howdy', 'yo', 'wassup', 'sup', 'hiya', 'greetings', 'gud', 'mornin', 'evenin', 'wah', 'gwaan', 'wagwan', 'whatsup'],
  ht: ['bonjou', 'bonswa', 'sak', 'alo', 'onè', 'one', 'respe', 'kouman', 'kijan', 'bonnwit', 'mezanmi'],
  fr: ['bonjour', 'bonsoir', 'salut', 'coucou', 'allo'],
};
const WORDS: Record<DetectedLanguage, string[]> = {
  // The command words count too: a first message "EFASE" or "BORRAR" shows the language.
  // "x" is Spanish SMS for "por" ("info x favor"); "info" is Spanish as much as English; "aló"
  // opens a call in Spanish too, but alone it is the Creole greeting ("Alo" stays Creole).
  es: ['cita', 'citas', 'x', 'info', 'alo', 'pregunta', 'quien', 'habla', 'borrar', 'ayuda', 'ayudas', 'idioma', 'parar', 'atras', 'iniciar', 'que', 'como', 'quiero', 'necesito', 'trabajo', 'trabaje', 'trabajar', 'soy', 'estoy', 'tengo', 'para', 'por', 'con', 'una', 'los', 'las', 'del', 'gracias', 'informacion', 'si', 'pero', 'mi', 'mis', 'donde', 'cuando', 'certificado', 'certificar', 'certificarme', 'certifico', 'certificacion', 'oficio', 'anos', 'favor', 'usted', 'dias', 'dia', 'tardes', 'noches', 'el', 'es', 'yo', 'hace', 'quisiera', 'puedo', 'saber', 'hermano', 'xq', 'porfa', 'aqui', 'estan', 'cuanto', 'cuesta', 'queda', 'papeles', 'tengo', 'me', 'ayudame', 'ahorita', 'chamba', 'pega', 'vaina', 'tambien', 'cuesta', 'necesitas', 'nada'],
  en: ['appointment', 'appointments', 'waan', 'fi', 'mi', 'nuh', 'dem', 'unu', 'seh', 'likkle', 'pickney', 'delete', 'erase', 'help', 'language', 'stop', 'back', 'start', 'what', 'how', 'want', 'need', 'work', 'worked', 'working', 'i', 'am', 'im', 'have', 'for', 'with', 'the', 'and', 'my', 'thanks', 'thank', 'information', 'info', 'yes', 'but', 'where', 'when', 'certificate', 'certified', 'job', 'years', 'please', 'is', 'are', 'you', 'can', 'do', 'get', 'there', 'this', 'been', 'doing', 'of', 'to', 'day', 'much', 'does', 'it', 'cost', 'bring', 'office', 'papers', 'dont', 'me', 'as', 'a', 'an', 'should', 'would', 'tell', 'about'],
  ht: ['randevou', 'efase', 'lanng', 'sispann', 'retounen', 'komanse', 'mwen', 'ou', 'nou', 'yo', 'li', 'se', 'ye', 'ki', 'kote', 'poukisa', 'vle', 'bezwen', 'travay', 'konnen', 'genyen', 'gen', 'pa', 'wi', 'mesi', 'anpil', 'tanpri', 'ede', 'ed', 'enfomasyon', 'setifika', 'sou', 'nan', 'ak', 'pou', 'yon', 'sa', 'fe', 'konsa', 'byen', 'zanmi', 'ap', 'te', 'pral', 'kounye', 'jodi', 'pase', 'bos', 'mache', 'ban', 'kisa', 'zot', 'ane', 'lane', 'konbyen', 'koute', 'biwo', 'pote', 'papye', 'jwenn', 'fet', 'tout', 'moun', 'souple', 'kom', 'sil', 'vou', 'plait', 'kijan', 'ka', 'kapab', 'dako', 'non', 'tande', 'pwoblem', 'lajan', 'bagay', 'ti'],
  fr: ['je', 'suis', 'vous', 'merci', 'oui', 'comment', 'pourquoi', 'travail', 'besoin', 'veux', 'avec', 'pour', 'est', 'les', 'des', 'une', 'c', 'ca', 'aide', 'plait', 'mon', 'ma', 'j', 'ai', 'voudrais', 'etes', 'allez', 'bien', 'cherche', 'du', 'certificat', 'combien', 'coute', 'ou', 'bureau'],
};

// Frequent everyday words of each language (folded), so that short messages without a greeting
// or a command word ("esta bien", "can u help", "m ap chèche travay") are still recognised.
const COMMON: Record<Exclude<DetectedLanguage, 'fr'>, string> = {
  es: "el la los las un una unos unas de del al y o pero porque como cuando donde quien que cual esto eso esta este estan estoy estas esta bien muy mas menos mucho poco todo nada algo alguien siempre nunca tambien ya aun todavia aqui alli ahora despues antes hoy manana ayer buscar busco buscando ando andamos vivo vive vivimos soy eres somos son fue fui era tengo tiene tienen tenemos hay hacer hago hace hacemos puedo puede pueden quiero quiere necesito necesita saber se sabe conocer creo digo dice decir pido piden pedir dar doy venir vengo ir voy vamos llegar trabajo trabajar empleo empresa jefe patron dinero pago precio costo gratis cuanto cuantos cuanta papeles documentos cedula pasaporte nombre apellido casa pais ciudad familia hijos amigo hermano senor senora disculpe disculpa perdon permiso consulta pregunta respuesta ayudeme ayudame ayudar ayuda favor xfa porfa gracias amable saludos cordiales bueno buena buenos buenas claro vale listo dale chevere genial inscribo inscribir registro titulo diploma curso escuela ademas entonces pues asi mismo otra otro ningun ninguna ese esa",
  en: "the a an and or but because how when where who what which this that these those is are was were be been being am do does did done have has had having i me my mine you your yours he she it we they them our their not no yes yeah please thanks thank much many more less very so too also just only still now then at in on by for of to up out as if today tomorrow yesterday here there want wants need needs looking look find work job jobs boss money pay price cost free how much papers documents passport name house country city family kids friend sir madam sorry excuse question answer help explain sign up register certificate course school good nice great fine cool sure right well from with without about into over under can could would should will shall may might must know think say tell ask get give go come make take see long time",
  ht: "mwen m ou w li l nou n yo y se ye te ap pral va ta konn konnen pa pat gen genyen fe fè kap k ki kisa kiyes kilè kote kijan kouman poukisa konbyen paske men epi oswa ak avek nan lan la a yon youn de sa sila tout anpil ti gwo bon byen mal mesi souple tanpri wi non oke dakò jodi a demen yè kounye kounya isit la lakay travay chache chèche jwenn bezwen vle kapab ka rete soti vini ale fè di mande bay pran wè tande konprann eksplike enskri papye paspò non m adrès kay peyi vil fanmi pitit zanmi mesye madanm ti gason fi lajan pri gratis sètifika fòmasyon lekòl kou eksperyans metye enfòmasyon oryantasyon biwo sant randevou",
};

const require = createRequire(import.meta.url);
let francModule: typeof import('franc') | undefined;

/**
 * franc, loaded on first use. Loading it builds the trigram models of every language it knows
 * (about 60 ms of a start, measured on this machine), and a greeting or a command (under 8
 * letters) never needs them; the server warms it a second after it listens (issue 13: start-up).
 * An ES module, required synchronously: Node.js 20.19+ or 22.12+, which the server checks at
 * start (src/nodeVersion.ts).
 */
function francLib(): typeof import('franc') {
  return (francModule ??= require('franc') as typeof import('franc'));
}

// franc's ISO 639-3 codes for the languages Ruta tells apart.
const FRANC: Record<string, DetectedLanguage> = { spa: 'es', eng: 'en', hat: 'ht', fra: 'fr' };
const FRANC_ONLY = Object.keys(FRANC);

type Lexicon = Map<string, Map<DetectedLanguage, number>>;

function addTo(lex: Lexicon, word: string, lang: DetectedLanguage, weight: number) {
  const entry = lex.get(word) ?? new Map<DetectedLanguage, number>();
  entry.set(lang, Math.max(entry.get(lang) ?? 0, weight));
  lex.set(word, entry);
}

function baseLexicon(): Lexicon {
  const lex: Lexicon = new Map();
  const folded = (w: string) => normalizedWords(w);
  for (const lang of DETECTED) {
    for (const g of GREETINGS[lang]) for (const part of folded(g)) addTo(lex, part, lang, 2);
    for (const w of WORDS[lang]) for (const part of folded(w)) addTo(lex, part, lang, 1);
    if (lang !== 'fr') for (const w of COMMON[lang].split(' ')) for (const part of folded(w)) addTo(lex, part, lang, 0.6);
  }
  return lex;
}

/**
 * Language of a short message in Spanish, English, Haitian Creole (or French, which Ruta answers
 * in Creole): a word lexicon for the few words of a greeting or a command, combined with franc's
 * trigram models (restricted to these languages) as the text gets longer.
 *
 * @example new LanguageDetector().detect('Bonjou').language === 'ht'
 */
export class LanguageDetector {
  private readonly lex: Lexicon = baseLexicon();

  /** Adds words known to be of one language (e.g. the catalog's trade names), weight 1/2. */
  constructor(extra?: Partial<Record<Language, readonly string[]>>) {
    if (!extra) return;
    const owners = new Map<string, Set<Language>>();
    for (const [lang, list] of Object.entries(extra) as Array<[Language, string[]]>)
      for (const phrase of list) for (const w of normalizedWords(phrase)) if (w.length >= 4) owners.set(w, (owners.get(w) ?? new Set()).add(lang));
    // Only words that belong to one language ("albanil", "kizinye"), and only if the base
    // lexicon has no opinion on them.
    for (const [w, langs] of owners) if (langs.size === 1 && !this.lex.has(w)) addTo(this.lex, w, [...langs][0]!, 0.5);
  }

  /** Loads franc's models now rather than during a worker's first long message. */
  warm(): void {
    francLib();
  }

  /** True once franc is loaded (tests). */
  static get modelsLoaded(): boolean {
    return francModule !== undefined;
  }

  detect(text: string): Detection {
    const tokens = normalizedWords(text).filter((t) => !/^\d+$/.test(t));
    if (tokens.length === 0) return { language: undefined, confidence: 0 };

    const lexScores = new Map<DetectedLanguage, number>();
    let matched = 0;
    for (const token of tokens) {
      // A stretched greeting or word ("holaa", "hii", "bonjouu", "buenass") is read as the word.
      const word = destretched(token, (w) => this.lex.has(w), { anywhere: true });
      const entry = word === undefined ? undefined : this.lex.get(word);
      if (!entry) continue;
      matched += 1;
      // A word shared by several languages counts less for each.
      for (const [lang, weight] of entry) lexScores.set(lang, (lexScores.get(lang) ?? 0) + weight / entry.size);
    }
    const lexTotal = [...lexScores.values()].reduce((s, v) => s + v, 0);

    // franc on the letters: reliable from about 20 letters, useless on a greeting.
    const letters = tokens.join('').length;
    const francWeight = letters < 8 ? 0 : Math.min(1, letters / 25) * 1.5;
    const francScores = new Map<DetectedLanguage, number>();
    if (francWeight > 0 && francLib().franc(text, { only: FRANC_ONLY, minLength: 1 }) !== 'und') {
      const all = francLib().francAll(text, { only: FRANC_ONLY, minLength: 1 });
      // franc scores the best language 1 and the others relative to it; sharpen, then share.
      const sharpened = all.map(([code, s]) => [FRANC[code]!, s ** 8] as const);
      const sum = sharpened.reduce((s, [, v]) => s + v, 0);
      for (const [lang, v] of sharpened) francScores.set(lang, v / sum);
    }

    const lexWeight = Math.min(2, matched);
    const combined = DETECTED.map((lang) => {
      const lexShare = lexTotal > 0 ? (lexScores.get(lang) ?? 0) / lexTotal : 0;
      return [lang, lexWeight * lexShare + francWeight * (francScores.get(lang) ?? 0)] as const;
    }).sort((a, b) => b[1] - a[1]);
    const total = combined.reduce((s, [, v]) => s + v, 0);
    const [best, second] = combined;
    if (!best || total === 0 || best[1] === second?.[1]) return { language: undefined, confidence: 0 };
    const share = best[1] / total;
    // A greeting alone is enough; one ambiguous word is not.
    const evidence = Math.min(1, (lexWeight + francWeight) / 2);
    return { language: best[0], confidence: Math.round(share * (0.5 + 0.5 * evidence) * 100) / 100 };
  }
}

/** Without the catalog's trade names; built when first asked for (the server uses the catalog's). */
let defaultDetector: LanguageDetector | undefined;
const baseDetector = () => (defaultDetector ??= new LanguageDetector());

/**
 * Language of a short message. Undetermined (language undefined) when nothing or several
 * languages equally match.
 *
 * @example detectLanguage('Bonjou').language === 'ht'
 * @example detectLanguage('Bonjour, je cherche du travail').language === 'fr'
 */
export function detectLanguage(text: string, detector: LanguageDetector = baseDetector()): Detection {
  return detector.detect(text);
}

/**
 * The language Ruta answers a message in, if its words show one: French is answered in
 * Haitian Creole (the workers who write French are Haitian).
 *
 * @example replyLanguage('Bonjour') === 'ht'
 */
export function replyLanguage(text: string, detector: LanguageDetector = baseDetector()): Language | undefined {
  const detected = detector.detect(text).language;
  return detected === 'fr' ? 'ht' : detected;
}
