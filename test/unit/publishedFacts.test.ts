import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { PublishedFacts } from '../../src/catalog/PublishedFacts.js';
import { checkDraft, effectiveRoute, factStatus, type FactDraft, type PublishedFact } from '../../src/catalog/publishedFact.js';
import { createI18n } from '../../src/i18n.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { calendarDateText, confirmationLine, occupationSubject, routeDetail, routeMessages } from '../../dialogs/routeMessages.js';

const catalog = Catalog.load();
const i18n = await createI18n();
const infotep = catalog.institution('infotep')!;
const ina = catalog.institution('ina')!;
/** A fixed instant: 4 December 2026, 15:00 UTC (11:00 in Santo Domingo). */
const NOW = new Date('2026-12-04T15:00:00Z');

const cost: PublishedFact = {
  name: 'cost',
  text: { es: 'La evaluación es gratis.', en: 'The assessment is free.', ht: 'Evalyasyon an gratis.' },
  source: 'Resolución 123/2026',
  confirmedAt: NOW.toISOString(),
  confirmedOn: '2026-12-04',
  confirmedBy: 'INFOTEP',
};
const steps: PublishedFact = {
  name: 'steps',
  text: { es: ['Ve a una oficina', 'Haz la evaluación'], en: ['Go to an office', 'Take the assessment'], ht: ['Ale nan yon biwo', 'Fè evalyasyon an'] },
  source: 'https://infotep.gob.do/certificacion',
  confirmedAt: NOW.toISOString(),
  confirmedOn: '2026-12-04',
  confirmedBy: 'INFOTEP',
};

describe('effectiveRoute', () => {
  it('returns the researched route unchanged when nothing is published', () => {
    const route = effectiveRoute(ina.route, []);
    expect({ ...route, confirmed: undefined }).toEqual({ ...ina.route, confirmed: undefined });
    expect(route.confirmed).toEqual({});
    expect(factStatus(route, 'documents')).toBe('researched');
    expect(factStatus(route, 'cost')).toBe('unknown');
  });

  it('replaces an unknown fact with the published one, which stops being unknown and says who confirmed it', () => {
    expect(infotep.route.cost).toBeNull();
    const route = effectiveRoute(infotep.route, [cost, steps]);
    expect(route.cost).toEqual({ text: cost.text, source: 'Resolución 123/2026' });
    expect(route.steps?.text.ht).toEqual(['Ale nan yon biwo', 'Fè evalyasyon an']);
    const confirmation = { by: 'INFOTEP', on: '2026-12-04', at: '2026-12-04T15:00:00.000Z' };
    expect(route.confirmed).toEqual({ cost: confirmation, steps: confirmation });
    expect(factStatus(route, 'cost')).toBe('confirmed');
    expect(factStatus(route, 'validity')).toBe('unknown');
    // The researched route itself is not changed.
    expect(infotep.route.cost).toBeNull();
  });
});

describe('confirmation line', () => {
  it('writes the day out in each language, with the month in Creole for ht', () => {
    expect(calendarDateText(i18n.t('es'), '2026-12-04')).toBe('4 de diciembre de 2026');
    expect(calendarDateText(i18n.t('en'), '2026-12-04')).toBe('4 December 2026');
    expect(calendarDateText(i18n.t('ht'), '2026-12-04')).toBe('4 desanm 2026');
    expect(calendarDateText(i18n.t('ht'), '2027-08-01')).toBe('1 out 2027');
    const c = { by: 'INFOTEP', on: '2026-12-04', at: '2026-12-04T15:00:00.000Z' };
    expect(confirmationLine(i18n.t('es'), c)).toBe('Confirmado por INFOTEP el 4 de diciembre de 2026');
    expect(confirmationLine(i18n.t('en'), c)).toBe('Confirmed by INFOTEP on 4 December 2026');
    expect(confirmationLine(i18n.t('ht'), c)).toBe('Konfime pa INFOTEP jou 4 desanm 2026');
  });
});

describe('routeMessages with published facts', () => {
  const mason = catalog.occupation('mason')!;

  it('renders exactly as before when nothing is published', () => {
    for (const lang of ['es', 'en', 'ht'] as const) {
      const subject = occupationSubject(mason, lang);
      const researched = new Map([['infotep', effectiveRoute(infotep.route, [])]]);
      expect(routeMessages(catalog, i18n.t(lang), lang, 'DO', subject, researched)).toEqual(routeMessages(catalog, i18n.t(lang), lang, 'DO', subject));
    }
  });

  it('shows the published text followed by who confirmed it, and drops it from the unknown list', () => {
    const routes = new Map([['infotep', effectiveRoute(infotep.route, [cost, steps])]]);
    const es = routeMessages(catalog, i18n.t('es'), 'es', 'DO', occupationSubject(mason, 'es'), routes).join('\n\n');
    expect(es).toContain('*Costo:* La evaluación es gratis.\nConfirmado por INFOTEP el 4 de diciembre de 2026');
    // The short answer gives the first step; the steps detail all of them.
    expect(es).toContain('*Primer paso:* Ve a una oficina\nConfirmado por INFOTEP el 4 de diciembre de 2026');
    expect(es).toMatch(/\*Pregunta a INFOTEP:\* documentos, sin papeles, duración y validez\./);
    const stepsDetail = routeDetail('steps', catalog, i18n.t('es'), 'es', 'DO', { routes }).join('\n\n');
    expect(stepsDetail).toContain('*Pasos:*\n1. Ve a una oficina\n2. Haz la evaluación\nConfirmado por INFOTEP el 4 de diciembre de 2026');
    expect(es).toContain('Resolución 123/2026');
    const ht = routeMessages(catalog, i18n.t('ht'), 'ht', 'DO', occupationSubject(mason, 'ht'), routes).join('\n\n');
    expect(ht).toContain('*Pri:* Evalyasyon an gratis.\nKonfime pa INFOTEP jou 4 desanm 2026');
  });
});

describe('checkDraft', () => {
  const body = (es: string, source = 'Resolución 123/2026') => ({ text: { es, en: 'Free', ht: 'Gratis' }, source });

  it('accepts a fact in three languages with a source, joining typed lines into one paragraph', () => {
    expect(checkDraft('cost', body('Gratis\npara todos'))).toEqual({ ok: true, draft: { name: 'cost', text: { es: 'Gratis para todos', en: 'Free', ht: 'Gratis' }, source: 'Resolución 123/2026' } });
  });

  it('reads steps one per line, dropping blank lines', () => {
    const checked = checkDraft('steps', { text: { es: 'Uno\n\n  Dos  \r\nTres', en: ['One', 'Two'], ht: 'Youn' }, source: 'x' });
    expect(checked).toMatchObject({ ok: true, draft: { text: { es: ['Uno', 'Dos', 'Tres'], en: ['One', 'Two'], ht: ['Youn'] } } });
  });

  it('refuses a missing language, a missing source, HTML and text too long', () => {
    expect(checkDraft('cost', { text: { es: ' ', en: 'Free', ht: '' }, source: '' })).toEqual({
      ok: false,
      problems: [
        { field: 'es', problem: 'missing' },
        { field: 'ht', problem: 'missing' },
        { field: 'source', problem: 'missing' },
      ],
    });
    expect(checkDraft('cost', body('<b>Gratis</b>'))).toMatchObject({ ok: false, problems: [{ field: 'es', problem: 'html' }] });
    expect(checkDraft('cost', body('Gratis', '<script>x</script>'))).toMatchObject({ ok: false, problems: [{ field: 'source', problem: 'html' }] });
    expect(checkDraft('cost', body('x'.repeat(601)))).toMatchObject({ ok: false, problems: [{ field: 'es', problem: 'tooLong', limit: 600 }] });
    expect(checkDraft('steps', { text: { es: Array.from({ length: 13 }, (_, i) => `Paso ${i}`).join('\n'), en: 'a', ht: 'b' }, source: 's' })).toMatchObject({
      ok: false,
      problems: [{ field: 'es', problem: 'tooManyLines', limit: 12 }],
    });
    // A "less than" in plain words is not HTML.
    expect(checkDraft('cost', body('Menos de 5 < 10 dólares'))).toMatchObject({ ok: true });
  });
});

describe('PublishedFacts', () => {
  const make = (zone = 'America/Santo_Domingo') => {
    const clock = { now: NOW };
    const store = new MemoryStore(() => clock.now.getTime());
    return { clock, facts: new PublishedFacts({ catalog, store, now: () => clock.now, zoneOf: async () => zone }) };
  };
  const draft: FactDraft = { name: 'cost', text: { es: 'Gratis', en: 'Free', ht: 'Gratis' }, source: 'Resolución 123/2026' };

  it('publishes as confirmed by the institution on the clock’s day in its time zone, and withdraws', async () => {
    const { clock, facts } = make();
    // 02:00 UTC on 5 December is still 4 December in Santo Domingo.
    clock.now = new Date('2026-12-05T02:00:00Z');
    const first = await facts.publish('infotep', draft);
    expect(first).toEqual({ before: null, after: { ...draft, confirmedAt: '2026-12-05T02:00:00.000Z', confirmedOn: '2026-12-04', confirmedBy: 'INFOTEP' } });
    const second = await facts.publish('infotep', { ...draft, text: { ...draft.text, es: 'Gratis siempre' } });
    expect(second.before).toEqual(first.after);
    expect((await facts.routeOf('infotep'))?.cost?.text.es).toBe('Gratis siempre');
    expect((await facts.routesIn('DO')).get('infotep')?.confirmed.cost).toEqual({ by: 'INFOTEP', on: '2026-12-04', at: '2026-12-05T02:00:00.000Z' });
    // Another institution's route is untouched.
    expect((await facts.routeOf('ina'))?.confirmed).toEqual({});
    expect(await facts.withdraw('infotep', 'cost')).toEqual(second.after);
    expect(await facts.withdraw('infotep', 'cost')).toBeNull();
    expect((await facts.routeOf('infotep'))?.cost).toBeNull();
  });
});
