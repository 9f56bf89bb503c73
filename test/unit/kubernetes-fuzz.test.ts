import * as assert from 'assert';
import { analyze } from '../../src/core';
import { MAX_TEXT_LENGTH } from '../../src/core/engine';
import { fixture } from './kubernetes-helpers';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function analyzeWithin(text: string, ms: number): ReturnType<typeof analyze> {
  const started = Date.now();
  let result: ReturnType<typeof analyze> | undefined;
  assert.doesNotThrow(() => { result = analyze(text, 'kubernetes'); });
  const took = Date.now() - started;
  assert.ok(took < ms, `analysis took ${took} ms (budget ${ms} ms)`);
  return result!;
}

const FIXTURE_NAMES = ['insecure-deployment.yaml', 'four-space-flat-seq.yaml', 'flow-style.yaml', 'multi-doc.yaml', 'hardened.yaml'];

describe('Kubernetes analyser robustness (fuzz)', () => {
  it('never throws on random bytes', () => {
    const next = rng(42);
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(next() * 400);
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(next() * 256));
      const r = analyzeWithin(s, 2000);
      assert.deepStrictEqual(r.errors, [], JSON.stringify(s));
    }
  });

  it('never throws on random YAML-ish punctuation soup', () => {
    const next = rng(7);
    const alphabet = ['apiVersion: v1\n', 'kind: Pod\n', 'spec:\n', '  containers:\n', '- ', '  ', '{', '}', '[', ']', ':', ',', '#', '"', "'", '|', '>', '&a ', '*a ', '!!str ', '---\n', '...\n', '\n', '\t', 'securityContext: ', 'privileged: true', '? ', '%YAML 1.2\n'];
    for (let i = 0; i < 500; i++) {
      let s = '';
      const n = Math.floor(next() * 60);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      const r = analyzeWithin(s, 2000);
      assert.deepStrictEqual(r.errors, [], JSON.stringify(s));
    }
  });

  it('never throws on every truncation of the realistic fixtures', () => {
    for (const name of FIXTURE_NAMES) {
      const text = fixture(name);
      for (let cut = 0; cut <= text.length; cut += 7) {
        const r = analyzeWithin(text.slice(0, cut), 2000);
        assert.deepStrictEqual(r.errors, [], `${name} cut at ${cut}`);
      }
    }
  });

  it('survives 10k nested flow collections, again and again (deep recursion can abort V8 itself)', () => {
    const texts = ['['.repeat(10000), 'a: ' + '['.repeat(10000) + ']'.repeat(10000), '{a: '.repeat(10000), `apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(10000)}\n`];
    for (let round = 0; round < 3; round++) {
      for (const text of texts) assert.deepStrictEqual(analyzeWithin(text, 2000).findings, []);
    }
  });

  it('still analyses a manifest with moderately deep flow nesting', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: "${'['.repeat(5)}"}}\nspec:\n  hostPID: true\n  x: ${'['.repeat(200)}${']'.repeat(200)}\n  containers: []\n`;
    for (let round = 0; round < 3; round++) assert.ok(analyzeWithin(text, 2000).findings.some((f) => f.ruleId === 'k8s-host-pid'));
  });

  it('survives deep block nesting', () => {
    let text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n';
    for (let i = 1; i < 3000; i++) text += ' '.repeat(i) + `k${i}:\n`;
    for (let round = 0; round < 3; round++) analyzeWithin(text, 5000);
  });

  it('handles a 5 MB single line in bounded time', () => {
    const line = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {blob: "' + 'x'.repeat(5 * 1024 * 1024) + '"}\n';
    assert.ok(line.length < MAX_TEXT_LENGTH);
    const r = analyzeWithin(line, 10000);
    assert.deepStrictEqual(r.errors, []);
  });

  it('reads a file with a byte order mark like one without', () => {
    const text = fixture('insecure-deployment.yaml');
    const plain = analyze(text, 'kubernetes').findings.map((f) => [f.ruleId, f.range.start.line]);
    const withBom = analyzeWithin('\ufeff' + text, 2000).findings.map((f) => [f.ruleId, f.range.start.line]);
    assert.deepStrictEqual(withBom, plain);
  });

  it('gives the same findings on the same lines for CRLF and LF files', () => {
    for (const name of FIXTURE_NAMES) {
      const text = fixture(name);
      const lf = analyze(text, 'kubernetes').findings.map((f) => [f.ruleId, f.range]);
      const crlf = analyzeWithin(text.replace(/\n/g, '\r\n'), 2000).findings.map((f) => [f.ruleId, f.range]);
      assert.deepStrictEqual(crlf, lf, name);
    }
  });

  it('grows about linearly with the number of documents', () => {
    const doc = fixture('insecure-deployment.yaml');
    const timeOf = (n: number): number => {
      const text = Array.from({ length: n }, () => doc).join('---\n');
      analyze(text, 'kubernetes');
      const started = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) analyze(text, 'kubernetes');
      return Number(process.hrtime.bigint() - started);
    };
    const small = timeOf(20);
    const large = timeOf(200);
    // 10× the input; allow generous noise on a shared machine but catch quadratic behaviour (≈100×).
    assert.ok(large / small < 30, `200 docs took ${(large / small).toFixed(1)}× the time of 20 docs`);
  });
});
