import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('suppression comment grammar', () => {
  const contribution = pkg.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === 'shipshape.suppression.injection');
  const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, contribution.path), 'utf8'));
  // The pattern is plain enough to mean the same in Oniguruma (TextMate) and JavaScript.
  const directive = new RegExp(grammar.repository.directive.match);

  it('is injected into Dockerfile and YAML comments', () => {
    assert.deepStrictEqual([...contribution.injectTo].sort(), ['source.dockerfile', 'source.yaml']);
    assert.strictEqual(grammar.injectionSelector, 'L:comment.line.number-sign');
    assert.strictEqual(grammar.scopeName, contribution.scopeName);
  });

  it('captures the directive and the list of rule ids', () => {
    const m = directive.exec('# shipshape-ignore-file DS-0002,k8s-privileged reason here')!;
    assert.strictEqual(m[1], 'shipshape-ignore-file');
    assert.strictEqual(m[2], 'DS-0002,k8s-privileged');
    const line = directive.exec('# shipshape-ignore docker-root-user')!;
    assert.strictEqual(line[1], 'shipshape-ignore');
    assert.strictEqual(line[2], 'docker-root-user');
  });

  it('does not match other comments', () => {
    assert.strictEqual(directive.exec('# hadolint ignore=DL3008'), null);
  });
});
