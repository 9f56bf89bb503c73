/**
 * "Ignore … for this line" applied twice on one line: the second rule joins the directive above
 * instead of pushing it off its line (which would bring the first finding back).
 */
import * as assert from 'assert';
import { analyze } from '../../src/core';
import { suppressionEdit } from '../../src/core/suppressEdit';
import { applyEdits } from '../../src/core/text';

const ids = (text: string, kind: 'dockerfile' | 'kubernetes') => analyze(text, kind).findings.map((f) => `${f.ruleId}@${f.range.start.line}`);

describe('line suppressions that stack', () => {
  it('adds a second rule to the directive above a Dockerfile line, and both stay suppressed', () => {
    const text = 'FROM alpine:3.19\nUSER root\nADD a.sh /a.sh\nUSER 10001\nHEALTHCHECK CMD true\n';
    assert.ok(ids(text, 'dockerfile').includes('docker-add-instead-of-copy@2'));
    const once = applyEdits(text, [suppressionEdit(text, 'dockerfile', 'docker-add-instead-of-copy', 'line', 2)]);
    assert.strictEqual(once.split('\n')[2], '# shipshape-ignore docker-add-instead-of-copy');
    const twice = applyEdits(once, [suppressionEdit(once, 'dockerfile', 'DS-0002,docker-add-instead-of-copy', 'line', 3)]);
    assert.strictEqual(twice.split('\n')[2], '# shipshape-ignore docker-add-instead-of-copy,DS-0002');
    assert.strictEqual(twice.split('\n').length, once.split('\n').length, 'no new line');
    assert.ok(!ids(twice, 'dockerfile').some((f) => f.startsWith('docker-add-instead-of-copy')));
  });

  it('keeps the reason written after the rules, and names a rule only once (by any of its IDs)', () => {
    const text = '  # shipshape-ignore KSV-0017 needs the device\n  privileged: true\n';
    assert.deepStrictEqual(suppressionEdit(text, 'kubernetes', 'k8s-seccomp', 'line', 1), { range: { start: { line: 0, character: 29 }, end: { line: 0, character: 29 } }, newText: ',k8s-seccomp' });
    assert.strictEqual(suppressionEdit(text, 'kubernetes', 'ksv17', 'line', 1).newText, '', 'already named');
  });

  it('does not join a file directive, a trailing directive or an ordinary comment', () => {
    for (const above of ['# shipshape-ignore-file docker-root-user', 'USER root # shipshape-ignore docker-root-user', '# build stage']) {
      const text = `FROM alpine:3.19\n${above}\nADD a.sh /a.sh\n`;
      const edit = suppressionEdit(text, 'dockerfile', 'docker-add-instead-of-copy', 'line', 2);
      assert.deepStrictEqual(edit.range.start, { line: 2, character: 0 }, above);
      assert.strictEqual(edit.newText, '# shipshape-ignore docker-add-instead-of-copy\n');
    }
  });

  it('keeps CRLF and the YAML indentation when it inserts', () => {
    const text = 'spec:\r\n  containers:\r\n    - name: a\r\n';
    assert.strictEqual(suppressionEdit(text, 'kubernetes', 'k8s-seccomp', 'line', 2).newText, '    # shipshape-ignore k8s-seccomp\r\n');
  });
});
