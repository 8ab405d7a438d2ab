import { describe, expect, it } from 'vitest';
import { closeEnough, editDistance } from '../../src/language/text.js';

/** The textbook table, every row kept: what editDistance must agree with. */
function reference(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}

/** A deterministic generator (no test depends on chance): words over a small alphabet, so that near misses are common. */
function* words(seed: number, count: number): Generator<[string, string]> {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x);
  const word = () => Array.from({ length: next() % 12 }, () => 'abcdeñ'[next() % 6]).join('');
  for (let n = 0; n < count; n++) {
    const a = word();
    // Half the pairs: b is a with a letter changed, dropped, doubled or two swapped.
    let b = word();
    if (next() % 2 === 0 && a.length > 1) {
      const at = next() % (a.length - 1);
      const edits = [a.slice(0, at) + 'x' + a.slice(at + 1), a.slice(0, at) + a.slice(at + 1), a.slice(0, at) + a[at] + a.slice(at), a.slice(0, at) + a[at + 1] + a[at] + a.slice(at + 2)];
      b = edits[next() % 4]!;
    }
    yield [a, b];
  }
}

describe('editDistance', () => {
  it('agrees with the whole table on 20,000 pairs, bounded or not', () => {
    for (const [a, b] of words(7, 20_000)) {
      for (const max of [Infinity, 0, 1, 2, 3]) expect(editDistance(a, b, max), `${a} / ${b} / ${max}`).toBe(reference(a, b, max));
    }
  });

  it('counts a swap of neighbours as one typo, and reuses its rows across lengths', () => {
    expect(editDistance('albanil', 'albnail')).toBe(1);
    expect(editDistance('carpintero', 'carpitero', 2)).toBe(1);
    expect(editDistance('a'.repeat(200), 'b'.repeat(200))).toBe(200);
    expect(editDistance('mason', 'meson', 0)).toBe(1);
    expect(closeEnough('plomero', 'plomeor')).toBe(true);
    expect(closeEnough('pintor', 'pastor')).toBe(false);
  });
});
