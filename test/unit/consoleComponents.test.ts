import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { ErrorSummary } from '../../src/console/ui/ErrorSummary.js';
import { Checkboxes, DateInput, PostForm, Radios, Select, TextInput, TimeInput } from '../../src/console/ui/form.js';
import { StatusTag } from '../../src/console/ui/StatusTag.js';
import { Table } from '../../src/console/ui/Table.js';
import { WhatsAppText } from '../../src/console/pages/simulator.js';

describe('console components', () => {
  it('shows a WhatsApp message as the phone does: *bold* and _italic_, everything else escaped text', () => {
    expect(renderToString(h(WhatsAppText, { text: '*Hola, soy Ruta.* Te _ayudo_ <b>x</b> 2*3' }))).toBe('<strong>Hola, soy Ruta.</strong> Te <em>ayudo</em> &lt;b>x&lt;/b> 2*3');
  });

  it('ties a field to its label, hint and error, and marks it invalid', () => {
    const html = renderToString(h(TextInput, { name: 'email', label: 'Correo', hint: 'Su correo', error: 'Escriba su correo', value: 'a@b.c' }));
    expect(html).toContain('<label for="email">Correo</label>');
    expect(html).toContain('<small id="email-hint" class="field-hint">Su correo</small>');
    expect(html).toContain('<p id="email-error" class="field-error">Escriba su correo</p>');
    expect(html).toMatch(/<input id="email" name="email" type="text" value="a@b.c"[^>]*aria-invalid="true" aria-describedby="email-hint email-error"/);
    for (const [component, type] of [
      [DateInput, 'date'],
      [TimeInput, 'time'],
    ] as const)
      expect(renderToString(h(component, { name: 'd', label: 'L', value: 'v' }))).toMatch(new RegExp(`<input id="d" name="d" type="${type}" value="v"`));
    expect(renderToString(h(Select, { name: 's', label: 'S', value: 'b', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }))).toContain('<option value="b" selected>B</option>');
  });

  it('escapes what it shows (no string-built HTML)', () => {
    const html = renderToString(h(TextInput, { name: 'n', label: '<script>x</script>', value: '"><img src=x onerror=alert(1)>' }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script>');
  });

  it('gives the first radio or checkbox the field name as id, so the error summary can link to it', () => {
    const radios = renderToString(h(Radios, { name: 'role', legend: 'Papel', value: 'admin', error: 'Elija', options: [{ value: 'staff', label: 'Personal', hint: 'h' }, { value: 'admin', label: 'Admin' }] }));
    expect(radios).toMatch(/<fieldset[^>]*aria-describedby="role-error"><legend>Papel<\/legend>/);
    expect(radios).toContain('<input type="radio" id="role" name="role" value="staff"');
    expect(radios).toMatch(/id="role-2" name="role" value="admin" checked/);
    const boxes = renderToString(h(Checkboxes, { name: 'centres', legend: 'C', values: ['b'], options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }));
    expect(boxes).toMatch(/id="centres-2" name="centres" value="b" checked/);
    const summary = renderToString(h(ErrorSummary, { title: 'Hay un problema', errors: [{ field: 'role', message: 'Elija' }] }));
    expect(summary).toContain('<a href="#role">Elija</a>');
    expect(renderToString(h(ErrorSummary, { title: 'x', errors: [] }))).toBe('');
  });

  it('puts the CSRF token in every post form, and scopes table headers', () => {
    expect(renderToString(h(PostForm, { action: '/console/x', csrfToken: 't0k', children: 'b' }))).toBe('<form method="post" action="/console/x" novalidate><input type="hidden" name="_csrf" value="t0k"/>b</form>');
    const table = renderToString(h(Table<{ n: string }>, { caption: 'Cap', rows: [{ n: 'Ana' }], columns: [{ header: 'Nombre', cell: (r) => r.n, rowHeader: true }, { header: 'N', cell: () => '1', numeric: true }] }));
    expect(table).toContain('<caption>Cap</caption>');
    expect(table).toContain('<th scope="col">Nombre</th>');
    expect(table).toContain('<th scope="row" data-label="Nombre">Ana</th>');
    expect(table).toContain('<td data-label="N" class="numeric">1</td>');
    expect(renderToString(h(Table<{ n: string }>, { caption: 'Cap', rows: [], columns: [], empty: 'Nada' }))).toBe('<p class="table-empty">Nada</p>');
    expect(renderToString(h(StatusTag, { tone: 'success', children: 'Activa' }))).toBe('<strong class="tag tag--success">Activa</strong>');
  });
});

describe('console.css', () => {
  it('closes every block it opens (two merged blocks once lost their closing braces, and every rule after them was dropped)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { projectRoot } = await import('../../src/paths.js');
    const css = readFileSync(join(projectRoot(), 'src/console/assets/console.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    let depth = 0;
    for (const ch of css) {
      if (ch === '{') depth += 1;
      if (ch === '}') depth -= 1;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    // No rule opens inside another rule's declarations (only @media nests).
    expect(css).not.toMatch(/;\s*\n[^@}\n][^{};]*\{/);
  });
});
