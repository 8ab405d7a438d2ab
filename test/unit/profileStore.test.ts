import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { RedisStore } from '../../src/store/RedisStore.js';
import { ProfileStore, packProfile, type WorkerProfile } from '../../src/prescreen/ProfileStore.js';
import { testRedis } from '../support/redis.js';

let redisEnv: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  redisEnv = await testRedis('profiles');
});
afterAll(async () => {
  await redisEnv.cleanup();
});

const MASON: WorkerProfile = {
  v: 1,
  occupation: 'mason',
  isco08: '7112',
  country: 'DO',
  standards: [{ institution: 'infotep', code: null }],
  years: 8,
  learnedAt: 'job',
  evidence: ['letter', 'photos'],
  answers: { setout: 'yes', walls: 'yes', mortar: 'partly', structure: 'yes', plaster: 'no', quantities: 'yes', safety: 'yes' },
  level: 'gaps',
  share: 0.79,
  language: 'es',
  completedAt: '2026-11-22T15:00:00.123Z',
};
const COOK: WorkerProfile = {
  ...MASON,
  occupation: 'cook',
  isco08: '5120',
  country: 'MX',
  standards: [
    { institution: 'conocer', code: 'EC0128' },
    { institution: 'conocer', code: 'EC1234.01' },
  ],
  years: 0.5,
  learnedAt: 'family',
  evidence: [],
  answers: { hygiene: 'no', knives: 'partly' },
  level: 'notYet',
  share: 0,
  language: 'ht',
};
const READY: WorkerProfile = { ...MASON, level: 'ready', share: 1, evidence: ['courses', 'references'], answers: { walls: 'yes' } };

describe.each([
  ['RedisStore', () => new RedisStore(redisEnv.redis, `${redisEnv.prefix}${Math.random().toString(36).slice(2)}:`)],
  ['MemoryStore', () => new MemoryStore(() => Date.parse('2026-11-22T15:00:00Z'))],
])('ProfileStore on %s', (_name, make) => {
  it.each([
    ['a mason with gaps', MASON],
    ['a cook, not yet, with two standard codes and no evidence', COOK],
    ['a ready worker', READY],
  ])('gives back exactly what it saved: %s', async (_what, profile) => {
    const profiles = new ProfileStore(make());
    await profiles.save('pid-1', profile, 60);
    expect(await profiles.load('pid-1')).toEqual(profile);
  });

  it('stores about half the bytes of the profile as JSON, and still reads a profile saved as JSON', async () => {
    const store = make();
    const profiles = new ProfileStore(store);
    await profiles.save('pid-1', MASON, 60);
    const stored = (await store.get(ProfileStore.key('pid-1')))!;
    expect(stored).toBe(packProfile(MASON));
    expect(stored.length).toBeLessThan(JSON.stringify(MASON).length * 0.55);

    await store.set(ProfileStore.key('pid-2'), JSON.stringify(COOK), 60);
    expect(await profiles.load('pid-2')).toEqual(COOK);
  });

  it('keeps the answers as one string of statement ids and letters, still reads them as an object (packing 2), and keeps an id that is not a slug whole', async () => {
    const store = make();
    const profiles = new ProfileStore(store);
    await profiles.save('pid-1', MASON, 60);
    const stored = (await store.get(ProfileStore.key('pid-1')))!;
    expect(JSON.parse(stored)[8]).toBe('setouty wallsy mortarp structurey plastern quantitiesy safetyy');
    const two = JSON.stringify([2, 'mason', '7112', 'DO', [['infotep', null]], 8, 'job', ['letter', 'photos'], { setout: 'y', walls: 'y', mortar: 'p', structure: 'y', plaster: 'n', quantities: 'y', safety: 'y' }, 'g', 0.79, 'es', Date.parse(MASON.completedAt)]);
    expect(two.length - stored.length).toBe(35);
    await store.set(ProfileStore.key('pid-2'), two, 60);
    expect(await profiles.load('pid-2')).toEqual(MASON);
    const odd: WorkerProfile = { ...MASON, answers: { walls: 'yes', 'Tarea 2': 'no' } };
    await profiles.save('pid-3', odd, 60);
    expect(JSON.parse((await store.get(ProfileStore.key('pid-3')))!)[8]).toEqual({ walls: 'y', 'Tarea 2': 'n' });
    expect(await profiles.load('pid-3')).toEqual(odd);
    const none: WorkerProfile = { ...MASON, answers: {} };
    await profiles.save('pid-4', none, 60);
    expect(await profiles.load('pid-4')).toEqual(none);
  });

  it('reads nothing from what is not a profile, rather than a wrong one', async () => {
    const store = make();
    const profiles = new ProfileStore(store);
    const packed = JSON.parse(packProfile(MASON)) as unknown[];
    const broken = {
      'not JSON': '[2,"mason"',
      'too short': JSON.stringify(packed.slice(0, 5)),
      'an unknown level': JSON.stringify(packed.map((x, i) => (i === 9 ? 'x' : x))),
      'an unknown answer': JSON.stringify(packed.map((x, i) => (i === 8 ? { walls: 'maybe' } : x))),
      'a time that is not one': JSON.stringify(packed.map((x, i) => (i === 12 ? 'soon' : x))),
      'an unknown answer letter': JSON.stringify(packed.map((x, i) => (i === 8 ? 'wallsy plasterx' : x))),
      'another packing': JSON.stringify([4, ...packed.slice(1)]),
    };
    for (const [what, raw] of Object.entries(broken)) {
      await store.set(ProfileStore.key(what), raw, 60);
      expect(await profiles.load(what), what).toBeUndefined();
    }
    expect(await profiles.load('nobody')).toBeUndefined();
  });
});
