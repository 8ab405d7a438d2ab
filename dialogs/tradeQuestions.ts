import type { Catalog } from '../src/catalog/Catalog.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import { NO } from '../src/language/keywords.js';
import type { Answer, Question } from './StepDialog.js';

/**
 * "Which of these is your trade?" — the occupations of one sector, understood by any of their
 * names, then "none of these"; a trade typed instead is read too (occupationMenuAnswer).
 */
export function occupationMenu(catalog: Catalog, ruta: RutaTurn, sectorId: string): Question {
  return {
    kind: 'menu',
    text: ruta.t('route.askOccupation'),
    acceptsText: true,
    options: [
      ...catalog.occupationsIn(sectorId).map((o) => ({ id: o.id, label: o.name[ruta.language], synonyms: [...o.terms.es, ...o.terms.en, ...o.terms.ht] })),
      { id: 'none', label: ruta.t('route.noneOfThese'), synonyms: NO },
    ],
  };
}

/** What a reply to a sector's list means. */
export type OccupationMenuAnswer = { kind: 'trade'; id: string } | { kind: 'none' } | { kind: 'candidates'; ids: string[] } | { kind: 'unknown' };

/**
 * A reply to occupationMenu: a trade of the list, "none of these" (back to the trade question, not
 * a loop), or a trade typed instead of a number (what it names, to confirm), else not understood.
 */
export async function occupationMenuAnswer(ruta: RutaTurn, { choice, partialChoice, text }: Answer): Promise<OccupationMenuAnswer> {
  if (choice === 'none') return { kind: 'none' };
  if (choice) return { kind: 'trade', id: choice };
  const ids = text.trim() === '' ? [] : (await ruta.readWork(text)).occupations.map((o) => o.id);
  if (ids.length > 0) return { kind: 'candidates', ids };
  if (partialChoice && partialChoice !== 'none') return { kind: 'trade', id: partialChoice };
  return { kind: 'unknown' };
}

/** "Do you mean …?" — the occupations a description matched, best first, then "none of these". */
export function didYouMeanQuestion(catalog: Catalog, ruta: RutaTurn, candidates: readonly string[] = []): Question {
  return {
    kind: 'menu',
    text: ruta.t('route.didYouMean'),
    options: [
      ...candidates.flatMap((id) => {
        const o = catalog.occupation(id);
        return o ? [{ id: o.id, label: o.name[ruta.language] }] : [];
      }),
      { id: 'none', label: ruta.t('route.noneOfThese'), synonyms: NO },
    ],
  };
}
