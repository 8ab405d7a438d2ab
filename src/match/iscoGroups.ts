import { z } from 'zod';
import { LANGUAGES, localizedListSchema, type Language } from '../catalog/schema.js';
import { PhraseIndex } from './OccupationMatcher.js';
import { fold } from '../language/text.js';

/**
 * For work the catalog does not cover: the ISCO-08 unit group a worker's words are closest to.
 *
 * Two kinds of names, in one phrase index: the words workers use for trades outside the catalog
 * (data/isco-words.json, in the three languages) and the names each group's official Spanish title
 * gives (isco08-unit-groups-es.tsv: "Tapiceros, colchoneros y afines" names tapiceros and
 * colchoneros; what follows a "de" only qualifies them), so "tapicero de muebles" meets 7534 and
 * "kòdonye" meets 7536 "Zapateros y afines". Only a name counts: a word of a title's qualifier
 * ("civiles", "agua", "vehículos") says nothing about the worker's trade.
 * The bot names the group, says whether a national standard is known for it, and whom to ask.
 */

export const iscoWordsSchema = z.object({
  source: z.string().min(1),
  groups: z.record(z.string().regex(/^\d{4}$/), localizedListSchema),
});
export type IscoWords = z.infer<typeof iscoWordsSchema>;

export interface IscoGroup {
  code: string;
  /** The official Spanish title (CIUO-08). */
  title: string;
}

/** Title words that name no trade: "Oficiales y operarios … no clasificados bajo otros epígrafes". */
const GENERIC = new Set(
  'afines otros otras trabajadores trabajador operarios operario oficiales oficial operadores operador maquinas maquina instalaciones instalacion peones peon calificados calificadas clasificados clasificadas bajo epigrafes personal servicios productos auxiliares asistentes supervisores especialistas profesionales tecnicos directores gerentes elaboracion fabricar fabricacion tratamiento artesanos artesanas mecanicos reparadores materiales similares'.split(' '),
);

/** Groups of the armed forces and managers are never the answer to "what is your trade?". */
const OUT_OF_SCOPE = /^(0|1)/;

export class IscoGroups {
  private readonly index: PhraseIndex<IscoGroup>;
  /** The names titles give, as a worker would write one of them (singular, either gender) → groups. */
  private readonly byName = new Map<string, IscoGroup[]>();

  constructor(titles: ReadonlyMap<string, string>, words: IscoWords) {
    const unknown = Object.keys(words.groups).filter((code) => !titles.has(code));
    if (unknown.length > 0) throw new Error(`isco-words.json: not ISCO-08 unit groups: ${unknown.join(', ')}`);
    const groups = [...titles].filter(([code]) => !OUT_OF_SCOPE.test(code)).map(([code, title]) => ({ code, title }));
    for (const group of groups)
      for (const name of titleNames(group.title))
        for (const form of nameForms(name)) this.byName.set(form, [...(this.byName.get(form) ?? []), group]);
    this.index = new PhraseIndex(
      groups
        .map((group) => ({
          item: group,
          phrases: LANGUAGES.flatMap((lang) => (words.groups[group.code]?.[lang] ?? []).map((w) => PhraseIndex.phrase(w, 1, lang))).filter((p) => p !== undefined),
        }))
        .filter((e) => e.phrases.length > 0),
    );
  }

  /**
   * The closest groups to a description, best first (at most `limit`): the group whose title alone
   * names a word of it as written ("tapicero" → 7534 Tapiceros), then those the workers' words point
   * to and name (see Evidence.named), then groups whose titles share a name it uses; none when
   * nothing in it names a kind of work.
   */
  closest(text: string, language?: Language, limit = 2): IscoGroup[] {
    const out: IscoGroup[] = [];
    const add = (g: IscoGroup) => {
      if (!out.some((o) => o.code === g.code)) out.push(g);
    };
    const named = fold(text)
      .split(/[^a-z]+/)
      .map((word) => this.byName.get(word) ?? []);
    // A name one title gives says its group; one many give ("vendedores": six groups) lets the workers' words choose.
    for (const groups of named) if (groups.length === 1) add(groups[0]!);
    for (const r of this.index.rank(text, { limit, relative: 0.8, minRaw: 0.6, ...(language ? { language } : {}) })) if (r.evidence.named) add(r.item);
    for (const groups of named) if (groups.length > 1) groups.forEach(add);
    return out.slice(0, limit);
  }
}

/** A title's name as workers write it: "tapiceros" → tapicero, tapicera; "pescadores" → pescador, pescadora. */
function nameForms(plural: string): string[] {
  const one = plural.endsWith('ores') ? plural.slice(0, -2) : plural.endsWith('es') && !/[aeiou]es$/.test(plural) ? plural.slice(0, -2) : plural.replace(/s$/, '');
  const forms = [plural, one];
  if (one.endsWith('o')) forms.push(`${one.slice(0, -1)}a`);
  if (one.endsWith('or')) forms.push(`${one}a`);
  return forms;
}

/**
 * The names a title gives: the words before its first qualifier, one per name listed.
 * @example titleNames('Sastres, modistos, peleteros y sombrereros') // ['sastres', 'modistos', 'peleteros', 'sombrereros']
 * @example titleNames('Pescadores de agua dulce y en aguas costeras') // ['pescadores'] ("agua" is not a trade)
 * @example titleNames('Ingenieros civiles') // ['ingenieros'] ("civil" in "protección civil" is not an engineer)
 */
export function titleNames(title: string): string[] {
  // fold() drops punctuation: the commas that separate names become "y" first.
  const head = fold(title.replace(/,/g, ' y ')).split(/\s(?:de|del|en|para|a|con|excluyendo)\s|\(/)[0] ?? '';
  return head
    .split(/,|\sy\s|\se\s|\so\s/)
    .map((name) => name.trim().split(/\s+/)[0] ?? '')
    .filter((w) => w.length >= 4 && !GENERIC.has(w));
}
