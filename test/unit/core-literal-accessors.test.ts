import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { SRC, flaggedLiterals, sourceFiles } from './source-literals';

/**
 * No object literal in the analysis code has a getter or a setter. V8 (Node 20) allocates such a
 * literal directly in the old generation; a model built that way (`{ …, get comments() {…} }`)
 * kept the whole parse of its file alive through every young-generation collection until a full
 * one, and each scavenge of a manifest analysis cost three times what it costs the bare parse.
 * A class with the accessor on its prototype is allocated like any other object.
 */
function literalAccessors(file: string): string[] {
  return flaggedLiterals(file, (node) => node.properties.find((p) => ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)));
}

describe('core: no accessors in object literals', () => {
  it('finds no getter or setter in an object literal of src/core or src/server', () => {
    const found = [...sourceFiles(path.join(SRC, 'core')), ...sourceFiles(path.join(SRC, 'server'))].flatMap(literalAccessors);
    assert.deepStrictEqual(found, []);
  });

  it('flags a literal getter or setter, not a class accessor (the check can fail)', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'accessor-')), 'x.ts');
    fs.writeFileSync(tmp, [
      'const a = { text, get comments() { return []; } };',
      'class B { get comments() { return []; } }',
      'const c = { set v(x: number) { void x; }, w: 1 };',
      'const d = { comments() { return []; } };',
      '',
    ].join('\n'));
    assert.deepStrictEqual(literalAccessors(tmp).map((s) => s.replace(/.*:/, '')), ['1', '3']);
  });
});

describe('core: a parsed model is not promoted with its whole parse', () => {
  it('the manifest and Compose models keep their lazy comments on the prototype', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseKubeModel } = require('../../src/core/kubernetes/model') as typeof import('../../src/core/kubernetes/model');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseComposeModel } = require('../../src/core/compose/model') as typeof import('../../src/core/compose/model');
    const kube = parseKubeModel('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # shipshape-ignore k8s-x\n')!;
    const compose = parseComposeModel('services:\n  web:\n    image: nginx # shipshape-ignore x\n', true) as import('../../src/core/compose/model').ComposeModel;
    for (const m of [kube, compose]) {
      assert.strictEqual(Object.getOwnPropertyDescriptor(m, 'comments'), undefined);
      // The getter is the shared ParsedYamlText's, on the prototype chain.
      let proto = Object.getPrototypeOf(m) as object | null;
      while (proto && !Object.getOwnPropertyDescriptor(proto, 'comments')) proto = Object.getPrototypeOf(proto) as object | null;
      assert.strictEqual(typeof (proto && Object.getOwnPropertyDescriptor(proto, 'comments'))?.get, 'function');
    }
    // Both give ranges from offsets the same way (0-based lines and characters): the keys `name` and `image`.
    assert.deepStrictEqual(kube.rangeOf(37, 41), { start: { line: 3, character: 2 }, end: { line: 3, character: 6 } });
    assert.deepStrictEqual(compose.rangeOf(21, 26), { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } });
    assert.deepStrictEqual(kube.comments.map((c) => c.text), [' shipshape-ignore k8s-x']);
    assert.deepStrictEqual(compose.comments.map((c) => c.text), [' shipshape-ignore x']);
  });
});
