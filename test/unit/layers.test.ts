import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

/** Every .ts file under a folder of src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('layers', () => {
  it('lower layers (language, match, geo, catalog, booking, store, analytics) never import the bot or the dialogs', () => {
    const root = projectRoot();
    const lower = ['language', 'match', 'geo', 'catalog', 'booking', 'store', 'analytics'].flatMap((d) => sources(join(root, 'src', d)));
    expect(lower.length).toBeGreaterThan(20);
    const offending = lower.filter((f) => /from\s+['"][^'"]*\/(bot|dialogs)\//.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(offending).toEqual([]);
  });

  it('the service takes botbuilder-dialogs through src/bot/dialogMachinery.ts, never its index (which loads the unused prompts and their recognizers)', () => {
    const root = projectRoot();
    const files = [...sources(join(root, 'src')), ...sources(join(root, 'dialogs'))].filter((f) => !f.includes('/tools/bench/'));
    const offending = files.filter((f) => /from\s+['"]botbuilder-dialogs['"]/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(offending).toEqual([]);
  });
});
