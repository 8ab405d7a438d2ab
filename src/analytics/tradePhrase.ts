import { scrubPii } from '../privacy/scrub.js';
import { fold } from '../language/text.js';

/** Longer phrases are cut: a long message is more likely to say who someone is than what they do. */
export const MAX_PHRASE_WORDS = 6;

/**
 * The phrase kept from a trade description that matched nothing, so coordinators learn which
 * trades Ruta misses: e-mails, phone and identity numbers removed, every digit removed,
 * capitalised words removed (names: "trabajo con Pedro en Higüey"), except the first word of a
 * sentence (phones capitalise it), then folded (lower case, no accents or punctuation) and cut to
 * MAX_PHRASE_WORDS words. undefined when nothing is left. Text all in capitals has no names to
 * tell apart and keeps its words. Phrases are still shown only once k distinct workers wrote them.
 *
 * @example tradePhrase('Hago tapicería de Carros con Pedro, 809 555 0100') === 'hago tapiceria de con'
 * @example tradePhrase('Fumigador') === 'fumigador'
 */
export function tradePhrase(text: string): string | undefined {
  const scrubbed = scrubPii(text)
    .replace(/\[(email|phone|id)\]/g, ' ')
    .replace(/\p{N}+/gu, ' ');
  const hasLower = /\p{Ll}/u.test(scrubbed);
  const kept: string[] = [];
  let sentenceStart = true;
  for (const token of scrubbed.split(/\s+/)) {
    if (token === '') continue;
    const capitalised = /^\P{L}*\p{Lu}/u.test(token);
    if (!(hasLower && capitalised && !sentenceStart)) kept.push(token);
    sentenceStart = /[.!?¡¿]$/.test(token);
  }
  const phrase = fold(kept.join(' ')).split(' ').filter(Boolean).slice(0, MAX_PHRASE_WORDS).join(' ');
  return phrase === '' ? undefined : phrase;
}
