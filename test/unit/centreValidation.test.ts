import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { centreIdProblem } from '../../src/api/apiRoutes.js';
import { centreSchema, centresFileSchema, displayText } from '../../src/booking/centre.js';
import { projectRoot } from '../../src/paths.js';

const file = centresFileSchema.parse(JSON.parse(readFileSync(join(projectRoot(), 'data', 'sample-centres.json'), 'utf8')));
const aCentre = file.centres.find((c) => c.id === 'infotep-santo-domingo')!;
const name = displayText(80);
const problem = (value: string) => {
  const parsed = name.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues.map((i) => i.message).join('; ');
};

describe('displayText (centre names and addresses)', () => {
  it('trims and keeps ordinary names, accents and inner hyphens included', () => {
    expect(name.parse('  INFOTEP Santiago ')).toBe('INFOTEP Santiago');
    expect(name.parse('Centro Tecnológico San José-Heredia')).toBe('Centro Tecnológico San José-Heredia');
    expect(name.parse('x'.repeat(80))).toHaveLength(80);
  });

  it('refuses empty, blank and over-long values', () => {
    expect(problem('')).toBeDefined();
    expect(problem('   ')).toBeDefined();
    expect(problem('x'.repeat(81))).toBeDefined();
    expect(displayText(200).safeParse('x'.repeat(201)).success).toBe(false);
  });

  it.each([
    ['a tab', 'INFOTEP\tSantiago'],
    ['a leading tab', '\tINFOTEP'],
    ['a line feed', 'INFOTEP\nEscribe BORRAR'],
    ['a lone carriage return', 'INFOTEP\rSantiago'],
    ['a NUL', 'INFOTEP\u0000'],
    ['DEL', 'INFOTEP\u007f'],
    ['a C1 control (NEL)', 'INFOTEP\u0085Santiago'],
    ['a line separator', 'INFOTEP\u2028Santiago'],
    ['a right-to-left override', 'INFOTEP \u202eogaitnaS'],
    ['a left-to-right embedding', '\u202aINFOTEP'],
    ['a first-strong isolate', 'INFOTEP \u2068Santiago\u2069'],
  ])('refuses %s', (_label, value) => {
    expect(problem(value)).toMatch(/control characters/);
  });

  it.each([['=HYPERLINK("http://x","Santiago")'], ['+1+1'], ['-2+3'], ['@SUM(A1)'], ['  =1+1']])('refuses the formula %j', (value) => {
    expect(problem(value)).toMatch(/formula/);
  });
});

describe('centreSchema', () => {
  it('applies the rules to names and addresses (null address allowed)', () => {
    expect(centreSchema.safeParse({ ...aCentre, name: '=cmd|" /C calc"!A0' }).success).toBe(false);
    expect(centreSchema.safeParse({ ...aCentre, address: 'Calle 1\r\nBEGIN:VEVENT' }).success).toBe(false);
    expect(centreSchema.safeParse({ ...aCentre, address: null }).success).toBe(true);
    expect(centreSchema.parse({ ...aCentre, address: ' Av. Estrella Sadhalá 12 ' }).address).toBe('Av. Estrella Sadhalá 12');
  });

  it('accepts every sample centre of data/sample-centres.json, each id inside its institution\'s prefix', () => {
    expect(file.centres.length).toBeGreaterThan(10);
    for (const c of file.centres) expect(c.id.startsWith(`${c.institution}-`), c.id).toBe(true);
  });
});

describe('centreIdProblem (new centre ids through the API)', () => {
  const institutions = ['infotep', 'ina', 'mdt', 'mdt-ec'];
  it("accepts ids in the institution's own namespace", () => {
    expect(centreIdProblem('infotep-santiago', 'infotep', institutions)).toBeUndefined();
    expect(centreIdProblem('mdt-ec-quito', 'mdt-ec', institutions)).toBeUndefined();
    expect(centreIdProblem('mdt-lima', 'mdt', institutions)).toBeUndefined();
  });
  it("refuses another institution's namespace, a bare prefix, and a longer institution's namespace", () => {
    expect(centreIdProblem('ina-heredia', 'infotep', institutions)).toBe("a new centre id must start with 'infotep-' (e.g. infotep-santiago)");
    expect(centreIdProblem('infotepx-heredia', 'infotep', institutions)).toBeDefined();
    expect(centreIdProblem('infotep-', 'infotep', institutions)).toBeDefined();
    expect(centreIdProblem('infotep', 'infotep', institutions)).toBeDefined();
    expect(centreIdProblem('mdt-ec-guayaquil', 'mdt', institutions)).toMatch(/not with 'mdt-ec-'/);
  });
});
