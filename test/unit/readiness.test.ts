import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { readiness, type SelfAssessment } from '../../src/prescreen/readiness.js';
import { recognizeMany } from '../../src/language/choice.js';

const catalog = Catalog.load();
const mason = catalog.prescreen('mason')!;
const all = (a: SelfAssessment) => Object.fromEntries(mason.statements.map((s) => [s.id, a]));

describe('readiness', () => {
  it('is "ready" with (almost) every part done, no part never done, and 2+ years', () => {
    const r = readiness(mason, all('yes'), 3, ['photos']);
    expect(r).toMatchObject({ level: 'ready', share: 1, counts: { yes: 7, partly: 0, no: 0 } });
    expect(r.practise).toEqual([]);
    expect(r.missingEvidence).toEqual(['letter', 'courses', 'references']);
  });

  it('is "almost" when one part was never done, however long the experience', () => {
    expect(readiness(mason, { ...all('yes'), plaster: 'no' }, 20, []).level).toBe('gaps');
  });

  it('is "almost", not ready, with everything done but less than two years', () => {
    expect(readiness(mason, all('yes'), 1, []).level).toBe('gaps');
    expect(readiness(mason, all('yes'), 0.5, []).level).toBe('gaps');
  });

  it('counts partly as half: all partly is half the standard, not yet "almost"', () => {
    const r = readiness(mason, all('partly'), 5, []);
    expect(r.share).toBe(0.5);
    expect(r.level).toBe('notYet');
    expect(r.strong).toEqual([]);
    expect(r.practise).toHaveLength(7);
    expect(r.learn).toEqual([]);
  });

  it('3 yes, 2 partly, 2 no is not "almost": two parts never done; 4 yes, 2 partly, 1 no is', () => {
    const ids = mason.statements.map((s) => s.id);
    const answers = (yes: number, partly: number) => Object.fromEntries(ids.map((id, i) => [id, (i < yes ? 'yes' : i < yes + partly ? 'partly' : 'no') as SelfAssessment]));
    const threeTwoTwo = readiness(mason, answers(3, 2), 8, []);
    expect(threeTwoTwo).toMatchObject({ level: 'notYet', counts: { yes: 3, partly: 2, no: 2 } });
    // What is done in part and what was never done are told apart.
    expect(threeTwoTwo.practise.map((s) => s.id)).toEqual(ids.slice(3, 5));
    expect(threeTwoTwo.learn.map((s) => s.id)).toEqual(ids.slice(5));
    expect(readiness(mason, answers(4, 2), 8, []).level).toBe('gaps');
    expect(readiness(mason, answers(4, 2), 0.5, []).level).toBe('notYet');
  });

  it('is "not yet" below half, or with little experience and little done', () => {
    expect(readiness(mason, all('no'), 10, []).level).toBe('notYet');
    expect(readiness(mason, { ...all('no'), walls: 'yes', setout: 'yes', mortar: 'yes', structure: 'yes' }, 0, []).level).toBe('notYet');
  });

  it('treats an unanswered statement as not done', () => {
    expect(readiness(mason, {}, 10, []).counts.no).toBe(7);
  });
});

describe('every curated occupation has a pre-screen', () => {
  it.each(catalog.occupations.map((o) => o.id))('%s: 6–10 statements tied to a unit or task, evidence, all in three languages', (id) => {
    const p = catalog.prescreen(id)!;
    expect(p.statements.length).toBeGreaterThanOrEqual(6);
    expect(p.statements.length).toBeLessThanOrEqual(10);
    for (const s of p.statements) {
      expect(s.unit).toMatch(/EC\d{4}|ISCO-08 \d{4}|U-\d{4}|SENA|ChileValora/);
      for (const lang of ['es', 'en', 'ht'] as const) expect(s.text[lang].length).toBeLessThanOrEqual(130);
    }
    expect(p.evidence.length).toBeGreaterThan(0);
  });
});

describe('recognizeMany', () => {
  const options = [
    { id: 'letter', label: 'A letter from an employer' },
    { id: 'photos', label: 'Photos or videos of your work' },
    { id: 'courses', label: 'Course certificates' },
    { id: 'references', label: 'People who can vouch for your work' },
  ];
  it.each([
    ['1 3', ['letter', 'courses']],
    ['3,1', ['letter', 'courses']],
    ['1 y 2', ['letter', 'photos']],
    ['0', []],
    ['none', []],
    ['okenn', []],
    ['ninguno', []],
    ['photos and letter', ['letter', 'photos']],
  ])('%s → %j', (reply, ids) => {
    expect(recognizeMany(reply, options)).toEqual(ids);
  });
  it.each(['7', '1 9', 'banana split', ''])('%j is not understood', (reply) => {
    expect(recognizeMany(reply, options)).toBeUndefined();
  });
});
