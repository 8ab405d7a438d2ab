import calculateSlot from 'cluster-key-slot';

/** A Redis Cluster's hash slots: a key's slot is CRC16 of its hash tag (or of the whole key) modulo this. */
const SLOTS = 16_384;

let tags: string[] | undefined;

/**
 * A short hash tag (1 to 4 characters) in the same slot of a Redis Cluster as the tag `of`, so a key
 * named with it can share a script with keys tagged `{of}` without containing `of`. For a key that
 * must outlive everything named after a pseudonym yet be counted in the script of that
 * pseudonym's line: a sender's flood windows, which erasing one's data must not reset, counted in
 * the arrival's own script (issue 13). On one Redis server the tag is only a few bytes more.
 *
 * The 16,384 tags are found once, on first use (about 10 ms: base-36 numbers in order, the first of
 * each slot kept).
 *
 * @example sameSlotTag('turn/3f9a…') // → e.g. 'k2x', and `limit:{k2x}:…` lies in the slot of `lock:{turn/3f9a…}:next`
 */
export function sameSlotTag(of: string): string {
  tags ??= allTags();
  return tags[calculateSlot(of)]!;
}

function allTags(): string[] {
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
