import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, readLocales, type RutaI18n } from '../../src/i18n.js';
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
        for (const options of optionSets) expect(t(key, { ...options }), `${lang} ${key} ${JSON.stringify(options)}`).toBe(fixed(key, { ...options }));
    }
    // An options object naming its own language keeps it, as with i18next's fixed t.
    expect(i18n.t('es')('menu.title', { lng: 'ht' })).toBe(i18n.instance.t('menu.title', { lng: 'ht' }));
  });

  it('keeps each language apart', () => {
    expect(i18n.t('ht')('menu.title')).toBe(i18n.instance.t('menu.title', { lng: 'ht' }));
    expect(i18n.t('ht')('menu.title')).not.toBe(i18n.t('es')('menu.title'));
  });
});
