import type { Language } from '../catalog/schema.js';
import { words } from './text.js';

/** What a message is written in. French is reported as such: Ruta answers it in Haitian Creole. */
export type DetectedLanguage = 'es' | 'en' | 'ht' | 'fr';

export interface Detection {
  language: DetectedLanguage | undefined;
  /** Share of the message's words that point to the chosen language (0–1). */
  confidence: number;
}

// Folded (no accents) words that strongly suggest one language. Greetings weigh double, so that
// "Hola", "Bonjou", "Hi" or "Bonjour" alone are enough.
const GREETINGS: Record<DetectedLanguage, string[]> = {
  es: ['hola', 'ola', 'buenas', 'buenos', 'saludos', 'klk', 'que tal', 'buen', 'holi', 'epa'],
  en: ['hi', 'hello', 'hey', 'good', 'morning', 'evening', 'afternoon', 'howdy', 'yo', 'wassup', 'sup'],
  ht: ['bonjou', 'bonswa', 'sak', 'alo', 'onè', 'one', 'respe', 'kouman', 'kijan'],
  fr: ['bonjour', 'bonsoir', 'salut', 'coucou'],
};
const WORDS: Record<DetectedLanguage, string[]> = {
  // The command words count too: a first message "EFASE" or "BORRAR" shows the language.
  es: ['borrar', 'ayuda', 'idioma', 'parar', 'atras', 'iniciar', 'que', 'como', 'quiero', 'necesito', 'trabajo', 'trabaje', 'trabajar', 'soy', 'estoy', 'tengo', 'para', 'por', 'con', 'una', 'los', 'las', 'del', 'gracias', 'ayuda', 'informacion', 'si', 'pero', 'mi', 'mis', 'donde', 'cuando', 'certificado', 'certificar', 'certificacion', 'oficio', 'anos', 'favor', 'usted', 'dias', 'tardes', 'noches', 'el', 'es', 'yo', 'hace', 'quisiera', 'puedo', 'saber', 'hermano', 'q', 'xq', 'porfa', 'aqui', 'estan'],
  en: ['delete', 'erase', 'help', 'language', 'stop', 'back', 'start', 'what', 'how', 'want', 'need', 'work', 'worked', 'working', 'i', 'am', 'im', 'have', 'for', 'with', 'the', 'and', 'my', 'thanks', 'thank', 'help', 'information', 'yes', 'but', 'where', 'when', 'certificate', 'job', 'years', 'please', 'is', 'are', 'you', 'can', 'do', 'get', 'there', 'this', 'been', 'doing', 'of', 'to', 'day'],
  ht: ['efase', 'lanng', 'sispann', 'retounen', 'komanse', 'mwen', 'ou', 'nou', 'yo', 'li', 'se', 'ye', 'ki', 'kote', 'poukisa', 'vle', 'bezwen', 'travay', 'konnen', 'genyen', 'gen', 'pa', 'wi', 'mesi', 'anpil', 'tanpri', 'ede', 'enfomasyon', 'sètifika', 'setifika', 'sou', 'nan', 'ak', 'pou', 'yon', 'sa', 'm', 'w', 'fe', 'konsa', 'byen', 'zanmi', 'map', 'ap', 'te', 'pral', 'kounye', 'jodi', 'pase', 'bos', 'mache', 'kap', 'fem', 'ban', 'kisa', 'mezanmi', 'zot', 'ane', 'lane'],
  fr: ['je', 'suis', 'vous', 'merci', 'oui', 'comment', 'pourquoi', 'travail', 'besoin', 'veux', 'avec', 'pour', 'est', 'les', 'des', 'une', 'c', 'est', 'ca', 'aide', 'plait', 'mon', 'ma', 'j', 'ai', 'voudrais', 'etes', 'allez', 'bien'],
};

const LEX = new Map<string, Map<DetectedLanguage, number>>();
function add(word: string, lang: DetectedLanguage, weight: number) {
  const entry = LEX.get(word) ?? new Map<DetectedLanguage, number>();
  entry.set(lang, Math.max(entry.get(lang) ?? 0, weight));
  LEX.set(word, entry);
}
for (const [lang, list] of Object.entries(GREETINGS) as Array<[DetectedLanguage, string[]]>) for (const w of list) for (const part of w.split(' ')) add(part, lang, 2);
for (const [lang, list] of Object.entries(WORDS) as Array<[DetectedLanguage, string[]]>) for (const w of list) add(w, lang, 1);

/**
 * Language of a short message from its words. Undetermined (language undefined) when nothing or
 * several languages equally match.
 *
 * @example detectLanguage('Bonjou').language === 'ht'
 * @example detectLanguage('Bonjour, je cherche du travail').language === 'fr'
 */
export function detectLanguage(text: string): Detection {
  const tokens = words(text);
  if (tokens.length === 0) return { language: undefined, confidence: 0 };
  const scores = new Map<DetectedLanguage, number>();
  let matched = 0;
  for (const token of tokens) {
    const entry = LEX.get(token);
    if (!entry) continue;
    matched += 1;
    // A word shared by several languages counts less for each.
    for (const [lang, weight] of entry) scores.set(lang, (scores.get(lang) ?? 0) + weight / entry.size);
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] === 0 || (second && second[1] === best[1])) return { language: undefined, confidence: 0 };
  const share = best[1] / ranked.reduce((s, [, v]) => s + v, 0);
  const coverage = matched / tokens.length;
  return { language: best[0], confidence: Math.round(share * (0.5 + 0.5 * coverage) * 100) / 100 };
}

/**
 * The language Ruta answers a message in, if its words show one: French is answered in
 * Haitian Creole (the workers who write French are Haitian).
 *
 * @example replyLanguage('Bonjour') === 'ht'
 */
export function replyLanguage(text: string): Language | undefined {
  const detected = detectLanguage(text).language;
  return detected === 'fr' ? 'ht' : detected;
}
