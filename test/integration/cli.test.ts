import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/tools/rutaCli.js';
import { projectRoot } from '../../src/paths.js';
import { loadConfig } from '../../src/config.js';

const run = promisify(execFile);

async function cli(args: string[], input = '', env: Record<string, string> = {}) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(input);
  const code = await runCli(args, { stdin, stdout, stderr, env });
  return { code, out, err };
}

describe('ruta command line', () => {
  it('match prints the language and ranked candidates with the standards of the country', async () => {
    const { code, out } = await cli(['match', '--country', 'MX', 'trabajé 8 años pegando block']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.language).toBe('es');
    expect(json.candidates[0]).toMatchObject({ isco08: '7112', id: 'mason', occupation: 'Albañil', standards: [{ institution: 'conocer', code: 'EC0326', title: 'Realizar trabajos de albañilería en obra negra de edificación' }] });
    expect(json.candidates[0].score).toBeGreaterThan(0);
    expect(json.candidates[0].score).toBeLessThanOrEqual(1);
  });

  it('match names the institution and a code to confirm where none is published', async () => {
    const json = JSON.parse((await cli(['match', '--country', 'do', 'mwen se bòs mason'])).out);
    expect(json.language).toBe('ht');
    expect(json.candidates[0]).toMatchObject({ id: 'mason', occupation: 'Bòs mason', standards: [{ institution: 'infotep', code: null, toConfirm: true }] });
  });

  it('match reaches any EC standard of the RENEC registry for Mexico, ranked after the curated trades', async () => {
    const json = JSON.parse((await cli(['match', '--country', 'MX', 'soy brigadista de protección civil'])).out);
    expect(json.candidates[0]).toMatchObject({ isco08: null, id: null, standards: [{ institution: 'conocer', code: 'EC0002' }] });
    // The registry's occupation lists can be loose; the name shown is the one the description fits.
    const machinery = JSON.parse((await cli(['match', '--country', 'MX', 'soy operador de maquinaria pesada'])).out);
    expect(machinery.candidates[0]).toMatchObject({ occupation: expect.stringMatching(/maquinaria/i), standards: [{ code: 'EC1340' }] });
    const mason = JSON.parse((await cli(['match', '--country', 'MX', 'albañil'])).out);
    expect(mason.candidates[0].id).toBe('mason');
    for (let i = 1; i < mason.candidates.length; i++) expect(mason.candidates[i].score).toBeLessThanOrEqual(mason.candidates[i - 1].score);
  });

  it('detect prints the language and a confidence', async () => {
    expect(JSON.parse((await cli(['detect', 'Bonjou'])).out)).toEqual({ language: 'ht', confidence: expect.any(Number) });
    expect(JSON.parse((await cli(['detect', 'xyzzy'])).out)).toEqual({ language: null, confidence: 0 });
  });

  it('reads one text per line from stdin and prints one JSON line each', async () => {
    const { code, out } = await cli(['detect'], 'hola\nhello\nsak pase\n');
    expect(code).toBe(0);
    expect(out.trim().split('\n').map((l) => JSON.parse(l).language)).toEqual(['es', 'en', 'ht']);
  });

  it('explains bad usage on stderr with a non-zero exit code', async () => {
    expect((await cli(['match', '--country', 'XX', 'albañil'])).code).toBe(2);
    expect((await cli(['fly'])).err).toMatch(/Unknown command fly[\s\S]*Usage/);
    expect((await cli([])).code).toBe(2);
    expect((await cli(['match', '--limit', '0', 'x'])).err).toMatch(/--limit/);
  });

  it('keys new prints a fresh CONTACT_KEYS entry the configuration accepts, and says where it goes', async () => {
    const [a, b] = [await cli(['keys', 'new']), await cli(['keys', 'new'])];
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^k[a-z0-9]+:\S+\n$/);
    expect(a.out).not.toBe(b.out);
    // Ids come from the clock's second (two made in one second share one): the keys never do.
    for (const made of [a, b]) expect(loadConfig({ CONTACT_KEYS: made.out.trim() }).CONTACT_KEYS.map((k) => k.key.length)).toEqual([32]);
    expect(a.err).toMatch(/in front of the keys already in CONTACT_KEYS[\s\S]*ruta keys reseal/);
  });

  it('keys reseal and rotate-pseudonyms refuse to run without the settings they need, naming each', async () => {
    const reseal = await cli(['keys', 'reseal']);
    expect(reseal.code).toBe(2);
    for (const setting of ['REDIS_URL', 'CONTACT_KEYS', 'PSEUDONYM_SECRET']) expect(reseal.err).toMatch(new RegExp(`^  - ${setting}: is required`, 'm'));
    expect(reseal.err).not.toMatch(/PSEUDONYM_SECRET_PREVIOUS/);
    const env = { REDIS_URL: 'redis://127.0.0.1:1', CONTACT_KEYS: 'k1:' + 'A'.repeat(43) + '=', PSEUDONYM_SECRET: 'x'.repeat(32) };
    const rotate = await cli(['keys', 'rotate-pseudonyms'], '', env);
    expect([rotate.code, rotate.err]).toEqual([2, expect.stringMatching(/PSEUDONYM_SECRET_PREVIOUS: is required/)]);
    expect(rotate.err).not.toMatch(/CONTACT_KEYS|REDIS_URL/);
    // Malformed settings get the configuration's own message, whatever NODE_ENV is.
    const bad = await cli(['keys', 'reseal'], '', { ...env, NODE_ENV: 'test', CONTACT_KEYS: 'k1:short' });
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/CONTACT_KEYS: key k1 must be 32 random bytes/)]);
    expect((await cli(['keys'])).code).toBe(2);
    expect((await cli(['keys', 'rotate'])).err).toMatch(/ruta keys rotate-pseudonyms/);
  });

  it('runs as the package bin (built by npm test) and reads stdin', async () => {
    const bin = join(projectRoot(), 'dist/src/tools/ruta.js');
    const child = run(process.execPath, [bin, 'match', '--country', 'CR'], { env: { PATH: process.env.PATH ?? '' } });
    child.child.stdin!.end('soy salonero\nplomero\n');
    const { stdout } = await child;
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).candidates[0].id)).toEqual(['waiter', 'plumber']);
  });
});
