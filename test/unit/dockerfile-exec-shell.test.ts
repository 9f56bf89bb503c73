/** Exec-form RUNs that run a shell script (`RUN ["sh", "-c", "a | b"]`): the script is read as shell text. */
import * as assert from 'assert';
import { buildModel, execShellScriptIndex } from '../../src/core/dockerfile/model';
import { DEFAULT_CONFIG } from '../../src/core/config';
import { fixAll } from '../../src/core/fix';
import { findings, rangeText } from './dockerfile-support';

const PIPEFAIL = 'docker-pipefail';

describe('exec-form shell scripts: the argv', () => {
  it('finds the script after the shell\'s options, -c among them', () => {
    assert.strictEqual(execShellScriptIndex(['sh', '-c', 'x']), 2);
    assert.strictEqual(execShellScriptIndex(['/bin/sh', '-ec', 'x']), 2);
    assert.strictEqual(execShellScriptIndex(['/usr/bin/bash', '-exc', 'x']), 2);
    assert.strictEqual(execShellScriptIndex(['bash', '-o', 'pipefail', '-c', 'x']), 4);
    assert.strictEqual(execShellScriptIndex(['bash', '-euxo', 'pipefail', '-c', 'x']), 4);
    assert.strictEqual(execShellScriptIndex(['bash', '--norc', '-O', 'extglob', '-c', 'x', 'name']), 5);
    assert.strictEqual(execShellScriptIndex(['bash', '-c', '-e', 'x']), 3);
    assert.strictEqual(execShellScriptIndex(['sh', '-c', '--', 'x']), 3);
    assert.strictEqual(execShellScriptIndex(['/bin/ash', '-c', 'x']), 2);
  });
  it('none without -c, for a script file, for a program that is not a shell, or without a script', () => {
    assert.strictEqual(execShellScriptIndex(['sh', 'script.sh']), -1);
    assert.strictEqual(execShellScriptIndex(['sh', '-e', 'script.sh', '-c']), -1);
    assert.strictEqual(execShellScriptIndex(['python3', '-c', 'print(1)']), -1);
    assert.strictEqual(execShellScriptIndex(['sh', '-c']), -1);
    assert.strictEqual(execShellScriptIndex(['bash', '-o', '-c', 'x']), -1, '-c here is the value of -o');
    assert.strictEqual(execShellScriptIndex(['sh', '+c', 'x']), -1);
    assert.strictEqual(execShellScriptIndex([]), -1);
  });
  it('the model keeps the argv before the script and maps the script exactly, escapes included', () => {
    const t = 'FROM debian:12\nRUN ["/bin/bash", "-o", "pipefail", "-c", "echo \\"a\\\\b\\" \\u0026\\u0026 x"]\nRUN ["echo", "a | b"]\nRUN a | b\n';
    const m = buildModel(t, DEFAULT_CONFIG);
    const [r1, r2, r3] = m.runs;
    assert.deepStrictEqual(r1.execShell, ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.strictEqual(r1.form, 'exec');
    assert.strictEqual(r1.script.text, 'echo "a\\b" && x');
    const cmds = r1.shell.commands;
    assert.deepStrictEqual(cmds.map((c) => c.words.map((w) => t.slice(w.start, w.end))), [['echo', '\\"a\\\\b\\"'], ['x']]);
    assert.deepStrictEqual(cmds[0].words.map((w) => w.text), ['echo', 'a\\b']);
    const and = r1.shell.operators.find((o) => o.op === '&&')!;
    assert.strictEqual(t.slice(and.start, and.end), '\\u0026\\u0026');
    assert.strictEqual(r2.execShell, undefined, 'echo is no shell');
    assert.strictEqual(r3.execShell, undefined);
  });
});

describe('docker-pipefail in exec-form shell scripts', () => {
  it('reports a pipe of sh -c, /bin/sh -ec, bash -exc at the exact | and offers no fix', () => {
    for (const argv of ['"sh", "-c"', '"/bin/sh", "-ec"', '"bash", "-exc"', '"/usr/bin/bash", "-c"']) {
      const t = `FROM debian:12\nRUN [${argv}, "curl -fsSL \\"$URL\\" | tar -xz -C /opt"]\n`;
      const f = findings(t, PIPEFAIL);
      assert.strictEqual(f.length, 1, argv);
      assert.strictEqual(rangeText(t, f[0]), '|');
      assert.strictEqual(f[0].range.start.character, t.split('\n')[1].indexOf('|'));
      assert.match(f[0].message, /sh -c/);
      assert.deepStrictEqual(f[0].fixes ?? [], [], 'a SHELL line does not reach an exec-form shell, and the script is JSON');
    }
  });
  it('the range stays exact after escapes and across a continuation, with CRLF', () => {
    const t = 'FROM alpine:3.20\r\nRUN ["sh", "-c", \\\r\n     "printf \\"%s\\\\n\\" \\"$X\\" > /f && wget -qO- \\"$U\\" |tar x"]\r\n';
    const f = findings(t, PIPEFAIL);
    assert.strictEqual(f.length, 1);
    assert.deepStrictEqual([f[0].range.start.line, rangeText(t, f[0])], [2, '|']);
    assert.strictEqual(t.split('\r\n')[2].slice(f[0].range.start.character, f[0].range.start.character + 4), '|tar');
  });
  it('not when the argv or the script sets pipefail, for a pipe that cannot hide a failure, or with no shell', () => {
    const t = [
      'FROM debian:12',
      'RUN ["bash", "-o", "pipefail", "-c", "curl -f u | tar x"]',
      'RUN ["/bin/bash", "-euxo", "pipefail", "-c", "curl -f u | tar x"]',
      'RUN ["sh", "-c", "set -o pipefail; curl -f u | tar x"]',
      'RUN ["sh", "-c", "echo \\"$SHA  f\\" | sha256sum -c -"]',
      'RUN ["sh", "-c", "a || b"]',
      'RUN ["sh", "-c", "echo \\"a|b\\""]',
      'RUN ["curl", "-f", "u", "|", "tar", "x"]',
      '',
    ].join('\n');
    assert.deepStrictEqual(findings(t, PIPEFAIL).map((f) => f.range.start.line), []);
  });
  it('a SHELL that sets pipefail does not cover an exec-form shell (BuildKit runs the argv)', () => {
    const t = 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\nRUN ["sh", "-c", "a | b"]\n';
    assert.deepStrictEqual(findings(t, PIPEFAIL).map((f) => f.range.start.line), [3]);
  });
  it('plain sh is reported on Debian and on Alpine alike (the option is missing either way)', () => {
    for (const base of ['debian:12', 'alpine:3.20']) {
      assert.strictEqual(findings(`FROM ${base}\nRUN ["sh", "-c", "a | b"]\n`, PIPEFAIL).length, 1, base);
    }
  });
});

describe('other shell rules in exec-form shell scripts', () => {
  it('apt-get without -y: reported at the exact words, after escapes, without a fix', () => {
    const t = 'FROM debian:12\nRUN ["sh", "-c", "echo \\"go\\" && apt-get update && \\u0061pt-get install --no-install-recommends curl"]\n';
    const f = findings(t, 'docker-apt-get-yes');
    assert.strictEqual(f.length, 1);
    assert.strictEqual(rangeText(t, f[0]), '\\u0061pt-get install');
    assert.deepStrictEqual(f[0].fixes ?? [], []);
  });
  it('cd: reported at the word', () => {
    const t = 'FROM debian:12\nRUN ["sh", "-c", "cd \\"/opt/app\\" && make"]\n';
    const f = findings(t, 'docker-run-cd');
    assert.deepStrictEqual(f.map((x) => rangeText(t, x)), ['cd']);
  });
  it('not in an exec form that runs no shell script', () => {
    const t = 'FROM debian:12\nRUN ["apt-get", "install", "curl"]\nRUN ["sh", "./install.sh", "apt-get install x"]\n';
    // The plain exec form is still read as its argv (apt-get install without -y, no fix); the script file's argument is not shell text.
    assert.deepStrictEqual(findings(t, 'docker-apt-get-yes').map((f) => [f.range.start.line, f.fixes?.length ?? 0]), [[1, 0]]);
  });
  it('fix all leaves an exec-form script alone', () => {
    const t = 'FROM alpine:3.20\nRUN ["sh", "-c", "apk add curl | cat"]\nRUN apk add git\nUSER 10001\n';
    const { text } = fixAll(t, 'dockerfile', DEFAULT_CONFIG, { includeUnsafe: true });
    assert.strictEqual(text.split('\n')[1], 'RUN ["sh", "-c", "apk add curl | cat"]');
    assert.match(text, /RUN apk add --no-cache git/);
  });
});
