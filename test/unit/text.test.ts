import * as assert from 'assert';
import { applyEdits, eolOf, LineIndex } from '../../src/core/text';
import { parseImageRef, validateImageRef, isLatest, registryAllowed, registryOf } from '../../src/core/imageRef';
import { suppressionEdit } from '../../src/core/suppressEdit';
import { minimalEdit } from '../../src/core/fix';
import { range } from '../../src/core/model';

describe('text utilities', () => {
  it('maps offsets and positions over LF, CRLF and lone CR', () => {
    const idx = new LineIndex('a\r\nbc\nd\re');
    assert.strictEqual(idx.lineCount, 4);
    assert.deepStrictEqual(idx.positionAt(3), { line: 1, character: 0 });
    assert.strictEqual(idx.offsetAt({ line: 3, character: 1 }), 9);
    assert.strictEqual(idx.lineText(0), 'a');
  });
  it('applies edits against the original text, in any order', () => {
    const out = applyEdits('one\ntwo\nthree', [
      { range: range(2, 0, 2, 5), newText: '3' },
      { range: range(0, 0, 0, 3), newText: '1' },
    ]);
    assert.strictEqual(out, '1\ntwo\n3');
  });
  it('refuses overlapping edits', () => {
    assert.throws(() => applyEdits('abcdef', [{ range: range(0, 0, 0, 3), newText: '' }, { range: range(0, 2, 0, 4), newText: '' }]));
  });
  it('detects CRLF', () => {
    assert.strictEqual(eolOf('a\r\nb'), '\r\n');
    assert.strictEqual(eolOf('a\nb'), '\n');
  });
  it('computes one minimal edit between two texts', () => {
    const e = minimalEdit('FROM a\nRUN x\n', 'FROM a\nUSER 1\nRUN x\n')!;
    assert.deepStrictEqual(e.range, range(1, 0, 1, 0));
    assert.strictEqual(e.newText, 'USER 1\n');
    assert.strictEqual(minimalEdit('same', 'same'), undefined);
  });
});

describe('image references', () => {
  const valid = ['alpine', 'alpine:3.19', 'library/alpine', 'ghcr.io/org/app:v1', 'localhost:5000/app', 'host:5000/a/b:tag',
    'app@sha256:' + 'a'.repeat(64), 'registry.example.com/team/app:1.2.3@sha256:' + 'b'.repeat(64)];
  for (const ref of valid) it(`accepts ${ref}`, () => assert.strictEqual(validateImageRef(ref), undefined));
  const invalid = ['', '-v', '--output=/etc/x', 'a b', '$(id)', 'app;rm -rf /', 'app\nrm', 'App', 'app:', 'app@sha256:xyz', '`id`', 'a|b', '../etc/passwd'];
  for (const ref of invalid) it(`rejects ${JSON.stringify(ref)}`, () => assert.notStrictEqual(validateImageRef(ref), undefined));

  it('splits registry, repository, tag and digest', () => {
    assert.deepStrictEqual(parseImageRef('localhost:5000/app:1'), { raw: 'localhost:5000/app:1', registry: 'localhost:5000', repository: 'app', tag: '1', digest: undefined });
    assert.strictEqual(parseImageRef('org/app')!.registry, undefined);
    assert.strictEqual(registryOf(parseImageRef('org/app')!), 'docker.io');
  });
  it('treats untagged and :latest as latest, digests as pinned, registry ports as not tags', () => {
    assert.ok(isLatest(parseImageRef('alpine')!));
    assert.ok(isLatest(parseImageRef('alpine:latest')!));
    assert.ok(isLatest(parseImageRef('host:5000/app')!));
    assert.ok(!isLatest(parseImageRef('alpine:latest@sha256:' + 'c'.repeat(64))!));
    assert.ok(!isLatest(parseImageRef('alpine:3')!));
  });
  it('matches registry allow-lists by host and suffix', () => {
    assert.ok(registryAllowed('ghcr.io', ['ghcr.io']));
    assert.ok(registryAllowed('x.azurecr.io', ['*.azurecr.io']));
    assert.ok(!registryAllowed('evil-azurecr.io', ['*.azurecr.io']));
    assert.ok(registryAllowed('docker.io', ['docker.io']));
    assert.ok(!registryAllowed('quay.io', ['ghcr.io']));
  });
});

describe('suppression edits', () => {
  it('inserts a line comment above the flagged line with its indentation', () => {
    const text = 'spec:\n  containers:\n    - name: a\n';
    const out = applyEdits(text, [suppressionEdit(text, 'kubernetes', 'k8s-privileged', 'line', 2)]);
    assert.strictEqual(out, 'spec:\n  containers:\n    # shipshape-ignore k8s-privileged\n    - name: a\n');
  });
  it('keeps CRLF', () => {
    const text = 'FROM a\r\nUSER root\r\n';
    const out = applyEdits(text, [suppressionEdit(text, 'dockerfile', 'docker-root-user', 'line', 1)]);
    assert.strictEqual(out, 'FROM a\r\n# shipshape-ignore docker-root-user\r\nUSER root\r\n');
  });
  it('puts the file-level comment after Dockerfile parser directives', () => {
    const text = '# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n';
    const out = applyEdits(text, [suppressionEdit(text, 'dockerfile', 'docker-no-healthcheck', 'file', 0)]);
    assert.strictEqual(out, '# syntax=docker/dockerfile:1\n# escape=`\n# shipshape-ignore-file docker-no-healthcheck\nFROM a\n');
  });
  it('puts the file-level comment first in YAML', () => {
    const text = 'apiVersion: v1\n';
    assert.strictEqual(applyEdits(text, [suppressionEdit(text, 'kubernetes', 'x', 'file', 5)]), '# shipshape-ignore-file x\napiVersion: v1\n');
  });
});
