import * as assert from 'assert';
import { analyze, allRules } from '../../src/core';
import { DockerfileParser } from 'dockerfile-ast';
import { dockerfileAnalyzer } from '../../src/core/dockerfile';
import { check, lines, fixture, assertFixWorks } from './dockerfile-support';

describe('Dockerfile rules metadata', () => {
  it('gives every rule an id, references, description, remediation and appliesTo dockerfile', () => {
    const ids = new Set<string>();
    for (const r of dockerfileAnalyzer.rules) {
      assert.match(r.id, /^docker-[a-z-]+$/);
      assert.ok(!ids.has(r.id), `unique id ${r.id}`);
      ids.add(r.id);
      assert.strictEqual(r.appliesTo, 'dockerfile');
      assert.ok(r.references.length > 0 && r.description.length > 40 && r.remediation.length > 20, r.id);
    }
    for (const required of [
      'docker-latest-tag', 'docker-root-user', 'docker-expose-ssh', 'docker-add-instead-of-copy', 'docker-sudo', 'docker-run-cd',
      'docker-update-alone', 'docker-apt-get-yes', 'docker-apk-no-cache', 'docker-no-healthcheck', 'docker-apt-no-install-recommends',
      'docker-secret-in-build', 'docker-pipefail', 'docker-debug-tools', 'docker-untrusted-registry',
    ]) assert.ok(ids.has(required), required);
    assert.ok(allRules().some((r) => r.id === 'docker-root-user'));
  });
  it('uses the severity rubric of docs/SEVERITY.md: root and secrets high, hygiene low', () => {
    const sev = Object.fromEntries(dockerfileAnalyzer.rules.map((r) => [r.id, r.severity]));
    assert.strictEqual(sev['docker-root-user'], 'high');
    assert.strictEqual(sev['docker-sudo'], 'high');
    assert.strictEqual(sev['docker-secret-in-build'], 'high');
    assert.strictEqual(sev['docker-no-healthcheck'], 'low');
    assert.strictEqual(sev['docker-add-instead-of-copy'], 'low');
    for (const hygiene of ['docker-apk-no-cache', 'docker-apt-get-yes', 'docker-apt-no-install-recommends', 'docker-update-alone', 'docker-run-cd', 'docker-pipefail']) {
      assert.strictEqual(sev[hygiene], 'low', hygiene);
    }
  });
});

describe('Dockerfile suppression comments', () => {
  const t = 'FROM alpine:3\n# shipshape-ignore docker-sudo reason: legacy\nRUN sudo ls\nRUN sudo ls\n';
  it('suppresses a rule on the next line', () => {
    assert.deepStrictEqual(lines(t, 'docker-sudo'), [3]);
  });
  it('suppresses the final-FROM finding with a comment above it', () => {
    assert.deepStrictEqual(lines('# shipshape-ignore docker-root-user\nFROM alpine:3\nCMD ["x"]\n', 'docker-root-user'), []);
  });
  it('suppresses for the whole file with a public id', () => {
    assert.deepStrictEqual(lines('FROM alpine:3\nEXPOSE 80\nCMD ["srv"]\n', 'docker-no-healthcheck'), [0]);
    assert.deepStrictEqual(lines('# shipshape-ignore-file DS-0026\nFROM alpine:3\nEXPOSE 80\nCMD ["srv"]\n', 'docker-no-healthcheck'), []);
    assert.deepStrictEqual(lines('# shipshape-ignore-file DS026,DL3004\nFROM alpine:3\nRUN sudo x\n', 'docker-sudo'), []);
  });
  it('does not read suppression comments inside heredocs', () => {
    assert.deepStrictEqual(lines('FROM alpine:3\nRUN <<EOF\n# shipshape-ignore docker-sudo\nsudo ls\nEOF\n', 'docker-sudo'), [3]);
  });
});

describe('Dockerfile configuration', () => {
  const t = 'FROM alpine:3\nRUN sudo ls\n';
  it('turns a rule off by our id or a public id', () => {
    assert.deepStrictEqual(lines(t, 'docker-sudo', { rules: { 'docker-sudo': 'off' } }), []);
    assert.deepStrictEqual(lines(t, 'docker-sudo', { rules: { DL3004: 'off' } }), []);
  });
  it('overrides the severity', () => {
    const r = check(t, { rules: { 'DS-0010': 'low' } });
    assert.strictEqual(r.findings.find((f) => f.ruleId === 'docker-sudo')?.severity, 'low');
  });
  it('checks trusted registries only when configured', () => {
    assert.deepStrictEqual(lines(t, 'docker-untrusted-registry'), []);
    assert.deepStrictEqual(lines(t, 'docker-untrusted-registry', { trustedRegistries: ['ghcr.io'] }), [0]);
  });
});

describe('Dockerfile fixtures', () => {
  const ids = (name: string): string[] => [...new Set(check(fixture(name)).findings.map((f) => f.ruleId))].sort();
  it('finds nothing in a hardened multi-stage Go build', () => {
    assert.deepStrictEqual(check(fixture('go-multistage-good.Dockerfile')).findings, []);
  });
  it('finds the problems of a careless single-stage Node build', () => {
    assert.deepStrictEqual(ids('node-single-stage-bad.Dockerfile'), [
      'docker-add-instead-of-copy', 'docker-apt-get-yes', 'docker-apt-no-install-recommends', 'docker-debug-tools', 'docker-expose-ssh',
      'docker-latest-tag', 'docker-no-healthcheck', 'docker-root-user', 'docker-secret-in-build', 'docker-toolchain-base', 'docker-update-alone',
    ]);
  });
  it('finds nothing in an official-style Alpine image whose RUN has a case statement', () => {
    assert.deepStrictEqual(check(fixture('official-style-alpine.Dockerfile')).findings, []);
  });
  it('finds nothing in a careful Python image', () => {
    assert.deepStrictEqual(check(fixture('python-debian.Dockerfile')).findings, []);
  });
  it('reads a Windows Dockerfile with backtick escapes and CRLF without false pipefail/root findings', () => {
    // A tool image (no port, no server): nothing to report at all.
    assert.deepStrictEqual(ids('windows-escape.Dockerfile'), []);
  });
  it('analyses RUN heredocs but not COPY heredocs', () => {
    const r = check(fixture('heredoc.Dockerfile'));
    assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.range.start.line]), [['docker-sudo', 9]]);
  });
  it('fixes the Node fixture with the add-user fix', () => {
    assertFixWorks(fixture('node-single-stage-bad.Dockerfile'), 'docker-root-user', 'Run as');
  });
  it('does not offer the multi-stage refactor for the Node fixture: it apt-installs curl and vim, which a slim runtime would lack', () => {
    const f = check(fixture('node-single-stage-bad.Dockerfile')).findings.find((x) => x.ruleId === 'docker-root-user')!;
    assert.deepStrictEqual(f.fixes!.map((x) => x.kind), ['quickfix']);
    const withoutApt = fixture('node-single-stage-bad.Dockerfile').replace('RUN apt-get update\nRUN apt-get install curl vim\n', '');
    assertFixWorks(withoutApt, 'docker-root-user', 'Convert');
  });
});

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('Dockerfile analyser never throws', () => {
  const sources = ['official-style-alpine.Dockerfile', 'go-multistage-good.Dockerfile', 'node-single-stage-bad.Dockerfile', 'python-debian.Dockerfile', 'windows-escape.Dockerfile', 'heredoc.Dockerfile'].map(fixture);
  const noThrow = (text: string): void => {
    const r = analyze(text, 'dockerfile');
    assert.deepStrictEqual(r.errors, [], JSON.stringify(text.slice(0, 200)));
  };
  it('survives every truncation of the fixtures', () => {
    for (const s of sources) for (let i = 0; i <= s.length; i += 3) noThrow(s.slice(0, i));
  });
  it('survives random bytes and random splices', () => {
    const rand = rng(42);
    const alphabet = 'FROM RUN USER ARG ENV COPY ADD <<EOF\n\\`$ {}[]"\'|&;#=:-/\r\t\u00e9\uFEFF\u2028 sudo apt-get apk install add -y';
    for (let n = 0; n < 400; n++) {
      let t = '';
      const len = Math.floor(rand() * 300);
      for (let i = 0; i < len; i++) t += rand() < 0.8 ? alphabet[Math.floor(rand() * alphabet.length)] : String.fromCharCode(Math.floor(rand() * 0xffff));
      if (t.includes('\u0000')) continue;
      noThrow(t);
      const s = sources[n % sources.length];
      const at = Math.floor(rand() * s.length);
      noThrow(s.slice(0, at) + t + s.slice(at));
    }
  });
  it('survives a BOM, a lone CR file and odd directives', () => {
    for (const t of ['\uFEFF', '\uFEFFFROM a\rRUN sudo x\r', '# escape=\nFROM a\n', '# escape=x\nFROM a\n', 'FROM\n', 'FROM AS\n', 'RUN <<\n', 'RUN ["unterminated\n', 'USER\nFROM a AS a\nFROM a\n', 'ARG A=${A}\nFROM $A\n']) noThrow(t);
  });
  it('handles a 5 MB single line in bounded time', function () {
    this.timeout(60000);
    const rand = rng(7);
    let t = '';
    const chunk = Array.from({ length: 4096 }, () => String.fromCharCode(33 + Math.floor(rand() * 90))).join('');
    while (t.length < 5 * 1024 * 1024) t += chunk;
    const start = Date.now();
    noThrow(t);
    noThrow('FROM alpine:3\n' + t);
    assert.ok(Date.now() - start < 30000, `took ${Date.now() - start} ms`);
  });
  it('handles a 256 KB RUN line in bounded time', function () {
    // dockerfile-ast re-tokenises long instructions several times: most of this is the parser.
    this.timeout(60000);
    const start = Date.now();
    noThrow('FROM alpine:3\nRUN echo ' + 'a | b && '.repeat((256 * 1024) / 9) + '\n');
    assert.ok(Date.now() - start < 30000, `took ${Date.now() - start} ms`);
  });
});

describe('Dockerfile analyser performance', () => {
  const make = (n: number): string => {
    const out = ['ARG BASE=alpine:3.20', 'FROM $BASE AS build'];
    for (let i = 0; i < n; i++) {
      out.push(i % 5 === 0 ? `ENV V${i}=\${V${i - 1}:-x}` : i % 5 === 1 ? `RUN apk add --no-cache p${i} && echo $V${i - 1} | tee /tmp/${i}` : i % 5 === 2 ? `COPY f${i} /f${i}` : i % 5 === 3 ? `RUN set -e; \\\n  make t${i} && \\\n  echo done` : `USER u${i}`);
    }
    return out.join('\n') + '\n';
  };
  // CPU time, not wall time: the test machine runs other suites in parallel.
  const time = (f: () => void, reps = 3): number => {
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const s = process.cpuUsage();
      f();
      const d = process.cpuUsage(s);
      best = Math.min(best, (d.user + d.system) / 1000);
    }
    return best;
  };
  it('grows about linearly and stays within a small factor of the bare parse on 10,000 lines', function () {
    this.timeout(120000);
    const small = make(2500);
    const big = make(10000);
    const tSmall = time(() => analyze(small, 'dockerfile'));
    const tBig = time(() => analyze(big, 'dockerfile'));
    const tParse = time(() => DockerfileParser.parse(big).getInstructions());
    // 4x the lines must not cost 16x: quadratic behaviour would show here.
    assert.ok(tBig < tSmall * 8, `10k lines ${tBig.toFixed(0)} ms vs 2.5k lines ${tSmall.toFixed(0)} ms`);
    // The project budget is 1.5x the parse (see README); this guards against regressions.
    assert.ok(tBig < tParse * 4, `analysis ${tBig.toFixed(0)} ms vs bare parse ${tParse.toFixed(0)} ms`);
  });
});
