import * as assert from 'assert';
import { buildModel, finalStage, isRootUser, logicalText, simpleAssignments } from '../../src/core/dockerfile/model';
import { splitShell, programWords, MappedText } from '../../src/core/dockerfile/shell';
import { expandVariables } from '../../src/core/dockerfile/variables';
import { imageFamily } from '../../src/core/dockerfile/baseImage';
import { parseImageRef } from '../../src/core/imageRef';
import { LineIndex } from '../../src/core/text';

function mapped(text: string): MappedText {
  return { text, offsetAt: (i) => i };
}

function commandTexts(text: string): string[][] {
  return splitShell(mapped(text)).commands.map((c) => c.words.map((w) => w.text));
}

describe('Dockerfile shell splitter', () => {
  it('splits on &&, ||, ;, | and newlines', () => {
    assert.deepStrictEqual(commandTexts('a 1 && b || c; d | e\nf'), [['a', '1'], ['b'], ['c'], ['d'], ['e'], ['f']]);
  });
  it('keeps quoted operators inside words and removes the quotes', () => {
    assert.deepStrictEqual(commandTexts(`echo "a && b" 'c | d' e\\;f`), [['echo', 'a && b', 'c | d', 'e;f']]);
  });
  it('leaves redirections out of the command words, including 2>&1', () => {
    assert.deepStrictEqual(commandTexts('make > /dev/null 2>&1 && echo ok'), [['make'], ['echo', 'ok']]);
  });
  it('keeps command substitutions inside one word', () => {
    assert.deepStrictEqual(commandTexts('echo $(a && b) ${X:-y}'), [['echo', '$(a && b)', '${X:-y}']]);
  });
  it('records operator offsets and word offsets', () => {
    const s = splitShell(mapped('curl x | sh'));
    assert.deepStrictEqual(s.operators, [{ op: '|', start: 7, end: 8 }]);
    assert.deepStrictEqual(s.commands[1].words[0], { text: 'sh', start: 9, end: 11 });
    assert.strictEqual(s.commands[1].after, '|');
  });
  it('skips comments and backslash-newline continuations', () => {
    assert.deepStrictEqual(commandTexts('a \\\n b # c && d\ne'), [['a', 'b'], ['e']]);
  });
  it('reads case patterns without taking their | for pipes, and the case header is no command', () => {
    const s = splitShell(mapped('case "$arch" in x86_64|amd64) a=1 ;; (arm*|"aarch 64") sudo x | y ;; *) exit 1 ;; esac; echo done'));
    assert.deepStrictEqual(s.commands.map((c) => c.words.map((w) => w.text)), [['a=1'], ['sudo', 'x'], ['y'], ['exit', '1'], ['echo', 'done']]);
    assert.deepStrictEqual(s.operators.filter((o) => o.op === '|').length, 1);
  });
  it('finds the program behind assignments, env and sudo', () => {
    const [cmd] = splitShell(mapped('DEBIAN_FRONTEND=noninteractive sudo -E apt-get install x')).commands;
    assert.strictEqual(programWords(cmd)[0].text, 'apt-get');
    assert.strictEqual(programWords(cmd, { skipSudo: false })[0].text, 'sudo');
  });
});

describe('Dockerfile variables', () => {
  const vars = new Map<string, string | undefined>([['A', 'x'], ['EMPTY', ''], ['UNSET', undefined]]);
  it('expands $A, ${A} and defaults', () => {
    assert.deepStrictEqual(expandVariables('$A-${A}-${B:-d}-${EMPTY:-e}-${A:+alt}', vars), { value: 'x-x-d-e-alt', unresolved: false });
  });
  it('reports unresolved variables', () => {
    assert.strictEqual(expandVariables('img:$UNSET', vars).unresolved, true);
    assert.strictEqual(expandVariables('img:${NOPE}', vars).unresolved, true);
  });
});

describe('Dockerfile model', () => {
  it('resolves FROM through global ARG defaults', () => {
    const m = buildModel('ARG BASE=alpine:3.19\nARG TAG=latest\nFROM $BASE AS build\nFROM node:${TAG}\nFROM ${REG:-docker.io}/library/nginx:1.27\nFROM img:$NOPE\n');
    assert.deepStrictEqual(m.stages.map((s) => [s.resolvedImage, s.baseKind]), [
      ['alpine:3.19', 'image'],
      ['node:latest', 'image'],
      ['docker.io/library/nginx:1.27', 'image'],
      // NOPE is not declared: it expands to the empty string, which leaves an invalid reference.
      ['img:', 'invalid'],
    ]);
  });
  it('reads FROM words after flags, across continuations and with the escape directive, with exact ranges', () => {
    const m = buildModel('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM \\\n  alpine:3.19 \\\n  AS base\n');
    assert.deepStrictEqual(m.stages.map((s) => [s.imageText, s.alias]), [['golang:1.22', 'build'], ['alpine:3.19', 'base']]);
    assert.deepStrictEqual(m.stages[0].imageRange, { start: { line: 0, character: 31 }, end: { line: 0, character: 42 } });
    assert.deepStrictEqual(m.stages[0].aliasRange, { start: { line: 0, character: 46 }, end: { line: 0, character: 51 } });
    assert.deepStrictEqual(m.stages[1].imageRange, { start: { line: 2, character: 2 }, end: { line: 2, character: 13 } });
    assert.deepStrictEqual(m.stages[1].aliasRange, { start: { line: 3, character: 5 }, end: { line: 3, character: 9 } });
    const tick = buildModel('# escape=`\r\nFROM `\r\n  mcr.microsoft.com/windows/servercore:ltsc2022 AS win\r\nUSER ContainerUser\r\n');
    assert.deepStrictEqual([tick.stages[0].imageText, tick.stages[0].alias], ['mcr.microsoft.com/windows/servercore:ltsc2022', 'win']);
    assert.deepStrictEqual(tick.stages[0].imageRange.start, { line: 2, character: 2 });
  });
  it('lets ENV win over an ARG of the same name, whichever comes first, and passes only ENV on', () => {
    const m = buildModel('FROM alpine:3 AS a\nENV X=env\nARG X=arg\nUSER $X\nFROM a\nARG Y=arg\nENV Y=env\nUSER $X$Y\n');
    assert.deepStrictEqual(m.stages.map((s) => s.effectiveUser?.value), ['env', 'envenv']);
    assert.strictEqual(m.stages[0].env.get('X'), 'env');
    assert.strictEqual(m.stages[1].table.get('Y'), 'env');
  });
  it('reads simple ENV lines exactly as the parser properties do, and leaves the rest to the parser', () => {
    const lines = [
      'ENV A=1', 'ENV A=1 B=two  C=/x:$PATH', 'env lower=case', 'ENV\tTAB=1\tNEXT=2', 'ENV A=${B:-c} D=$E',
      'ENV A="quoted value" B=1', "ENV A='x y'", 'ENV LEGACY value with spaces', 'ENV A=1 \\\n  B=2', 'ENV A=', 'ENV A=x\\ y',
      'ENV A=1 # not a comment', 'ENV 1BAD=x', 'ENV A.B=1', 'ENV A=b=c',
    ];
    for (const line of lines) {
      const text = `FROM alpine:3\n${line}\n`;
      const m = buildModel(text);
      const ins = m.stages[0].instructions[0] as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null; getNameRange(): unknown }> };
      const expected = ins.getProperties().map((p) => ({ name: p.getName(), value: p.getValue()?.replace(/^(["'])(.*)\1$/s, '$2'), range: p.getNameRange() }));
      const actual = m.stages[0].variables.map((v) => ({ name: v.name, value: v.value, range: v.nameRange }));
      // Values equal the parser's (no variables are defined here except via the line itself).
      assert.deepStrictEqual(actual.map((a) => [a.name, a.range]), expected.map((e) => [e.name, e.range]), line);
      if (!line.includes('$')) assert.deepStrictEqual(actual.map((a) => a.value), expected.map((e) => e.value), line);
    }
    assert.ok(simpleAssignments(buildModel('FROM a\nENV A=1 B=2\n'), buildModel('FROM a\nENV A=1 B=2\n').stages[0].instructions[0]));
    const quoted = buildModel('FROM a\nENV A="1"\n');
    assert.strictEqual(simpleAssignments(quoted, quoted.stages[0].instructions[0]), undefined);
  });
  it('maps offsets to positions like its own line index, with LF, CRLF and lone CR line breaks', () => {
    const text = 'FROM alpine:3\r\nRUN a \\\r\n  && b\rUSER 1\nCMD ["x"]\r\n\n';
    const ours = new LineIndex(text);
    const model = buildModel(text);
    for (let o = 0; o <= text.length; o++) assert.deepStrictEqual(model.lines.positionAt(o), ours.positionAt(o), `offset ${o}`);
    assert.strictEqual(model.lines.lineCount, ours.lineCount);
  });
  it('recognises scratch and earlier aliases case-insensitively', () => {
    const m = buildModel('FROM golang:1.22 AS Builder\nFROM builder\nFROM scratch\n');
    assert.deepStrictEqual(m.stages.map((s) => s.baseKind), ['image', 'stage', 'scratch']);
    assert.strictEqual(m.stages[1].parent, m.stages[0]);
  });
  it('inherits the effective USER from the parent stage', () => {
    const m = buildModel('FROM alpine:3 AS base\nUSER app\nFROM base AS final\nRUN id\n');
    const final = finalStage(m)!;
    assert.strictEqual(final.effectiveUser?.value, 'app');
    assert.strictEqual(final.userInheritedFrom, m.stages[0]);
  });
  it('does not carry a builder USER into an unrelated final stage', () => {
    const m = buildModel('FROM alpine:3 AS build\nUSER nobody\nFROM alpine:3\n');
    assert.strictEqual(finalStage(m)!.effectiveUser, undefined);
  });
  it('expands USER through the stage ARG/ENV table', () => {
    const m = buildModel('FROM alpine:3\nARG UID=10001\nENV APP_USER=${UID}\nUSER $APP_USER:$UID\n');
    assert.strictEqual(finalStage(m)!.effectiveUser?.value, '10001:10001');
  });
  it('passes ENV, not ARG, on to a stage built FROM another', () => {
    const m = buildModel('FROM alpine:3 AS base\nARG A=1\nENV E=2\nFROM base\nUSER $E$A\n');
    assert.deepStrictEqual([finalStage(m)!.effectiveUser?.value, finalStage(m)!.effectiveUser?.unresolved], ['2', true]);
  });
  it('resolves ENV through a long chain of stages', () => {
    const parts = ['FROM alpine:3 AS s0', 'ENV FIRST=1'];
    for (let i = 1; i < 100; i++) parts.push(`FROM s${i - 1} AS s${i}`, `ENV V${i}=${i}`);
    parts.push('USER $FIRST$V50$V99');
    const m = buildModel(parts.join('\n') + '\n');
    assert.strictEqual(finalStage(m)!.effectiveUser?.value, '15099');
    assert.strictEqual(finalStage(m)!.table.get('V1'), '1');
  });
  it('treats root, 0, root:* and 0:* as root', () => {
    for (const u of ['root', '0', 'root:root', '0:0', 'ROOT']) assert.ok(isRootUser(u), u);
    for (const u of ['10001', 'app', 'rooter', '1000:0']) assert.ok(!isRootUser(u), u);
  });
  it('joins continuation lines and drops comment lines inside them', () => {
    const text = 'FROM x\nRUN apt-get update && \\\n  # a comment\n  apt-get install -y curl\n';
    const m = buildModel(text);
    assert.strictEqual(m.runs[0].script.text, 'apt-get update &&   apt-get install -y curl');
    const words = m.runs[0].shell.commands[1].words;
    assert.deepStrictEqual(m.lines.positionAt(words[0].start), { line: 3, character: 2 });
  });
  it('honours the escape directive (backtick continuations)', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN sudo a `\n    && sudo b\n';
    const m = buildModel(text);
    assert.strictEqual(m.escapeChar, '`');
    assert.deepStrictEqual(m.runs[0].shell.commands.map((c) => c.words.map((w) => w.text)), [['sudo', 'a'], ['sudo', 'b']]);
    assert.deepStrictEqual(m.lines.positionAt(m.runs[0].shell.commands[1].words[0].start), { line: 3, character: 7 });
  });
  it('treats a RUN heredoc body as the script and a COPY heredoc as file contents', () => {
    const m = buildModel('FROM x\nCOPY <<EOF /etc/motd\nUSER root\nRUN sudo rm -rf /\nEOF\nRUN <<EOF\nset -e\nsudo apt-get update\nEOF\n');
    assert.strictEqual(m.runs.length, 1);
    assert.strictEqual(m.runs[0].form, 'heredoc');
    assert.deepStrictEqual(m.runs[0].shell.commands.map((c) => c.words[0].text), ['set', 'sudo']);
    assert.strictEqual(finalStage(m)!.users.length, 0);
  });
  it('treats `RUN cat <<EOF > file` as the cat command with the body as input', () => {
    const m = buildModel('FROM x\nRUN cat <<EOF > /app/conf\nsudo is only text here\nEOF\n');
    assert.deepStrictEqual(m.runs[0].shell.commands.map((c) => c.words.map((w) => w.text)), [['cat']]);
  });
  it('joins exec-form RUN arguments with spaces and maps them to the source', () => {
    const text = 'FROM x\nRUN ["apt-get", "install", "curl"]\n';
    const m = buildModel(text);
    assert.strictEqual(m.runs[0].form, 'exec');
    assert.strictEqual(m.runs[0].script.text, 'apt-get install curl');
    const w = m.runs[0].shell.commands[0].words[1];
    assert.strictEqual(text.slice(w.start, w.end), 'install');
  });
  it('analyses the script of an exec-form sh -c', () => {
    const text = 'FROM x\nRUN ["/bin/sh", "-ec", "apt-get update && sudo apt-get install -y curl"]\n';
    const m = buildModel(text);
    assert.deepStrictEqual(m.runs[0].shell.commands.map((c) => c.words[0].text), ['apt-get', 'sudo']);
    const sudo = m.runs[0].shell.commands[1].words[0];
    assert.strictEqual(text.slice(sudo.start, sudo.end), 'sudo');
  });
  it('reads SHELL and RUN mount flags', () => {
    const m = buildModel('FROM x\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN --mount=type=secret,id=t --mount=type=cache,target=/var/cache/apk echo\n');
    assert.deepStrictEqual(m.runs[0].shellCommand, ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.strictEqual(m.runs[0].mountsSecret, true);
    assert.deepStrictEqual(m.runs[0].cacheTargets, ['/var/cache/apk']);
  });
  it('records users created with useradd/adduser', () => {
    const m = buildModel('FROM debian:12\nRUN groupadd -r app && useradd -r -g app -u 1001 -d /home/app app\nFROM alpine:3\nRUN adduser -D -g "App user" -h /app web\n');
    assert.deepStrictEqual(m.stages.map((s) => s.createdUsers.map((u) => [u.name, u.uid])), [[['app', '1001']], [['web', undefined]]]);
  });
  it('collects whole-line comments for suppression, not heredoc lines', () => {
    const m = buildModel('# first\nFROM x\nRUN <<EOF\n# not a Dockerfile comment\nEOF\n  # indented\n');
    assert.deepStrictEqual(m.comments, [
      { line: 0, text: 'first', trailing: false },
      { line: 5, text: 'indented', trailing: false },
    ]);
  });
  it('keeps logical text bounded to the instruction', () => {
    const m = buildModel('FROM x\nRUN a \\\n\n  b\nRUN c\n');
    assert.strictEqual(logicalText(m, m.text.indexOf('a'), m.text.indexOf('\nRUN c')).text, 'a   b');
  });
});

describe('base image family', () => {
  const fam = (s: string): string => imageFamily(parseImageRef(s));
  it('guesses userland families from names', () => {
    assert.strictEqual(fam('alpine:3.20'), 'alpine');
    assert.strictEqual(fam('node:20-alpine'), 'alpine');
    assert.strictEqual(fam('python:3.12-slim'), 'debian');
    assert.strictEqual(fam('node:20'), 'debian');
    assert.strictEqual(fam('ubuntu:24.04'), 'debian');
    assert.strictEqual(fam('registry.access.redhat.com/ubi9/ubi:9.4'), 'rhel');
    assert.strictEqual(fam('registry.access.redhat.com/ubi9/ubi-minimal:9.4'), 'rhel-minimal');
    assert.strictEqual(fam('gcr.io/distroless/static-debian12:nonroot'), 'distroless');
    assert.strictEqual(fam('example.com/custom/thing:1'), 'unknown');
  });
});
