import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * What the console and the server may take from each other (issue 11): the console reads only
 * server/contracts, and from there values only from names.ts (the rest is erased types); nothing
 * on the server side reads the console; a feature of the console never reads another feature.
 */

const ROOT = path.resolve(__dirname, '../..');
const CLIENT = path.join(ROOT, 'client', 'src');
const CONTRACTS = path.join(ROOT, 'server', 'contracts');
const NAMES = path.join(CONTRACTS, 'names.ts');
/** The capability table: pure values, like names.ts, imported by the console to show what a role may do. */
const ACCESS = path.join(CONTRACTS, 'access.ts');

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return base;
}

/** Relative imports and re-exports of one file; a package import is not a boundary this test checks. */
function edges(file: string, text = fs.readFileSync(file, 'utf8')): Edge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Edge[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith('.')) {
        let typeOnly: boolean;
        if (ts.isImportDeclaration(node)) {
          const clause = node.importClause;
          const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
          typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly))));
        } else {
          typeOnly = node.isTypeOnly;
        }
        out.push({ from: file, to: resolve(file, spec), typeOnly });
      }
    }
    // import('…') types and calls count too.
    if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal) &&
      node.argument.literal.text.startsWith('.')
    ) {
      out.push({ from: file, to: resolve(file, node.argument.literal.text), typeOnly: true });
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0]) &&
      node.arguments[0].text.startsWith('.')
    ) {
      out.push({ from: file, to: resolve(file, node.arguments[0].text), typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const inside = (dir: string, p: string) => !path.relative(dir, p).startsWith('..') && !path.isAbsolute(path.relative(dir, p));
const rel = (p: string) => path.relative(ROOT, p);
const show = (e: Edge) => `${rel(e.from)} → ${rel(e.to)}${e.typeOnly ? ' (type)' : ''}`;

describe('import boundaries between the console and the server', () => {
  const clientEdges = sources(CLIENT).flatMap((f) => edges(f));

  it('the checker sees type-only and value imports apart', () => {
    const f = path.join(CLIENT, 'features', 'x', 'X.tsx');
    const found = edges(
      f,
      [
        "import type { A } from '../../../../server/contracts/views';",
        "import { type B, type C } from '../../../../server/contracts/views';",
        "import { D, type E } from '../../../../server/core/db/database';",
        "export { F } from '../y/Y';",
        "type G = import('../../shared/api').ApiError;",
      ].join('\n'),
    );
    expect(found.map((e) => [rel(e.to), e.typeOnly])).toEqual([
      ['server/contracts/views.ts', true],
      ['server/contracts/views.ts', true],
      ['server/core/db/database.ts', false],
      ['client/src/features/y/Y', false],
      ['client/src/shared/api.ts', true],
    ]);
  });

  it('the console reads nothing of the server outside server/contracts', () => {
    const out = clientEdges.filter((e) => !inside(CLIENT, e.to) && !inside(CONTRACTS, e.to));
    expect(out.map(show)).toEqual([]);
  });

  it('the console takes values only from server/contracts/names.ts and access.ts; everything else there is erased types', () => {
    const values = clientEdges.filter((e) => inside(CONTRACTS, e.to) && !e.typeOnly && e.to !== NAMES && e.to !== ACCESS);
    expect(values.map(show)).toEqual([]);
  });

  it('names.ts imports nothing, and views.ts and access.ts only ./names', () => {
    expect(edges(NAMES).map(show)).toEqual([]);
    const text = fs.readFileSync(NAMES, 'utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    expect(edges(ACCESS).map((e) => rel(e.to))).toEqual(['server/contracts/names.ts']);
    expect(edges(path.join(CONTRACTS, 'views.ts')).map((e) => rel(e.to))).toEqual(['server/contracts/names.ts']);
  });

  it('no feature of the console imports another feature (shared/ holds what several use)', () => {
    const features = path.join(CLIENT, 'features');
    const featureOf = (p: string) => (inside(features, p) ? path.relative(features, p).split(path.sep)[0] : null);
    const crossing = clientEdges.filter((e) => featureOf(e.from) && featureOf(e.to) && featureOf(e.from) !== featureOf(e.to));
    expect(crossing.map(show)).toEqual([]);
  });

  it('nothing under server/, channels/ or ivr/ imports the console', () => {
    const client = path.join(ROOT, 'client');
    const back = ['server', 'channels', 'ivr']
      .flatMap((d) => sources(path.join(ROOT, d)))
      .flatMap((f) => edges(f))
      .filter((e) => inside(client, e.to));
    expect(back.map(show)).toEqual([]);
  });
});
