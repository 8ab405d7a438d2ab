import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { firstTagOfEachSlot, sameSlotTag, SLOT_TAGS_FILE } from '../../src/store/slotTag.js';

describe('sameSlotTag', () => {
  it('gives a short tag in the slot of the tag it is asked for, never containing it', () => {
    for (let i = 0; i < 5000; i++) {
      const of = `turn/${(i * 2654435761).toString(16).padStart(8, '0')}-${i}`;
      const tag = sameSlotTag(of);
      expect(tag).toMatch(/^[0-9a-z]{1,4}$/);
      expect(calculateSlot(`ruta:limit:{${tag}}:0123456789abcdef`)).toBe(calculateSlot(`ruta:lock:{${of}}:next`));
    }
  });

  it('has a tag for every one of the 16,384 slots', () => {
    // A key of each slot: the tags themselves, looked up by their own slot, are their own answer.
    const seen = new Set<number>();
    for (let n = 0; seen.size < 16_384 && n < 200_000; n++) {
      const of = `x${n}`;
      const slot = calculateSlot(of);
      if (seen.has(slot)) continue;
      seen.add(slot);
      expect(calculateSlot(sameSlotTag(of))).toBe(slot);
    }
    expect(seen.size).toBe(16_384);
  });

  it('reads the tags the algorithm finds (data/slot-tags.txt; npm run data:slot-tags writes it)', () => {
    const found = firstTagOfEachSlot();
    // The algorithm itself: each tag is the first base-36 number of its slot.
    expect(found.map((tag) => calculateSlot(tag))).toEqual(found.map((_, slot) => slot));
    expect(found.slice(0, 3)).toEqual(['1bz', 'emj', '7lw']);
    expect(readFileSync(join(projectRoot(), SLOT_TAGS_FILE), 'utf8')).toBe(`${found.join(' ')}\n`);
    // sameSlotTag answers with those tags.
    for (let slot = 0; slot < 16_384; slot += 97) expect(sameSlotTag(found[slot]!)).toBe(found[slot]);
  });
});
