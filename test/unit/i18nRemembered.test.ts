import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createI18n, MAX_WITH_OPTIONS, memoKey, readLocales, remembered, type RutaI18n } from '../../src/i18n.js';
import { LANGUAGES } from '../../src/catalog/schema.js';

type Tree = { [k: string]: string | Tree };
const keysOf = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v, `${prefix}${k}.`)));

let i18n: RutaI18n;
beforeAll(async () => {
  i18n = await createI18n();
});

describe('t(lang): plain keys answered from memory', () => {
  it('gives, for every key of every language, asked twice, what i18next gives', () => {
    const locales = readLocales();
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      const keys = keysOf((locales[lang] as Record<string, Tree>).translation!);
      expect(keys.length).toBeGreaterThan(100);
      for (const key of keys) {
        const direct = i18n.instance.t(key, { lng: lang });
        expect(t(key)).toBe(direct);
        expect(t(key)).toBe(direct);
      }
    }
  });

  it('still interpolates and counts when given options, whatever was remembered before', () => {
    const t = i18n.t('es');
    const plain = t('prescreen.experience');
    expect(t('prescreen.experience', { count: 3 })).not.toBe(plain);
    expect(t('prescreen.experience', { count: 3 })).toBe(i18n.instance.t('prescreen.experience', { lng: 'es', count: 3 }));
    expect(t('route.confirmCountry', { country: 'Costa Rica' })).toContain('Costa Rica');
    expect(t('route.confirmCountry', { country: 'Panamá' })).toContain('Panamá');
  });

  it('gives, for every key of every language with options, what i18next\'s own fixed t gives', () => {
    const locales = readLocales();
    const optionSets = [{ count: 1 }, { count: 3 }, { count: 0, country: 'Costa Rica', name: 'Ana', n: 2, code: 'EC0128', time: '09:00' }, { context: 'sms' }, {}];
    for (const lang of LANGUAGES) {
      const t = i18n.t(lang);
      const fixed = i18n.instance.getFixedT(lang);
      for (const key of keysOf((locales[lang] as Record<string, Tree>).translation!))
        for (const options of optionSets) {
          // Asked twice: the second answer comes from memory.
          expect(t(key, { ...options }), `${lang} ${key} ${JSON.stringify(options)}`).toBe(fixed(key, { ...options }));
          expect(t(key, { ...options }), `${lang} ${key} ${JSON.stringify(options)}, again`).toBe(fixed(key, { ...options }));
        }
    }
    // An options object naming its own language keeps it, as with i18next's fixed t.
    expect(i18n.t('es')('menu.title', { lng: 'ht' })).toBe(i18n.instance.t('menu.title', { lng: 'ht' }));
  });

  it('keeps each language apart', () => {
    expect(i18n.t('ht')('menu.title')).toBe(i18n.instance.t('menu.title', { lng: 'ht' }));
    expect(i18n.t('ht')('menu.title')).not.toBe(i18n.t('es')('menu.title'));
  });

  it('remembers a sentence with options by every value, and never takes one value for another', () => {
    const t = i18n.t('es');
    const fixed = i18n.instance.getFixedT('es');
    // Texts that would collide if names and values were only joined by separators.
    const tricky = ['Costa Rica', 'Costa\u0000Rica', 'Costa Rica\u00007:country', '', '1', '{{country}}', 'a'.repeat(500)];
    for (let round = 0; round < 2; round++)
      for (const country of tricky) expect(t('route.confirmCountry', { country })).toBe(fixed('route.confirmCountry', { country }));
    // A count as a number picks a plural; the same digits as text do not, to i18next.
    for (const count of [0, 1, 2, '1', '2']) for (let round = 0; round < 2; round++) expect(t('prescreen.experience', { count })).toBe(fixed('prescreen.experience', { count }));
    expect(memoKey('k', { count: 1 })).not.toBe(memoKey('k', { count: '1' }));
    // A value that spells another option, in any format that only joins names and values.
    for (const spelled of ['x\u0000bsy', 'x\u0000b\u0001y', 'x\u00001:bs1:y', 'x,b=y', 'x&b=y']) expect(memoKey('k', { a: spelled })).not.toBe(memoKey('k', { a: 'x', b: 'y' }));
    expect(memoKey('k', { a: 'x' })).not.toBe(memoKey('k\u00001:as1:x', {}));
  });

  it('asks i18next once for a repeated sentence, every time for what it cannot remember, and forgets the oldest past its bound', () => {
    const instance = i18n.instance;
    const spy = vi.spyOn(instance, 't');
    try {
      const t = remembered(instance, 'en');
      const asked = () => spy.mock.calls.length;
      t('route.confirmCountry', { country: 'Panama' });
      t('route.confirmCountry', { country: 'Panama' });
      expect(asked()).toBe(1);
      // Not plain strings or numbers: i18next each time.
      for (const options of [{ country: { name: 'Panama' } }, { country: 'Panama', flag: true }, { count: Number.NaN }, Object.assign(Object.create({ inherited: 'x' }), { country: 'Panama' })]) {
        const before = asked();
        t('route.confirmCountry', options);
        t('route.confirmCountry', options);
        expect(asked(), JSON.stringify(options)).toBe(before + 2);
      }
      // Past MAX_WITH_OPTIONS sentences the oldest is forgotten (asked again), the newest kept.
      const fresh = remembered(instance, 'en');
      for (let n = 0; n <= MAX_WITH_OPTIONS; n++) fresh('route.confirmCountry', { country: `C${n}` });
      const filled = asked();
      expect(fresh('route.confirmCountry', { country: `C${MAX_WITH_OPTIONS}` })).toBe(instance.t('route.confirmCountry', { lng: 'en', country: `C${MAX_WITH_OPTIONS}` }));
      expect(asked()).toBe(filled + 1); // only the check's own call
      expect(fresh('route.confirmCountry', { country: 'C0' })).toContain('C0');
      expect(asked()).toBe(filled + 2);
    } finally {
      spy.mockRestore();
    }
  });
});
