import type { Catalog } from '../src/catalog/Catalog.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import { NO } from '../src/language/keywords.js';
import type { Question } from './StepDialog.js';

/** "Which of these is your trade?" — the occupations of one sector, understood by any of their names. */
export function occupationMenu(catalog: Catalog, ruta: RutaTurn, sectorId: string): Question {
  return {
    kind: 'menu',
    text: ruta.t('route.askOccupation'),
    options: catalog.occupationsIn(sectorId).map((o) => ({ id: o.id, label: o.name[ruta.language], synonyms: [...o.terms.es, ...o.terms.en, ...o.terms.ht] })),
  };
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
