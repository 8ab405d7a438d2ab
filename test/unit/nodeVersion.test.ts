import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { nodeTooOld } from '../../src/nodeVersion.js';

it('refuses the Node.js versions that cannot require an ES module without a flag, which package.json’s engines rule out', () => {
  const old = ['18.20.4', '19.9.0', '20.0.0', '20.18.3', '21.7.3', '22.0.0', '22.11.0'];
  expect(old.filter(nodeTooOld)).toEqual(old);
  expect(['20.19.0', '20.20.2', '22.12.0', '23.0.0', '24.11.1'].filter(nodeTooOld)).toEqual([]);
  const engines = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node;
  expect(engines).toBe('^20.19 || >=22.12');
  expect(nodeTooOld(process.versions.node)).toBe(false);
});
