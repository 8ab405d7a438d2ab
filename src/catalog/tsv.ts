/**
 * The two registries kept as tab-separated files in data/, exactly as extracted from their
 * sources: Mexico's RENEC registry of competency standards and the ISCO-08 unit groups.
 */

export interface RenecStandard {
  code: string;
  level: string;
  sector: string;
  title: string;
  occupations: string[];
  /** The accredited certifiers (ECE/OC) RENEC lists for the standard, by name. */
  certifiers: string[];
  current: boolean;
}

const RENEC_CODE = /^EC\d{4}(\.\d{2})?$/;

/**
 * Parses mx-conocer-standards.tsv. A few rows of the extract carry line breaks inside the
 * occupations field: a line that does not start with an EC code continues the row before it.
 */
export function parseRenec(tsv: string): RenecStandard[] {
  const lines = tsv.split(/\r?\n/);
  const header = lines.shift()?.split('\t') ?? [];
  const expected = ['code', 'level', 'sector', 'title', 'occupations', 'certifier_count', 'certifiers', 'current'];
  if (expected.some((name, i) => header[i] !== name)) throw new Error(`mx-conocer-standards.tsv: unexpected header ${header.join(',')}`);
  const rows: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (/^EC\d{4}/.test(line) || rows.length === 0) rows.push(line);
    else rows[rows.length - 1] += ` | ${line}`;
  }
  // Checked by hand, not by a zod schema per row: the lists and the flag are well-formed by
  // construction, and 1,480 rows through zod cost about 45 ms of every start (issue 13).
  return rows.map((row, i) => {
    const f = row.split('\t');
    const code = f[0] ?? '';
    const title = (f[3] ?? '').trim();
    const problems: string[] = [];
    if (!RENEC_CODE.test(code)) problems.push(`code: ${JSON.stringify(code)} is not an EC code`);
    if (title === '') problems.push('title: empty');
    if (problems.length > 0) throw new Error(`mx-conocer-standards.tsv row ${i + 1}: ${problems.join('; ')}`);
    return {
      code,
      level: f[1] ?? '',
      sector: f[2] ?? '',
      title,
      occupations: [...new Set((f[4] ?? '').split('|').map((o) => o.trim()).filter((o) => o !== ''))],
      certifiers: [...new Set((f[6] ?? '').split('|').map((c) => c.trim()).filter((c) => c !== ''))],
      current: f[7] === 'yes',
    };
  });
}

/** Parses isco08-unit-groups-es.tsv into code → Spanish title. */
export function parseIsco(tsv: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.shift() !== 'isco08\ttitle_es') throw new Error('isco08-unit-groups-es.tsv: unexpected header');
  for (const line of lines) {
    const [code, title] = line.split('\t');
    if (!code || !/^\d{4}$/.test(code) || !title) throw new Error(`isco08-unit-groups-es.tsv: bad line ${line}`);
    out.set(code, title.trim());
  }
  return out;
}
