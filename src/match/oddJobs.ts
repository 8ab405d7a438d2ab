import { normalizedWords } from './tokens.js';

/**
 * Words by which workers say they do odd jobs, not one trade: the Dominican "chiripero" (from
 * "chiripa", a bit of luck), "hago de todo", "odd jobs", Creole "ti djòb". Folded, as
 * `normalizedWords` writes them.
 */
const ODD_JOBS = [
  'chiripero', 'chiripera', 'chiriperos', 'chiripa', 'chiripas', 'chiripeo', 'chiripear', 'chambitas', 'chambas',
  'de todo un poco', 'hago de todo', 'lo que salga', 'lo que aparezca', 'trabajos varios', 'oficios varios',
  'odd jobs', 'odd job', 'handyman', 'bit of everything', 'jack of all trades', 'whatever comes', 'any work',
  'ti djob', 'ti djobs', 'nenpot djob', 'nenpot travay', 'nenpot bagay', 'tout kalite travay', 'bricoleur',
];

/**
 * Whether a description says the worker does odd jobs: then one task word is not enough to read
 * a trade ("chiripero, pinto" → none), a trade named or two task words are ("chiripero, soy
 * albañil", "chiripero, mas que nada pinto casas").
 * @example saysOddJobs('soy chiripero, hago de todo') === true
 */
export function saysOddJobs(text: string): boolean {
  const words = ` ${normalizedWords(text).join(' ')} `;
  return ODD_JOBS.some((phrase) => words.includes(` ${phrase} `));
}
