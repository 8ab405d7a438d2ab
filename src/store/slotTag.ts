import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import calculateSlot from 'cluster-key-slot';
import { projectRoot } from '../paths.js';

/** A Redis Cluster's hash slots: a key's slot is CRC16 of its hash tag (or of the whole key) modulo this. */
const SLOTS = 16_384;

/** Where firstTagOfEachSlot()'s answer is kept (`npm run data:slot-tags` writes it). */
export const SLOT_TAGS_FILE = join('data', 'slot-tags.txt');

let tags: string[] | undefined;

/**
 * A short hash tag (1 to 4 characters) in the same slot of a Redis Cluster as the tag `of`, so a key
 * named with it can share a script with keys tagged `{of}` without containing `of`. For a key that
 * must outlive everything named after a pseudonym yet be counted in the script of that
 * pseudonym's line: a sender's flood windows, which erasing one's data must not reset, counted in
 * the arrival's own script (issue 13). On one Redis server the tag is only a few bytes more.
 *
 * The 16,384 tags are read from data/slot-tags.txt on first use (about 5 ms cold). Found on the spot
 * they took 30–40 ms of a server's first turn (87,573 base-36 numbers tried, in code not yet
 * compiled), which a worker's first message waited for.
 *
 * @example sameSlotTag('turn/3f9a…') // → e.g. 'k2x', and `limit:{k2x}:…` lies in the slot of `lock:{turn/3f9a…}:next`
 */
export function sameSlotTag(of: string): string {
  tags ??= readSlotTags();
  return tags[calculateSlot(of)]!;
}

function readSlotTags(): string[] {
  const read = readFileSync(join(projectRoot(), SLOT_TAGS_FILE), 'utf8').trim().split(' ');
  if (read.length !== SLOTS) throw new Error(`${SLOT_TAGS_FILE}: ${read.length} tags, not ${SLOTS} (npm run data:slot-tags writes it)`);
  return read;
}

/**
 * For each slot, in order, the first base-36 number (as text) whose slot it is. The keys of the
 * flood windows are named with these: they must never change, or every sender's windows would start
 * again once. test/unit/slotTag.test.ts holds data/slot-tags.txt equal to this.
 */
export function firstTagOfEachSlot(): string[] {
  const found = new Array<string>(SLOTS);
  let left = SLOTS;
  for (let n = 0; left > 0; n++) {
    const tag = n.toString(36);
    const slot = calculateSlot(tag);
    if (found[slot] === undefined) {
      found[slot] = tag;
      left--;
    }
  }
  return found;
}
