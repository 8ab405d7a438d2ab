import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { PhraseIndex, plausible } from '../../src/match/OccupationMatcher.js';
import { saysOddJobs } from '../../src/match/oddJobs.js';

const catalog = Catalog.load();
const ids = (text: string) => catalog.rankOccupations(text, 3).map((r) => r.item.id);

describe('plausible (the calibration rule)', () => {
  it('accepts a trade named, two task words, or one task word about nothing else', () => {
    expect(plausible({ named: true, taskWords: 0, unexplained: 3, unknown: 3 })).toBe(true);
    expect(plausible({ named: false, taskWords: 2, unexplained: 2, unknown: 1 })).toBe(true);
    expect(plausible({ named: false, taskWords: 1, unexplained: 1, unknown: 0 })).toBe(true);
  });

  it('refuses one task word beside words the catalog does not know, or beside two others', () => {
    expect(plausible({ named: false, taskWords: 1, unexplained: 1, unknown: 1 })).toBe(false);
    expect(plausible({ named: false, taskWords: 1, unexplained: 2, unknown: 0 })).toBe(false);
    expect(plausible({ named: false, taskWords: 0, unexplained: 0, unknown: 0 })).toBe(false);
  });

  it('refuses one task word from an odd-jobs worker', () => {
    expect(plausible({ named: false, taskWords: 1, unexplained: 0, unknown: 0 }, { oddJobs: true })).toBe(false);
    expect(plausible({ named: false, taskWords: 2, unexplained: 0, unknown: 0 }, { oddJobs: true })).toBe(true);
  });
});

describe('PhraseIndex evidence', () => {
  const index = new PhraseIndex([
    { item: 'truck', phrases: [PhraseIndex.phrase('camionero', 1)!, PhraseIndex.phrase('camión', 0.6)!, PhraseIndex.phrase('manejar camión', 0.6)!] },
    { item: 'waiter', phrases: [PhraseIndex.phrase('camarero', 1)!, PhraseIndex.phrase('mesas', 0.6)!] },
  ]);
  const evidence = (text: string, item: string) => index.rank(text, { minRaw: 0, relative: 0 }).find((r) => r.item === item)?.evidence;

  it('takes a name as a name, and a thing that shares its stem as context', () => {
    expect(evidence('camioneros', 'truck')?.named).toBe(true);
    expect(evidence('camión', 'truck')?.named).toBe(false);
    expect(evidence('manejo camión', 'truck')?.taskWords).toBe(2);
  });

  it('does not take a longer word that starts with a name for the name', () => {
    expect(evidence('barco camaronero', 'waiter')?.named ?? false).toBe(false);
  });

  it('counts the words no phrase explains, and those no item knows', () => {
    expect(evidence('tapicero de camión', 'truck')).toMatchObject({ unexplained: 1, unknown: 1 });
  });
});

describe('occupation matcher: no confident nonsense (issue 11)', () => {
  it.each([
    'cobrador de microbús',
    'tapicero de muebles',
    'fritanguera, hago gallo pinto',
    'recolector de basura en el camion',
    'soy chiripero',
    'chiripero, pinto',
    'i do odd jobs',
    'm fè ti djòb',
  ])('proposes no trade for "%s"', (text) => {
    expect(ids(text)).toEqual([]);
  });

  it('reads a palm-oil harvest as crop harvest, not hairdressing', () => {
    expect(ids('trabajé en la palma africana cortando racimos')[0]).toBe('crop-harvest');
  });

  it('still reads a trade an odd-jobs worker names or mostly does', () => {
    expect(ids('soy chiripero, albañil y pintor')).toEqual(expect.arrayContaining(['mason', 'painter']));
    expect(ids('chiripero, mas que nada pinto casas')[0]).toBe('painter');
  });
});

describe('occupation matcher: regional words (issue 11)', () => {
  it.each([
    ['motorista', 'taxi-driver'],
    ['motorista de rastra', 'truck-driver'],
    ['manejo cabezal', 'truck-driver'],
    ['i drive an 18 wheeler', 'truck-driver'],
    ['big rig driver', 'truck-driver'],
    ['hago aseo en casas', 'domestic-work'],
    ['camarera de pisos', 'housekeeping'],
    ['hago tarrajeo', 'mason'],
    ['sparky', 'electrician'],
    ['chippy', 'carpenter'],
    ['kp in a hotel', 'kitchen-helper'],
    ['trabajo en una guardería', 'child-care'],
    ['m fè zong', 'beauty-nails'],
    // Priority trades (branch trades): "hago delivery en moto" was "no trade" until delivery riders entered the catalog.
    ['hago delivery en moto', 'delivery-rider'],
    ['motorizado de delivery', 'delivery-rider'],
    ['soy montacarguista', 'forklift-operator'],
    ['soy bodeguero', 'warehouse'],
    ['soy estibador', 'loader'],
    ['empacadora de fruta', 'produce-packing'],
    ['guia de turistas', 'tour-guide'],
  ])('reads "%s" as %s', (text, id) => {
    expect(ids(text)[0]).toBe(id);
  });
});

describe('saysOddJobs', () => {
  it('finds odd jobs in the three languages, as words', () => {
    expect(saysOddJobs('soy chiripero, hago de todo')).toBe(true);
    expect(saysOddJobs('i do ODD JOBS')).toBe(true);
    expect(saysOddJobs('m fè ti djòb')).toBe(true);
    expect(saysOddJobs('soy albañil')).toBe(false);
  });
});
