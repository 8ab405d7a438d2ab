import { describe, expect, it } from 'vitest';
import { BotStorage } from '../../src/store/BotStorage.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { createHash } from 'node:crypto';
import { packState, TOKENS_V1, unpackState } from '../../src/store/stateCodec.js';

/** A conversation mid-pre-screen as the bench's journeys leave it (aid and times made up). */
const midPrescreen = {
  session: { v: 1, language: 'es', consent: 'accepted', country: 'DO', aid: 'bc65b8c84e11fdff', startedAt: '2026-12-05T21:23:25.098Z' },
  dialogState: {
    dialogStack: [
      { id: 'menu', state: { step: 'main', history: [], values: {}, misses: 0 } },
      { id: 'route', state: { step: 'next', history: ['country', 'trade', 'tradeConfirm'], values: { country: 'DO', candidates: ['mason'], isco: ['7112'], occupation: 'mason' }, misses: 0 } },
      {
        id: 'prescreen',
        state: {
          step: 's4',
          history: ['years', 'learned', 'evidence', 's0', 's1', 's2', 's3'],
          values: { answers: { setout: 'yes', walls: 'partly', mortar: 'no' }, country: 'DO', occupation: 'mason', fromRoute: true, introduced: true, years: 8, learnedAt: 'job', evidence: ['letter'] },
          misses: 1,
        },
      },
    ],
  },
};

describe('packState', () => {
  it.each([
    ['a conversation mid-pre-screen', JSON.stringify(midPrescreen)],
    ['a new conversation', JSON.stringify({ session: { v: 1, aid: '8b66c8586ec04c88', startedAt: '2026-12-05T21:17:07.414Z', language: 'es' }, dialogState: { dialogStack: [{ id: 'start', state: { step: 'consent', history: [], values: { askLanguage: false }, misses: 0 } }] } })],
    ['Haitian Creole and a name typed by the worker', JSON.stringify({ session: { v: 1, language: 'ht' }, dialogState: { dialogStack: [{ id: 'booking', state: { step: 'name', history: [], values: { firstName: 'Wòbè Jan-Batis ~1 "},"' }, misses: 0 } }] } })],
    ['an empty object', '{}'],
    ['text that is not JSON', 'plain'],
  ])('gives back %s exactly', (_what, json) => {
    expect(unpackState(packState(json))).toBe(json);
  });

  it('keeps a conversation mid-pre-screen in under 40 % of its JSON', () => {
    const json = JSON.stringify(midPrescreen);
    const packed = packState(json);
    expect(packed.startsWith('~1')).toBe(true);
    expect(Buffer.byteLength(packed)).toBeLessThan(0.4 * Buffer.byteLength(json));
  });

  it('never packs a value with a control character, and reads plain JSON (written before) as it is', () => {
    const raw = '{"text":"a\u0001b"}';
    expect(packState(raw)).toBe(raw);
    expect(unpackState(raw)).toBe(raw);
    const before = JSON.stringify(midPrescreen);
    expect(unpackState(before)).toBe(before);
    // JSON.stringify escapes control characters, so a state's JSON never holds one raw.
    expect(JSON.stringify({ t: '\u0001\n\u001f' })).not.toMatch(/[\u0000-\u001f]/);
  });

  it('keeps its table of version 1 as it is (conversations packed with it are read for 30 days: a change is a new version)', () => {
    expect(TOKENS_V1.length).toBeLessThanOrEqual(31);
    expect(new Set(TOKENS_V1).size).toBe(TOKENS_V1.length);
    for (const token of TOKENS_V1) expect(token).not.toMatch(/[\u0000-\u001f]/);
    expect(createHash('sha256').update(JSON.stringify(TOKENS_V1)).digest('hex')).toBe('8a2a79a34c9e247422a71c1ddd6ff5d8159ac928d7b7fb38a817f06a2056d7e7');
  });

  it('is what BotStorage keeps, and reads back the same state with its eTag', async () => {
    const store = new MemoryStore(() => Date.parse('2026-12-05T12:00:00Z'));
    const storage = new BotStorage(store, () => 600);
    await storage.write({ 'conv/sms/x': { ...midPrescreen, eTag: '*' } });
    const [kept] = await store.getVersioned(['state:conv/sms/x']);
    expect(kept?.value).toBe(packState(JSON.stringify(midPrescreen)));
    expect(await storage.read(['conv/sms/x'])).toEqual({ 'conv/sms/x': { ...midPrescreen, eTag: kept?.etag } });
    // A conversation stored as plain JSON before the packing is read all the same.
    await store.putVersioned('state:conv/sms/old', JSON.stringify(midPrescreen), 600, undefined);
    expect((await storage.read(['conv/sms/old']))['conv/sms/old']).toMatchObject(midPrescreen);
  });
});
