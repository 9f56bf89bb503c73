import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { SRC, flaggedLiterals, sourceFiles } from './source-literals';

/**
 * Reports and fixes spread their message or title (`...msg(…)`, `...fixTitle(…)`) after their other
 * properties. V8 (Node 20) gives an object literal that begins with a spread and adds properties
 * after it a hidden class of its own on every evaluation: every finding then had its own shape,
 * and the engine's reads of them were uncached (a fifth of the manifest analysis). Spread last,
 * the literals of a call site share one shape.
 */
const MESSAGE_HELPERS = /^(msg|fixTitle|titleOf)$|(Message|Msg|Title)$/;

function helperName(e: ts.Expression): string | undefined {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isConditionalExpression(e)) return helperName(e.whenTrue) ?? helperName(e.whenFalse);
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) return MESSAGE_HELPERS.test(e.expression.text) ? e.expression.text : undefined;
  return undefined;
}

function leadingSpreads(file: string): string[] {
  return flaggedLiterals(file, (node) => {
    const first = node.properties[0];
    return node.properties.length > 1 && ts.isSpreadAssignment(first) && helperName(first.expression) ? first : undefined;
  });
}

describe('core: message and title spreads come last in object literals', () => {
  it('finds no literal in src/core or src/server that begins with a message or title spread', () => {
    const found = [...sourceFiles(path.join(SRC, 'core')), ...sourceFiles(path.join(SRC, 'server'))].flatMap(leadingSpreads);
    assert.deepStrictEqual(found, []);
  });

  it('flags such a literal (the check can fail)', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'spread-')), 'x.ts');
    fs.writeFileSync(tmp, "report({ ...msg('a', 'b'), range });\nreport({ range, ...msg('a', 'b') });\nconst f = { ...(c ? fixTitle('a', 'b') : fixTitle('c', 'd')), kind: 'quickfix' };\n");
    assert.deepStrictEqual(leadingSpreads(tmp).map((s) => s.replace(/.*:/, '')), ['1', '3']);
  });
});
