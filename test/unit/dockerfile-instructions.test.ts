/**
 * Instruction arguments read the way BuildKit reads them (quotes, JSON form, variables), FROM
 * variables, images pulled by mounts, ONBUILD triggers, file names, instructions before FROM,
 * and the findings real Dockerfiles should not get.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildModel, instructionArgs } from '../../src/core/dockerfile/model';
import { processWord } from '../../src/core/dockerfile/variables';
import { detectFileKind } from '../../src/core';
import { registryAllowed } from '../../src/core/imageRef';
import { collectFiles } from '../../src/cli/walk';
import { applyFix, assertFixWorks, check, findings, lines, rangeText } from './dockerfile-support';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

describe('instruction arguments as BuildKit reads them', () => {
  it('removes quotes and applies escapes in shell-form words, with the ranges as written', () => {
    const m = buildModel('FROM a:1\nADD --chown=1:1 "a.tar.gz" \'b c\' x\\ y /dst/\n');
    const { json, words } = instructionArgs(m, m.stages[0].instructions[0]);
    assert.strictEqual(json, false);
    // BuildKit splits ADD/COPY at blanks before it lexes each word.
    assert.deepStrictEqual(words.map((w) => w.value), ['a.tar.gz', "'b", "c'", 'x\\', 'y', '/dst/'].map((v) => processWord(v, undefined).value));
    assert.deepStrictEqual(words.map((w) => w.raw), ['"a.tar.gz"', "'b", "c'", 'x\\', 'y', '/dst/']);
    assert.deepStrictEqual(m.lines.rangeOf(words[0].start, words[0].end), range(1, 16, 1, 26));
  });
  it('reads the JSON form, ranges on the string literals, across continuation lines', () => {
    const t = 'FROM a:1\nADD ["https://example.com/app.tgz", \\\n     "/tmp/"]\n';
    const m = buildModel(t);
    const { json, words } = instructionArgs(m, m.stages[0].instructions[0]);
    assert.strictEqual(json, true);
    assert.deepStrictEqual(words.map((w) => w.value), ['https://example.com/app.tgz', '/tmp/']);
    assert.deepStrictEqual(m.lines.rangeOf(words[1].start, words[1].end), range(2, 5, 2, 12));
  });
  it('expands variables outside single quotes only', () => {
    const vars = { get: (n: string) => (n === 'V' ? '1' : undefined) };
    assert.deepStrictEqual(processWord('"a$V"\'$V\'\\$V', vars), { value: 'a1$V$V', unresolved: false });
    assert.deepStrictEqual(processWord('"${V}-$X"', vars), { value: '1-', unresolved: true });
  });
});

describe('other instructions read as BuildKit does', () => {
  it('USER and EXPOSE lose their quotes', () => {
    const t = 'FROM alpine:3\nEXPOSE "22/tcp" 80\nUSER "root"\n';
    assert.deepStrictEqual(findings(t, 'docker-expose-ssh').map((f) => f.range), [range(1, 7, 1, 15)]);
    assert.deepStrictEqual(findings(t, 'docker-root-user').map((f) => f.range), [range(2, 0, 2, 11)]);
    assert.deepStrictEqual(lines("FROM alpine:3\nUSER 'app'\n", 'docker-root-user'), []);
  });
  it('a quoted COPY --from image is checked against trustedRegistries', () => {
    const t = 'FROM trusted.com/a:1\nCOPY --from="evil.io/x:1" /a /a\n';
    assert.deepStrictEqual(lines(t, 'docker-untrusted-registry', { trustedRegistries: ['trusted.com'] }), [1]);
  });
});

describe('docker-add-instead-of-copy reads sources as BuildKit does', () => {
  const id = 'docker-add-instead-of-copy';
  it('leaves quoted and JSON-form archives, URLs and git sources alone', () => {
    const t = [
      'FROM a:1',
      'ADD "a.tar.gz" /x',
      'ADD ["https://example.com/app.tgz", "/tmp/"]',
      'ADD "https://example.com/file" /y',
      "ADD 'pkg.tar.xz' /z",
      'ADD git@github.com:org/repo.git /src',
      'ADD https://github.com/org/repo.git#v1 /src2',
      'ADD ["vendor.tbz2", "/v"]',
      'ARG ARCHIVE=dist.tgz',
      'ADD $ARCHIVE /d',
      'ADD --checksum=sha256:abc https://example.com/f /f',
    ].join('\n');
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('flags quoted and JSON-form local copies at the ADD keyword, with a safe fix that builds the same', () => {
    const t = 'FROM a:1\nADD "app.jar" /app/\nADD ["conf", "/etc/app"]\nadd <<EOF /motd\nhi\nEOF\n';
    const fs1 = findings(t, id);
    assert.deepStrictEqual(fs1.map((f) => f.range), [range(1, 0, 1, 3), range(2, 0, 2, 3), range(3, 0, 3, 3)]);
    assert.ok(fs1.every((f) => f.fixes![0].safe));
    let fixed = t;
    for (let n = 0; n < 3; n++) fixed = assertFixWorks(fixed, id);
    assert.strictEqual(fixed, 'FROM a:1\nCOPY "app.jar" /app/\nCOPY ["conf", "/etc/app"]\ncopy <<EOF /motd\nhi\nEOF\n');
  });
  it('offers only an unsafe fix when a wildcard may match a tar archive', () => {
    const t = 'FROM a:1\nADD dist/* /app/\nADD *.txt /docs/\n';
    const [wild, txt] = findings(t, id);
    assert.deepStrictEqual(wild.range, range(1, 0, 1, 3));
    assert.strictEqual(wild.fixes![0].safe, false);
    assert.match(wild.message, /tar archive/);
    assert.strictEqual(txt.fixes![0].safe, true);
  });
  it('skips sources whose variables are unknown', () => {
    assert.deepStrictEqual(lines('FROM a:1\nARG SRC\nADD $SRC /x\n', id), []);
    assert.deepStrictEqual(lines('FROM a:1\nENV SRC=conf\nADD $SRC /x\n', id), [2]);
  });
});

describe('FROM variables', () => {
  const id = 'docker-latest-tag';
  it('expands an undeclared variable to the empty string: FROM alpine$TAG is alpine (latest)', () => {
    const t = 'FROM alpine$TAG\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, range(0, 5, 0, 15));
    assert.match(f.message, /resolves to "alpine"/);
    assert.deepStrictEqual(f.fixes ?? [], []);
  });
  it('keeps an ARG without default that can supply the tag unknown', () => {
    assert.deepStrictEqual(lines('ARG TAG\nFROM alpine$TAG\nFROM img:${TAG}\n', id), []);
    // An undeclared variable as the whole image leaves nothing to pull: not a tag problem.
    assert.deepStrictEqual(lines('FROM $UNDECLARED\n', id), []);
    assert.deepStrictEqual(lines('ARG IMAGE\nFROM $IMAGE\nFROM golang:1.22-$TARGETARCH\n', id), []);
    // A default built on an unknown value stays unknown.
    assert.deepStrictEqual(lines('ARG V\nARG IMG=alpine${V}\nFROM $IMG\n', id), []);
  });
  it('reports an image whose variables cannot supply a tag or digest, with a tag snippet', () => {
    const t = 'ARG REGISTRY\nARG NAME\nFROM ${REGISTRY}/ubuntu\nFROM ${NAME}:latest\nFROM ${NAME}:22.04\nFROM ${NAME}@sha256:' + 'a'.repeat(64) + '\n';
    const fs1 = findings(t, id);
    assert.deepStrictEqual(fs1.map((f) => f.range), [range(2, 5, 2, 23), range(3, 5, 3, 19)]);
    assert.match(fs1[0].message, /cannot supply a tag/);
    const fixed = applyFix(t, fs1[0].fixes![0]);
    assert.match(fixed, /^FROM \$\{REGISTRY\}\/ubuntu:tag$/m);
    assert.deepStrictEqual(lines(fixed, id), [3]);
  });
  it('does not let an ARG declared after the first FROM reach a later FROM', () => {
    const m = buildModel('FROM alpine:3.20\nARG NAME=x\nFROM ${NAME}:latest\n');
    assert.deepStrictEqual([m.stages[1].resolvedImage, m.stages[1].baseKind], [':latest', 'invalid']);
  });
  it('reads a quoted FROM image like BuildKit', () => {
    assert.deepStrictEqual(lines('FROM "alpine:latest"\nFROM \'alpine:3.20\'\n', id), [0]);
    const m = buildModel('ARG TAG=3.20\nFROM "alpine:${TAG}"\n');
    assert.deepStrictEqual([m.stages[0].resolvedImage, m.stages[0].baseKind], ['alpine:3.20', 'image']);
  });
});

describe('docker-untrusted-registry: mounts and wildcards', () => {
  const id = 'docker-untrusted-registry';
  const cfg = { trustedRegistries: ['trusted.com'] };
  it('flags images pulled by a bind or cache mount, at the from= value', () => {
    const t = 'FROM trusted.com/base:1 AS build\nRUN --mount=type=bind,from=untrusted.com/repo/image:tag,target=/foo foobar\nRUN --mount=type=cache,target=/c,from=evil.io/x:1 make\n';
    const fs1 = findings(t, id, cfg);
    assert.deepStrictEqual(fs1.map((f) => rangeText(t, f)), ['untrusted.com/repo/image:tag', 'evil.io/x:1']);
    assert.deepStrictEqual(fs1[0].range, range(1, 27, 1, 55));
    assert.match(fs1[0].message, /Mount only images/);
  });
  it('does not flag a mount from a stage, a stage index, a trusted registry or an unknown variable', () => {
    const t = 'FROM trusted.com/base:1 AS Build\nRUN --mount=type=bind,from=build,target=/b x\nRUN --mount=from=0,target=/z x\nRUN --mount=type=cache,from=trusted.com/c:1,target=/c x\nARG IMG\nRUN --mount=type=bind,from=$IMG,target=/i x\nRUN --mount=from=later,target=/l x\nFROM trusted.com/base:1 AS later\n';
    assert.deepStrictEqual(lines(t, id, cfg), []);
  });
  it('reads COPY --from among other flags (--link, --chown), before or after them', () => {
    const t = 'FROM trusted.com/base:1 AS build\nCOPY --from=evil.io/x:1 --link /a /b\nCOPY --link --chown=1:1 --from=evil.io/y:1 /a /b\nCOPY --link --from=build /a /b\n';
    const fs1 = findings(t, id, cfg);
    assert.deepStrictEqual(fs1.map((f) => rangeText(t, f)), ['evil.io/x:1', 'evil.io/y:1']);
    assert.deepStrictEqual(fs1.map((f) => f.range), [range(1, 12, 1, 23), range(2, 31, 2, 42)]);
  });
  it('accepts * (every registry) and prefix* like hadolint, keeping *.suffix', () => {
    const t = 'FROM ubuntu:18.04\nFROM docker.io/zemanlx/ubuntu:18.04\nFROM my-registry.corp:5000/app:1\nFROM a.corp.example/x:1\n';
    assert.deepStrictEqual(lines(t, id, { trustedRegistries: ['*'] }), []);
    assert.deepStrictEqual(lines(t, id, { trustedRegistries: ['my-registry*', '*.corp.example'] }), [0, 1]);
    assert.strictEqual(registryAllowed('corp.example', ['*.corp.example']), false);
    assert.strictEqual(registryAllowed('evil-my-registry.io', ['my-registry*']), false);
  });
});

describe('ONBUILD triggers', () => {
  it('are RUN records for the RUN rules, with ranges inside the ONBUILD line and the final USER', () => {
    const t = 'FROM alpine:3\nONBUILD RUN sudo make install\nUSER app\n';
    const m = buildModel(t);
    const run = m.runs[0];
    assert.ok(run.onbuild);
    assert.strictEqual(run.user?.value, 'app');
    const [f] = findings(t, 'docker-sudo');
    assert.deepStrictEqual(f.range, range(1, 12, 1, 16));
    assert.deepStrictEqual(findings('FROM alpine:3\nONBUILD COPY . /app\n', 'docker-sudo'), []);
  });
  it('ONBUILD ADD of local files is reported at the trigger keyword and fixed there', () => {
    const t = 'FROM alpine:3\nONBUILD ADD . /app\nONBUILD ADD app.tgz /x\n';
    const [f] = findings(t, 'docker-add-instead-of-copy');
    assert.deepStrictEqual(f.range, range(1, 8, 1, 11));
    assert.strictEqual(assertFixWorks(t, 'docker-add-instead-of-copy'), 'FROM alpine:3\nONBUILD COPY . /app\nONBUILD ADD app.tgz /x\n');
  });
  it('ONBUILD EXPOSE 22 is reported, and its removal removes the ONBUILD line', () => {
    const t = 'FROM alpine:3\nONBUILD EXPOSE 22\nUSER 1\n';
    const [f] = findings(t, 'docker-expose-ssh');
    assert.deepStrictEqual(f.range, range(1, 15, 1, 17));
    assert.strictEqual(applyFix(t, f.fixes![0]), 'FROM alpine:3\nUSER 1\n');
  });
});

describe('public references name the same check', () => {
  it('docker-debug-tools does not claim DL3001, so DL3001: off does not silence it', () => {
    const t = 'FROM debian:12\nRUN apt-get install -y --no-install-recommends gdb\n';
    const [f] = findings(t, 'docker-debug-tools', { rules: { DL3001: 'off' } });
    assert.deepStrictEqual(f.references, ['CIS-4.3']);
    assert.deepStrictEqual(findings('FROM a:1\n', 'docker-latest-tag').length, 0);
    assert.deepStrictEqual(findings('FROM a\n', 'docker-latest-tag')[0].references, ['DS-0001', 'DL3006', 'DL3007']);
  });
});

describe('Dockerfile names', () => {
  it('recognises Dockerfile-*, *.dockerfile, Containerfile.* and Containerfile-*', () => {
    for (const name of ['Dockerfile', 'Dockerfile-chroot', 'dockerfile-dev', 'build/app.dockerfile', 'App.Dockerfile', 'Containerfile.webhook', 'Containerfile-ubi', 'x.containerfile', 'Dockerfile.alpine']) {
      assert.strictEqual(detectFileKind(name), 'dockerfile', name);
    }
    for (const name of ['Dockerfile.dockerignore', 'Dockerfile-', 'Dockerfiles', 'mydockerfile.txt', 'notes.md']) assert.strictEqual(detectFileKind(name), undefined, name);
  });
  it('walks them in a directory and accepts them named on the command line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-names-'));
    try {
      for (const n of ['Dockerfile-chroot', 'api.dockerfile', 'Containerfile.controller', 'README.md']) fs.writeFileSync(path.join(dir, n), 'FROM a:1\n');
      const walked = await collectFiles([dir], dir, []);
      assert.deepStrictEqual(walked.files.map((f) => path.basename(f.path)).sort(), ['Containerfile.controller', 'Dockerfile-chroot', 'api.dockerfile']);
      const named = await collectFiles([path.join(dir, 'Dockerfile-chroot')], dir, []);
      assert.deepStrictEqual([named.files.length, named.errors], [1, []]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docker-instruction-before-from', () => {
  const id = 'docker-instruction-before-from';
  it('reports instructions other than ARG before the first FROM, at the keyword, with high severity', () => {
    const t = '# syntax=docker/dockerfile:1\nARG V=1\nLABEL a=b\nENV X=1\nFROM alpine:3\nRUN x\n';
    const fs1 = findings(t, id);
    assert.deepStrictEqual(fs1.map((f) => f.range), [range(2, 0, 2, 5), range(3, 0, 3, 3)]);
    assert.strictEqual(fs1[0].severity, 'high');
    assert.match(fs1[0].message, /no build stage in current context/);
  });
  it('reports a file without FROM, and nothing for ARG, comments and directives before FROM', () => {
    assert.deepStrictEqual(lines('RUN make\n', id), [0]);
    assert.match(findings('RUN make\n', id)[0].message, /has none/);
    assert.deepStrictEqual(lines('# escape=`\n# comment\nARG A\nFROM a:1\nLABEL x=y\n', id), []);
    assert.deepStrictEqual(lines('', id), []);
  });
});

describe('docker-no-healthcheck only for services', () => {
  const id = 'docker-no-healthcheck';
  it('says why the image counts as a service', () => {
    assert.match(findings('FROM debian:12\nEXPOSE 8080 9090/udp\nENTRYPOINT ["/app/server"]\n', id)[0].message, /it exposes 8080, 9090\/udp\)/);
    assert.match(findings('FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n', id)[0].message, /server image "nginx:1.27"/);
    assert.match(findings('FROM debian:12\nCMD ["redis-server"]\n', id)[0].message, /starts a server \(redis-server\)/);
  });
  it('reports images that expose a port, start a known server or keep a server image command', () => {
    assert.deepStrictEqual(lines('FROM debian:12\nEXPOSE 8080\nENTRYPOINT ["/app/server"]\n', id), [0]);
    assert.deepStrictEqual(lines('FROM alpine:3 AS build\nRUN make\nFROM debian:12\nCMD ["redis-server", "--port", "6379"]\n', id), [2]);
    assert.deepStrictEqual(lines('FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n', id), [0]);
    assert.deepStrictEqual(lines('FROM python:3.12-slim\nCMD python manage.py runserver 0.0.0.0:8000\n', id), [0]);
    assert.deepStrictEqual(lines('FROM nginx:1.27-alpine\nCOPY site /usr/share/nginx/html\n', id), [0]);
    assert.deepStrictEqual(lines('FROM debian:12\nEXPOSE 5432\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["postgres"]\n', id), [0]);
  });
  it('does not report base images, prompts, idle commands, tools, dev and test stages', () => {
    for (const t of [
      'FROM scratch\n',
      'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n',
      'FROM debian:12\nEXPOSE 8080\n',
      'FROM buildpack-deps:bookworm\nCMD ["python3"]\n',
      'FROM debian:12\nEXPOSE 22\nCMD ["bash"]\n',
      'FROM busybox:1\nEXPOSE 80\nCMD echo test | wc -\n',
      'FROM perl:5\nCMD ["sleep", "365d"]\n',
      'FROM golang:1.22\nENTRYPOINT ["/usr/bin/kustomize"]\n',
      'FROM python:3.12 AS builder\nFROM builder AS dev-envs\nEXPOSE 8000\nCMD ["flask", "run"]\n',
      'FROM node:20 AS test\nEXPOSE 3000\nCMD ["npm", "test"]\n',
      'FROM nginx:1.27\nCMD ["nginx", "-t"]\nENTRYPOINT ["/bin/true"]\n',
    ]) {
      assert.deepStrictEqual(lines(t, id), [], t);
    }
  });
});

describe('noise on real Dockerfiles', () => {
  it('docker-debug-tools: SSH clients are not reported, servers and debuggers are', () => {
    const id = 'docker-debug-tools';
    const t = 'FROM alpine:3\nRUN apk add --no-cache git openssh-client openssh gdb\n';
    assert.deepStrictEqual(findings(t, id).map((f) => rangeText(t, f)), ['openssh', 'gdb']);
    assert.deepStrictEqual(lines('FROM rockylinux:9\nRUN dnf install -y openssh openssh-clients\n', id), []);
    const d = 'FROM debian:12\nRUN apt-get install -y --no-install-recommends openssh-client openssh-server strace\n';
    assert.deepStrictEqual(findings(d, id).map((f) => rangeText(d, f)), ['openssh-server', 'strace']);
  });
  it('docker-debug-tools: an ONBUILD RUN install is reported and its package removed inside the ONBUILD line', () => {
    const t = 'FROM alpine:3\nONBUILD RUN apk add --no-cache curl gdb\nUSER 1\n';
    const [f] = findings(t, 'docker-debug-tools');
    assert.deepStrictEqual(f.range, range(1, 36, 1, 39));
    assert.strictEqual(applyFix(t, f.fixes![0]), 'FROM alpine:3\nONBUILD RUN apk add --no-cache curl\nUSER 1\n');
  });
  it('docker-root-user: bases known to run as non-root, and bases supplied at build time', () => {
    const id = 'docker-root-user';
    assert.deepStrictEqual(lines('FROM cgr.dev/chainguard/static:latest\nCOPY app /app\n', id), []);
    assert.deepStrictEqual(lines('FROM gcr.io/distroless/base-debian12:debug-nonroot\n', id), []);
    assert.deepStrictEqual(lines('FROM cgr.dev/chainguard/wolfi-base\nCOPY app /app\n', id), [0]);
    assert.deepStrictEqual(lines('ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY app /app\n', id), []);
    assert.deepStrictEqual(lines('FROM alpine:3 AS base\nUSER 10001\nFROM base\nCOPY app /app\n', id), []);
    assert.deepStrictEqual(lines('FROM gcr.io/distroless/static\nCOPY app /app\n', id), [0]);
    assert.deepStrictEqual(lines('ARG BASE_IMAGE\nFROM $BASE_IMAGE\nUSER root\n', id), [2]);
    // Only the registry is unknown: still ubuntu, still root.
    assert.deepStrictEqual(lines('ARG REGISTRY\nFROM ${REGISTRY}/ubuntu:22.04\nCOPY app /app\n', id), [1]);
    assert.deepStrictEqual(lines('ARG TAG\nARG SHA\nFROM registry.k8s.io/app/tool:${TAG}@${SHA}\nCMD ["x"]\n', id), [2]);
    assert.deepStrictEqual(lines('ARG BASE\nFROM ${BASE:-ubuntu}:22.04\nCMD ["x"]\n', id), []);
  });
  it('the multi-stage refactor reads a quoted WORKDIR as BuildKit does', () => {
    const t = 'FROM node:20\nWORKDIR "/srv/app"\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n';
    const fixed = assertFixWorks(t, 'docker-root-user', 'Convert');
    assert.match(fixed, /\nCOPY --from=build \/srv\/app \/srv\/app\n/);
  });
  it('a changed fix still analyses cleanly', () => {
    assert.deepStrictEqual(check('FROM alpine$TAG\nONBUILD RUN sudo ls\n').errors, []);
  });
});
