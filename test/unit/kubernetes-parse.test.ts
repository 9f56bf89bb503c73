/**
 * How the Kubernetes analyser reads a file before any rule runs: Helm templates recognised by
 * their structure (not by any "{{"), documents that do not parse reported at the parser's
 * position, duplicate keys reported and read as Kubernetes reads them (in linear time), and
 * texts it will not read reported as skipped with a reason.
 */
import * as assert from 'assert';
import { analyze } from '../../src/core';
import { parseKubeModel, parseKubeModelOrSkip, templateActionOffset } from '../../src/core/kubernetes/model';
import { Parser } from 'yaml';
import { Skip } from '../../src/core/engine';
import { Range } from '../../src/core/model';
import { findings, pod, ruleFindings, yaml } from './kubernetes-helpers';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const offsetOf = (text: string): number | undefined => templateActionOffset([...new Parser().parse(text)], text);

describe('Kubernetes parse: Helm templates by structure', () => {
  it('finds template actions where YAML structure is: a value, a line of its own, an indented include', () => {
    assert.strictEqual(offsetOf('metadata:\n  name: {{ .Release.Name }}\n'), 18);
    assert.strictEqual(offsetOf('a: 1\n{{- if .Values.enabled }}\nb: 2\n{{- end }}\n'), 5);
    assert.strictEqual(offsetOf('spec:\n  containers:\n    - name: c\n      resources:\n        {{- toYaml .Values.resources | nindent 8 }}\n'), 59);
    assert.strictEqual(offsetOf('items:\n  - {{ .Values.item }}\n'), 11);
  });

  it('does not take braces in quoted strings, block scalars, plain text or comments for template actions', () => {
    for (const text of [
      'summary: "{{ $labels.instance }} is down"\n',
      "summary: '{{ $value }}'\n",
      'description: Instance {{ $labels.instance }} down\n',
      'data:\n  dashboard.json: |\n    {"title": "{{ cluster }}", "panels": [{{ x }}]}\n',
      'run: sed -e "s/{{ VERSION }}/1.0/" file\n',
      '# {{ .Values.x }}\napiVersion: v1\n',
      'a: {b: {c: 1}}\n',
    ]) assert.strictEqual(offsetOf(text), undefined, text);
  });

  it('skips a templated manifest with the line of its first template action, and analyses one that only quotes braces', () => {
    const templated = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: {{ .Release.Name }}', 'spec:', '  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]');
    const result = analyze(templated, 'kubernetes');
    assert.deepStrictEqual([result.skipKind, result.skipped, result.findings], ['template', 'Helm template (template action at line 4): render it with helm template and check the output', []]);
    const quoted = templated.replace('{{ .Release.Name }}', '"{{ .Release.Name }}"');
    assert.strictEqual(analyze(quoted, 'kubernetes').skipped, undefined);
    assert.deepStrictEqual(ruleFindings(quoted, 'k8s-privileged').map((f) => f.range), [r(5, 57, 5, 73)]);
  });

  it('a comment with braces cannot turn the analysis of a file off', () => {
    const text = '# {{ .Values.bypass }}\n' + pod('  containers: [{name: c, image: "a:1", securityContext: {privileged: true}}]');
    assert.strictEqual(ruleFindings(text, 'k8s-privileged').length, 1);
  });

  it('skips any file its caller places in a chart\'s templates/ directory', () => {
    const text = pod('  containers: [{name: c, image: "a:1"}]');
    const skip = parseKubeModelOrSkip(text, { chartTemplate: true });
    assert.ok(skip instanceof Skip);
    assert.strictEqual((skip as Skip).kind, 'template');
    assert.strictEqual(parseKubeModel(text, { chartTemplate: true }), undefined);
    assert.ok(parseKubeModel(text));
  });
});

describe('Kubernetes parse: documents that do not parse', () => {
  it('reports the parser\'s message at its position and analyses the other documents', () => {
    const text = yaml(
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: broken}', 'spec:', '  hostPID: true', '  containers: [{name: c, image: "a:1"', '---',
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: fine}', 'spec:', '  hostIPC: true', '  containers: [{name: c, image: "a:1"}]',
    );
    const syntax = ruleFindings(text, 'k8s-yaml-syntax');
    assert.ok(syntax.length >= 1);
    assert.strictEqual(syntax[0].severity, 'high');
    assert.match(syntax[0].message, /^YAML error: .+ \(this document is not analysed\)\.$/);
    assert.ok(syntax[0].range.start.line >= 5 && syntax[0].range.start.line <= 6, JSON.stringify(syntax[0].range));
    const ids = findings(text).map((f) => f.ruleId);
    assert.ok(ids.includes('k8s-host-ipc'));
    assert.ok(!ids.includes('k8s-host-pid'));
  });

  it('reports a broken single-document manifest instead of calling it "not Kubernetes"', () => {
    const text = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', ' bad: indentation', 'spec: {}');
    const result = analyze(text, 'kubernetes');
    assert.strictEqual(result.notApplicable, undefined);
    assert.ok(result.findings.some((f) => f.ruleId === 'k8s-yaml-syntax'), JSON.stringify(result.findings));
  });

  it('leaves broken YAML that is not a manifest alone', () => {
    assert.strictEqual(analyze('apiVersion: [\nkind\n', 'kubernetes').findings.length, 0);
    assert.strictEqual(parseKubeModel('name: ci\non: [push\n'), undefined);
  });
});

describe('Kubernetes parse: duplicate keys', () => {
  const dup = pod('  containers:', '    - name: c', '      image: a:1', '      securityContext:', '        privileged: false', '        privileged: true');

  it('reports the later key and analyses the value Kubernetes keeps (the last)', () => {
    const [f] = ruleFindings(dup, 'k8s-yaml-syntax');
    assert.deepStrictEqual(f.range, r(10, 8, 10, 18));
    assert.strictEqual(f.message, 'Duplicate key "privileged": Kubernetes rejects the object; where it is accepted the last value wins (the value checked here).');
    assert.deepStrictEqual(ruleFindings(dup, 'k8s-privileged').map((x) => x.range), [r(10, 8, 10, 24)]);
    // And the other way round: a later false is what counts.
    const safe = dup.replace('privileged: false', 'privileged: TMP').replace('privileged: true', 'privileged: false').replace('privileged: TMP', 'privileged: true');
    assert.deepStrictEqual(ruleFindings(safe, 'k8s-privileged'), []);
    assert.strictEqual(ruleFindings(safe, 'k8s-yaml-syntax').length, 1);
  });

  it('offers no fix in a file with a duplicate key', () => {
    assert.deepStrictEqual(findings(dup).filter((f) => f.fixes?.length).map((f) => f.ruleId), []);
  });

  it('does not count merge keys or keys of different mappings as duplicates', () => {
    const text = pod('  containers:', '    - {name: a, image: "a:1"}', '    - {name: b, image: "b:1"}');
    assert.deepStrictEqual(ruleFindings(text, 'k8s-yaml-syntax'), []);
  });

  it('finds duplicates in a large mapping in linear time: its cost stays within a small factor of the bare parse', () => {
    const keys: string[] = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lock}', 'data:'];
    for (let i = 0; i < 50000; i++) keys.push(`  pkg-${i}: "${i}.0.0"`);
    keys.push('  pkg-7: again');
    const text = keys.join('\n') + '\n';
    let started = performance.now();
    for (const token of new Parser().parse(text)) void token;
    const bare = performance.now() - started;
    started = performance.now();
    const model = parseKubeModel(text)!;
    const ours = performance.now() - started;
    assert.deepStrictEqual(model.problems.map((p) => [p.code, p.message]), [['DUPLICATE_KEY', 'Duplicate key "pkg-7"']]);
    // Comparing each key with all earlier ones (yaml's uniqueKeys) would cost 1.25e9 comparisons here.
    assert.ok(ours < bare * 3 + 300, `${ours.toFixed(0)} ms vs ${bare.toFixed(0)} ms for the bare CST parse`);
  });
});

describe('Kubernetes parse: limits', () => {
  it('skips brackets nested past the limit, with a reason that fails a CI run', () => {
    const result = analyze(`apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(300)}${']'.repeat(300)}\n`, 'kubernetes');
    assert.deepStrictEqual([result.skipKind, result.skipped], ['limit', 'brackets nest deeper than 256 levels']);
  });
});
