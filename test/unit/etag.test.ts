import { expect, it } from 'vitest';
import { newEtag } from '../../src/store/etag.js';

it('gives 16 random hex digits each time, none repeated across refills of its pool', () => {
  const etags = Array.from({ length: 3000 }, () => newEtag());
  for (const etag of etags) expect(etag).toMatch(/^[0-9a-f]{16}$/);
  expect(new Set(etags).size).toBe(etags.length);
});
