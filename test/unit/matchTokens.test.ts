import { describe, expect, it } from 'vitest';
import { contentWords, destretched, keySimilarity, KeyNeighbours, matchKey, normalizedWords, phoneticKey } from '../../src/match/tokens.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { PhraseIndex } from '../../src/match/OccupationMatcher.js';

describe('tokens for matching', () => {
  it('expands SMS shorthand and squeezes repeated letters', () => {
    expect(normalizedWords('trabaje x 5 años q soy albañiiil')).toEqual(['trabaje', 'por', '5', 'anos', 'que', 'soy', 'albanil']);
    expect(normalizedWords('m se chofè')).toEqual(['mwen', 'se', 'chofe']);
  });

  it('drops words that say nothing about a trade, in the three languages', () => {
    expect(contentWords('yo trabajo de albañil desde hace 10 años')).toEqual(['albanil']);
    expect(contentWords('I have been working as a plumber for years')).toEqual(['plumber']);
    expect(contentWords('mwen te travay kòm kizinyè pandan 5 lane')).toEqual(['kizinye', 'pandan']);
  });

  it('reads stretched greetings and doubled final letters as their word, where a double is not a real spelling', () => {
    expect(contentWords('holaa soy albañil')).toEqual(['albanil']);
    expect(contentWords('hii, i am a plumber')).toEqual(['plumber']);
    expect(contentWords('bonjouu mwenn se mason')).toEqual(['mason']);
    expect(contentWords('holaaaa buenass graciass, pego block')).toEqual(['pego', 'block']);
    // Doubles that are the spelling stay: Creole "masonn", "kann", Spanish "perro" (not "pero").
    expect(contentWords('masonn kann perros carro')).toEqual(['masonn', 'kann', 'perros', 'carro']);
    expect(destretched('hoola', (w) => w === 'hola')).toBeUndefined();
    expect(destretched('hoola', (w) => w === 'hola', { anywhere: true })).toBe('hola');
    expect(destretched('mm', (w) => w === 'm')).toBeUndefined();
  });

  it('gives Spanish, English and old and new Creole spellings the same phonetic key', () => {
    expect(phoneticKey('electricien')).toBe(phoneticKey('elektrisyen'));
    expect(matchKey(normalizedWords('maçon')[0]!)).toBe(matchKey('mason'));
    expect(phoneticKey('chauffeur').startsWith(phoneticKey('chofe'))).toBe(true);
    expect(matchKey('pegando')).toBe(matchKey('pegar'));
    expect(matchKey(normalizedWords('ménagère')[0]!).startsWith(matchKey(normalizedWords('menajè')[0]!))).toBe(true);
  });

  it('scores keys: exact 1, prefixes by length, a typo 0.75, short keys only exactly', () => {
    expect(keySimilarity('plomer', 'plomer')).toBe(1);
    expect(keySimilarity('pint', 'pintor')).toBeCloseTo(0.75);
    expect(keySimilarity('elektrisista', 'elektrisita')).toBe(0.75);
    expect(keySimilarity('kok', 'koktel')).toBe(0);
    expect(keySimilarity('ranj', 'manj')).toBe(0);
    // A short prefix must be most of the word; five letters are a stem.
    expect(keySimilarity('maki', 'makinari')).toBe(0);
    expect(keySimilarity('frieg', 'friegaplat')).toBeGreaterThan(0);
  });
});

describe('PhraseIndex scoring', () => {
  const index = new PhraseIndex([
    { item: 'mason', phrases: [PhraseIndex.phrase('albañil', 1)!, PhraseIndex.phrase('pegar block', 0.6)!, PhraseIndex.phrase('obra', 0.6)!] },
    { item: 'carpenter', phrases: [PhraseIndex.phrase('carpintero', 1)!, PhraseIndex.phrase('obra', 0.6)!, PhraseIndex.phrase('madera', 0.6)!] },
    { item: 'cook', phrases: [PhraseIndex.phrase('cocinero', 1)!, PhraseIndex.phrase('cocina', 0.6)!] },
  ]);

  it('ranks the specific words above the shared ones', () => {
    expect(index.rank('pegando block en la obra')[0]?.item).toBe('mason');
    expect(index.rank('obra y madera', { minRaw: 0 })[0]?.item).toBe('carpenter');
  });

  it('reports scores between 0 and 1, best first', () => {
    const ranked = index.rank('albañil, pego block en la obra');
    expect(ranked[0]!.score).toBeGreaterThan(0.5);
    expect(ranked[0]!.score).toBeLessThanOrEqual(1);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i]!.raw).toBeLessThanOrEqual(ranked[i - 1]!.raw);
  });

  it('counts a word of the description once, however many phrases it appears in', () => {
    const repeated = new PhraseIndex([
      { item: 'a', phrases: ['maquina', 'maquina de coser', 'operador de maquina', 'maquinista'].map((p) => PhraseIndex.phrase(p, 1)!) },
      { item: 'b', phrases: [PhraseIndex.phrase('maquina', 1)!, PhraseIndex.phrase('taller', 1)!] },
    ]);
    expect(repeated.rank('maquina taller')[0]?.item).toBe('b');
  });

  it('finds nothing in words it does not know', () => {
    expect(index.rank('')).toEqual([]);
    expect(index.rank('hola buenas tardes')).toEqual([]);
  });
});

describe('KeyNeighbours (the keys a query key can be like, without comparing it with all)', () => {
  const catalog = Catalog.load();
  const vocabularies = {
    occupations: catalog.occupationIndex.keys,
    // The registry's index (RENEC standards): other words, longer keys.
    registry: catalog.renecIndex.keys,
  };

  /** Edits a typo makes: each letter deleted or replaced, each pair swapped, one letter added; for long keys, two of them. */
  function typos(key: string): string[] {
    const one = (w: string, i: number) => [w.slice(0, i) + w.slice(i + 1), `${w.slice(0, i)}x${w.slice(i + 1)}`, `${w.slice(0, i)}e${w.slice(i)}`, w.slice(0, i) + (w[i + 1] ?? '') + (w[i] ?? '') + w.slice(i + 2)];
    const out: string[] = [];
    for (let i = 0; i < key.length; i++) out.push(...one(key, i));
    // Two edits, far apart and side by side, for keys long enough to be forgiven two.
    if (key.length >= 8) for (const first of one(key, 1)) out.push(...one(first, first.length - 2), ...one(first, 2));
    return out;
  }

  it.each(Object.keys(vocabularies))('finds every key keySimilarity finds, for each key of the %s index, its typos, prefixes and longer forms', (name) => {
    const vocabulary = vocabularies[name as keyof typeof vocabularies];
    expect(vocabulary.length).toBeGreaterThan(500);
    const neighbours = new KeyNeighbours(vocabulary);
    const missed: string[] = [];
    let queries = 0;
    let compared = 0;
    // A sample of the keys (every key against the whole vocabulary took minutes), each with its typos.
    const step = Math.ceil(vocabulary.length / 250);
    for (let k = 0; k < vocabulary.length; k += step) {
      const key = vocabulary[k]!;
      const forms = new Set([key, ...typos(key), key.slice(0, 3), key.slice(0, -1), `${key}s`, `${key}ero`]);
      for (const query of forms) {
        queries++;
        const near = neighbours.candidates(query);
        compared += near.size;
        for (const v of vocabulary) if (keySimilarity(query, v) > 0 && !near.has(v)) missed.push(`${query} ~ ${v}`);
      }
    }
    expect(queries).toBeGreaterThan(2000);
    expect(missed.slice(0, 10)).toEqual([]);
    // And it is a short list: a few keys a query, not the vocabulary.
    expect(compared / queries).toBeLessThan(vocabulary.length / 50);
  });
});
