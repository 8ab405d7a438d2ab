import { join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLocales } from '../../src/i18n.js';
import { stepIdsOfDialogs } from '../support/dialogSteps.js';
import { projectRoot } from '../../src/paths.js';

/**
 * Every translation key the code can ask for exists in every locale its namespace needs (the bot's
 * `translation` in es, en and ht; the console's `console` in es and en), and every locale key is asked
 * for somewhere. Keys are found with the TypeScript type checker, not a regular expression: any call
 * of an i18next `TFunction` (`t('…')`, `ruta.t('…')`, `i18n.t(lang)('…')`, `(await translatorFor(…))('…')`)
 * in src/ and dialogs/. Its key argument is enumerated from the code: literals, both branches of
 * `?:`, template literals whose parts have finite literal types (`booking.byCentre.${kind}` with
 * `kind: MessageKind`), constants, and string parameters traced to every call of their function
 * (`offerSlots(turn, 'booking.slotTaken')`). A key that cannot be enumerated fails the test unless
 * it is listed in DYNAMIC_FAMILIES below with the reason.
 */

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );
const root = projectRoot();
/** Flattened keys per language and namespace (locales/<lang>/<namespace>.json): locales[lang][ns][key]. */
const locales: Record<string, Record<string, Record<string, string>>> = Object.fromEntries(
  Object.entries(readLocales()).map(([lang, namespaces]) => [lang, Object.fromEntries(Object.entries(namespaces as Record<string, Tree>).map(([ns, tree]) => [ns, flatten(tree)]))]),
);

/**
 * The languages each namespace must cover. The bot's texts (`translation`) reach workers in every
 * language; the console's (`console`, read through `TFunction<'console'>`) reach institution staff,
 * in Spanish and English (issue 10 asks for at least those two).
 */
const REQUIRED_LANGUAGES: Record<string, string[]> = { translation: ['es', 'en', 'ht'], console: ['es', 'en'] };

/**
 * Key families the type checker cannot enumerate, each with every member, keyed by
 * "file: key expression". The test fails when an entry is no longer needed, so the list stays true.
 */
const DYNAMIC_FAMILIES: Record<string, { why: string; keys: string[] }> = {
  'src/console/pages/analytics.tsx: key': {
    why: 'a dialog step id as stored in analytics (a string); its members are every step the dialogs can ask, read from the dialogs, and the two pseudo-steps',
    keys: [...stepIdsOfDialogs().filter((id) => !/^prescreen\.s\d+$/.test(id)), 'none', 'erased'].map((id) => `analytics.steps.${id}`),
  },
};


/** i18next's plural suffixes (`key_one`, `key_other`…), used with a `count` option. */
const PLURAL_SUFFIXES = ['zero', 'one', 'two', 'few', 'many', 'other'];
/** The plural categories a language reaches for the counts Ruta shows (years, menu options, appointments: 0–1000). */
const categoriesOf = (lang: string) => [...new Set(Array.from({ length: 1001 }, (_, n) => new Intl.PluralRules(lang).select(n)))];

interface Use {
  where: string;
  /** The i18next namespace of the translate function called ('translation' unless it is a TFunction<'console'>…). */
  ns: string;
  /** The key expression as written. */
  expression: string;
  keys: string[];
  plural: boolean;
  contexts: string[];
}

type Resolved = { ok: true; values: string[] } | { ok: false; why: string };

function scan(): { uses: Use[]; unresolved: string[]; familiesUsed: Set<string> } {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const ours = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && /^(src|dialogs)\//.test(relative(root, f.fileName).replaceAll('\\', '/')));
  expect(ours.length, 'source files scanned').toBeGreaterThan(50);

  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) calls.push(node);
    ts.forEachChild(node, visit);
  };
  for (const f of ours) visit(f);

  const where = (node: ts.Node) => {
    const f = node.getSourceFile();
    return `${relative(root, f.fileName)}:${f.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  /** The namespace a TFunction reads, from its first type argument (TFunction<'console'>); the default namespace otherwise. */
  const namespaceOf = (callee: ts.Expression): string => {
    const type = checker.getTypeAtLocation(callee);
    const isReference = (type.flags & ts.TypeFlags.Object) !== 0 && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0;
    const [ns] = isReference ? checker.getTypeArguments(type as ts.TypeReference) : [];
    return ns?.isStringLiteral() ? ns.value : 'translation';
  };
  const isTranslate = (callee: ts.Expression) => {
    const symbol = checker.getTypeAtLocation(callee).getSymbol();
    return symbol?.getName() === 'TFunction' && (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.includes('/node_modules/i18next/'));
  };
  const callsOf = new Map<ts.Node, ts.CallExpression[]>();
  for (const call of calls) {
    const declaration = checker.getResolvedSignature(call)?.getDeclaration();
    if (declaration) callsOf.set(declaration, [...(callsOf.get(declaration) ?? []), call]);
  }

  const literalsOf = (type: ts.Type): string[] | undefined => {
    const parts = type.isUnion() ? type.types : [type];
    if (!parts.every((p) => p.isStringLiteral() || p.isNumberLiteral())) return undefined;
    return parts.map((p) => String((p as ts.LiteralType).value));
  };
  const union = (parts: Resolved[]): Resolved => {
    const failed = parts.find((p) => !p.ok);
    return failed ?? { ok: true, values: [...new Set(parts.flatMap((p) => (p.ok ? p.values : [])))] };
  };

  const resolve = (expr: ts.Expression, depth = 0): Resolved => {
    if (depth > 8) return { ok: false, why: 'too deep' };
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isNumericLiteral(expr)) return { ok: true, values: [expr.text] };
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) return resolve(expr.expression, depth + 1);
    if (ts.isConditionalExpression(expr)) return union([resolve(expr.whenTrue, depth + 1), resolve(expr.whenFalse, depth + 1)]);
    if (ts.isTemplateExpression(expr)) {
      let acc: Resolved = { ok: true, values: [expr.head.text] };
      for (const span of expr.templateSpans) {
        const part = resolve(span.expression, depth + 1);
        if (!acc.ok) return acc;
        if (!part.ok) return part;
        const prefixes: string[] = acc.values;
        acc = { ok: true, values: prefixes.flatMap((a) => part.values.map((p) => a + p + span.literal.text)) };
      }
      return acc;
    }
    // The checker's (narrowed) type: a finite set of literals, e.g. MessageKind without 'reminder'.
    const literals = literalsOf(checker.getTypeAtLocation(expr));
    if (literals) return { ok: true, values: literals };
    if (ts.isIdentifier(expr)) {
      const declaration = checker.getSymbolAtLocation(expr)?.valueDeclaration;
      if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) {
        return resolve(declaration.initializer, depth + 1);
      }
      if (declaration && ts.isParameter(declaration) && ts.isFunctionLike(declaration.parent)) {
        const index = declaration.parent.parameters.indexOf(declaration);
        const callers = callsOf.get(declaration.parent) ?? [];
        if (callers.length === 0) return { ok: false, why: `parameter ${expr.text} of a function never called directly` };
        const parts: Resolved[] = [];
        for (const caller of callers) {
          const argument = caller.arguments[index];
          if (argument) parts.push(resolve(argument, depth + 1));
          else if (declaration.initializer) parts.push(resolve(declaration.initializer, depth + 1));
          // Omitted optional argument: the function does not translate anything for this caller.
        }
        return union(parts);
      }
    }
    return { ok: false, why: `${checker.typeToString(checker.getTypeAtLocation(expr))} cannot be enumerated` };
  };

  const uses: Use[] = [];
  const unresolved: string[] = [];
  const familiesUsed = new Set<string>();
  for (const call of calls) {
    if (!isTranslate(call.expression)) continue;
    const [keyArg, options] = call.arguments;
    if (!keyArg) {
      unresolved.push(`${where(call)}: t() without a key`);
      continue;
    }
    const expression = keyArg.getText();
    const family = `${relative(root, call.getSourceFile().fileName)}: ${expression}`;
    let keys: string[];
    const resolved = resolve(keyArg);
    if (DYNAMIC_FAMILIES[family]) {
      familiesUsed.add(family);
      if (resolved.ok) unresolved.push(`${where(call)}: ${expression} is now enumerable (${resolved.values.join(', ')}): remove it from DYNAMIC_FAMILIES`);
      keys = DYNAMIC_FAMILIES[family].keys;
    } else if (resolved.ok) {
      keys = resolved.values;
    } else {
      unresolved.push(`${where(call)}: ${expression}: ${resolved.why}`);
      continue;
    }
    let plural = false;
    let contexts: string[] = [];
    if (options) {
      const type = checker.getTypeAtLocation(options);
      plural = type.getProperty('count') !== undefined;
      const context = type.getProperty('context');
      if (context) {
        const initializer = ts.isObjectLiteralExpression(options)
          ? options.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'context')?.initializer
          : undefined;
        const values: Resolved = initializer ? resolve(initializer) : { ok: true, values: literalsOf(checker.getTypeOfSymbolAtLocation(context, options)) ?? [] };
        if (!values.ok || values.values.length === 0) unresolved.push(`${where(call)}: context of ${expression} cannot be enumerated`);
        else contexts = values.values;
      }
    }
    uses.push({ where: where(call), ns: namespaceOf(call.expression), expression, keys, plural, contexts });
  }
  return { uses, unresolved, familiesUsed };
}

/** The keys i18next may read for a use, and whether one of them resolves in `lang`. */
function candidates(use: Use, key: string, suffixes: string[]): string[] {
  const withContext = use.contexts.length > 0 ? use.contexts.map((c) => `${key}_${c}`) : [];
  return [key, ...withContext].flatMap((k) => [k, ...(use.plural ? suffixes.map((s) => `${k}_${s}`) : [])]);
}

/**
 * Locale keys that no code reads today. Dead text nobody reviews in context: delete them from the three
 * locales (or use them), then delete them here. The test fails when this list is not exactly the truth.
 */
const KNOWN_UNUSED: string[] = []; // as 'namespace:key'

describe('translation keys used in code', () => {
  let scanned: ReturnType<typeof scan>;
  beforeAll(() => {
    scanned = scan();
  }, 120_000);

  it('finds every translation call and can enumerate every key', () => {
    expect(scanned.uses.length).toBeGreaterThan(150);
    expect(scanned.unresolved).toEqual([]);
    expect(Object.keys(DYNAMIC_FAMILIES).filter((f) => !scanned.familiesUsed.has(f)), 'DYNAMIC_FAMILIES entries no longer in the code').toEqual([]);
  });

  it('reads only namespaces with required languages, the console through its own', () => {
    const namespaces = new Set(scanned.uses.map((u) => u.ns));
    expect([...namespaces].filter((ns) => !REQUIRED_LANGUAGES[ns])).toEqual([]);
    expect(namespaces.has('console'), 'console pages translate through TFunction<\'console\'>').toBe(true);
  });

  it.each(Object.keys(locales))('exist in %s (with every plural form and context the call needs)', (lang) => {
    const missing: string[] = [];
    for (const use of scanned.uses) {
      if (!(REQUIRED_LANGUAGES[use.ns] ?? []).includes(lang)) continue;
      const flat = locales[lang]![use.ns] ?? {};
      for (const key of use.keys) {
        const needed = use.contexts.length > 0 ? use.contexts.map((c) => `${key}_${c}`) : [key];
        for (const base of needed) {
          if (!use.plural) {
            if (!(base in flat) && !(key in flat)) missing.push(`${use.ns}:${base}  (${use.where})`);
            continue;
          }
          // With a count, i18next reads key_<category>, falling back to the key itself.
          for (const category of categoriesOf(lang)) {
            if (![`${base}_${category}`, base, `${key}_${category}`, key].some((k) => k in flat)) missing.push(`${use.ns}:${base}_${category}  (${use.where})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('leaves no locale key unused (beyond the known list)', () => {
    const used = new Set(scanned.uses.flatMap((use) => use.keys.flatMap((key) => candidates(use, key, PLURAL_SUFFIXES).map((k) => `${use.ns}:${k}`))));
    const all = new Set(Object.values(locales).flatMap((namespaces) => Object.entries(namespaces).flatMap(([ns, flat]) => Object.keys(flat).map((k) => `${ns}:${k}`))));
    const unused = [...all].filter((k) => !used.has(k)).sort();
    if (unused.length > 0) console.log(`Locale keys no code reads:\n  ${unused.join('\n  ')}`);
    expect(unused).toEqual([...KNOWN_UNUSED].sort());
  });
});
