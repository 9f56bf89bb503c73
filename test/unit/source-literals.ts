import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** The project's src/ folder, for tests that read its sources. */
export const SRC = path.join(__dirname, '..', '..', '..', 'src');

/** Every .ts file under a folder. */
export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Where the object literals of a file break a rule: `flagged` returns the node to report (a
 * property) or undefined; each is named `file:line` relative to src/.
 */
export function flaggedLiterals(file: string, flagged: (literal: ts.ObjectLiteralExpression) => ts.Node | undefined): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const at = flagged(node);
      if (at) out.push(`${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
