import * as assert from 'assert';
import { fixAll } from '../../src/core/fix';
import { baseAdvice, catalogueSources } from '../../src/core/dockerfile/baseCatalogue';
import { parseImageRef } from '../../src/core/imageRef';
import { applyFix, assertFixWorks, check, findings, rangeText } from './dockerfile-support';

const advice = (ref: string) => baseAdvice(parseImageRef(ref)!);

describe('base image catalogue', () => {
  it('names a same-version slim tag only where the publisher has one', () => {
    assert.strictEqual(advice('python:3.12')?.swapTag, '3.12-slim');
    assert.strictEqual(advice('python:3.12-bookworm')?.swapTag, '3.12-slim-bookworm');
    assert.strictEqual(advice('node:20')?.swapTag, '20-slim');
    assert.strictEqual(advice('node:20.11-bookworm')?.swapTag, '20.11-bookworm-slim');
    assert.strictEqual(advice('node:lts')?.swapTag, 'lts-slim');
    assert.strictEqual(advice('eclipse-temurin:21-jdk')?.swapTag, '21-jre');
    assert.strictEqual(advice('eclipse-temurin:21-jdk-jammy')?.swapTag, '21-jre-jammy');
    assert.strictEqual(advice('debian:bookworm')?.swapTag, 'bookworm-slim');
    assert.strictEqual(advice('debian:12')?.swapTag, '12-slim');
  });
  it('never swaps to another OS family, a non-LTS JRE or a pinned digest; small variants are not advised', () => {
    assert.strictEqual(advice('eclipse-temurin:22-jdk')?.swapTag, undefined, 'no JRE promised for a non-LTS release');
    assert.strictEqual(advice('eclipse-temurin:21-jdk-alpine')?.swapTag, '21-jre-alpine');
    assert.strictEqual(advice('ubuntu:24.04')?.swapTag, undefined);
    assert.strictEqual(advice('golang:1.22')?.swapTag, undefined);
    assert.strictEqual(advice(`python:3.12@sha256:${'a'.repeat(64)}`)?.swapTag, undefined);
    assert.strictEqual(advice('python:3.12-slim'), undefined);
    assert.strictEqual(advice('node:20-alpine'), undefined);
    assert.strictEqual(advice('eclipse-temurin:21-jre'), undefined);
    assert.strictEqual(advice('debian:bookworm-slim'), undefined);
    assert.strictEqual(advice('alpine:3.20'), undefined);
    assert.strictEqual(advice('ghcr.io/acme/python:3.12'), undefined, 'another registry\'s python is not the official image');
  });
  it('names distroless images of the same major only for LTS lines', () => {
    assert.ok(advice('node:20')!.smaller.includes('gcr.io/distroless/nodejs20-debian12'));
    assert.ok(!advice('node:21')!.smaller.some((s) => s.includes('distroless')));
  });
  it('cites a source for every entry', () => {
    for (const s of catalogueSources()) assert.match(s, /^https:\/\//);
  });
});

describe('docker-toolchain-base', () => {
  const id = 'docker-toolchain-base';
  it('flags a final stage on a toolchain image at the image, naming the smaller choice', () => {
    const t = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 16 } });
    assert.strictEqual(rangeText(t, f), 'golang:1.22');
    assert.match(f.message, /scratch or gcr\.io\/distroless\/static-debian12/);
  });
  it('offers the tag-only swap python:3.12 → python:3.12-slim, which clears the finding', () => {
    // Two stages: the multi-stage refactor does not apply, the swap does.
    const t = 'FROM alpine AS assets\nRUN echo hi > /x\nFROM python:3.12\nCOPY --from=assets /x /x\nCOPY app.py .\nCMD ["python", "app.py"]\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 2, character: 5 }, end: { line: 2, character: 16 } });
    assert.deepStrictEqual(f.fixes!.map((x) => x.title), ['Use python:3.12-slim']);
    assert.strictEqual(f.fixes![0].safe, false);
    const fixed = assertFixWorks(t, id, 'Use python:3.12-slim');
    assert.strictEqual(fixed.split('\n')[2], 'FROM python:3.12-slim');
  });
  it('keeps CRLF and the AS name in the swap', () => {
    const t = 'FROM node:20-bookworm AS app\r\nCOPY . .\r\nCMD ["node","a.js"]\r\nFROM app\r\n';
    const [f] = findings(t, id);
    const fix = f.fixes!.find((x) => x.title.startsWith('Use '))!;
    assert.strictEqual(applyFix(t, fix), 'FROM node:20-bookworm-slim AS app\r\nCOPY . .\r\nCMD ["node","a.js"]\r\nFROM app\r\n');
  });
  it('reports a full OS (debian, ubuntu, centos) only where an application is shipped', () => {
    assert.deepStrictEqual(findings('FROM ubuntu:24.04\nRUN apt-get update\nCOPY app /usr/local/bin/app\n', id).map((f) => f.range.start.line), [0]);
    assert.deepStrictEqual(findings('FROM debian:12\nCOPY app /app\n', id)[0].fixes!.map((x) => x.title), ['Use debian:12-slim']);
  });
  it('is silent on library and base images that ship no application (only an entrypoint script, or nothing)', () => {
    assert.deepStrictEqual(findings('FROM buildpack-deps:bookworm-scm\nRUN apt-get update\nCOPY --from=build --link /target/ /\nENV GOPATH /go\n', id), []);
    assert.deepStrictEqual(findings('FROM debian:bookworm\nRUN apt-get update\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n', id), []);
    assert.deepStrictEqual(findings('FROM python:3.12\nRUN pip install x\n', id), []);
  });
  it('is silent on small bases, build stages and multi-stage builds that ship on a small runtime', () => {
    assert.deepStrictEqual(findings('FROM python:3.12-slim\nCOPY . .\n', id), []);
    assert.deepStrictEqual(findings('FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n', id), []);
    assert.deepStrictEqual(findings('FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\n', id), []);
  });
  it('follows the final stage to the image it is built on', () => {
    const t = 'FROM node:20 AS base\nWORKDIR /app\nCOPY . .\nFROM base\nCMD ["node","a.js"]\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } });
    assert.match(f.message, /the base of stage "base"/);
  });
  it('leaves a variable in the reference to the user: no swap', () => {
    const t = 'ARG V=3.12\nFROM python:${V}\nCOPY . .\nFROM alpine AS other\nFROM python:${V}\nCOPY . .\n';
    const f = findings(t, id);
    assert.strictEqual(f.length, 1);
    assert.deepStrictEqual((f[0].fixes ?? []).filter((x) => x.title.startsWith('Use ')), []);
  });
});

describe('fix --all on single-stage builds converts them to multi-stage', () => {
  const convert = (t: string) => fixAll(t, 'dockerfile', undefined, { includeUnsafe: true });
  const finalFrom = (text: string) => text.split('\n').filter((l) => l.startsWith('FROM ')).pop();

  it('Go: the runtime is scratch (CGO off) with the binary copied from the build stage; EXPOSE and ENTRYPOINT kept', () => {
    const t = 'FROM golang:1.22\nENV CGO_ENABLED=0\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n';
    const r = convert(t);
    assert.strictEqual(finalFrom(r.text), 'FROM scratch');
    assert.match(r.text, /^FROM golang:1\.22 AS build$/m);
    assert.match(r.text, /^COPY --from=build \/app \/app$/m);
    assert.match(r.text, /FROM scratch[\s\S]*EXPOSE 8080\nENTRYPOINT \["\/app"\]\n$/);
    assert.doesNotMatch(r.text, /groupadd/, 'no USER step left in the build stage');
    const after = check(r.text).findings.map((f) => f.ruleId);
    assert.ok(!after.includes('docker-toolchain-base') && !after.includes('docker-root-user'), after.join());
  });
  it('Go without CGO_ENABLED=0: a distroless runtime', () => {
    const r = convert('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n');
    assert.match(finalFrom(r.text)!, /^FROM gcr\.io\/distroless\//);
    assert.ok(!check(r.text).findings.some((f) => f.ruleId === 'docker-toolchain-base'));
  });
  for (const [name, t, runtime] of [
    ['Node', 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n', 'FROM node:20-slim'],
    ['Python', 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n', 'FROM python:3.12-slim'],
    ['Java', 'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nEXPOSE 8080\nCMD ["java", "-jar", "target/app.jar"]\n', 'FROM eclipse-temurin:21-jre'],
  ] as const) {
    it(`${name}: converted, and the result has no toolchain finding`, () => {
      const r = convert(t);
      assert.strictEqual(finalFrom(r.text), runtime);
      assert.match(r.text, / AS build\n/);
      assert.ok(!check(r.text).findings.some((f) => f.ruleId === 'docker-toolchain-base'), r.text);
      assert.match(r.text, /CMD \[.*\]\n$/);
    });
  }
  it('the conversion is the preferred fix of both the toolchain and the root-user findings', () => {
    const t = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';
    const res = check(t);
    for (const id of ['docker-toolchain-base', 'docker-root-user']) {
      const f = res.findings.find((x) => x.ruleId === id)!;
      const preferred = f.fixes!.filter((x) => x.preferred);
      assert.strictEqual(preferred.length, 1, id);
      assert.match(preferred[0].title, /^Convert to a multi-stage build/, id);
    }
  });
});

describe('docker-shell-tools', () => {
  const id = 'docker-shell-tools';
  it('flags curl and bash added to an Alpine final stage, at the package', () => {
    const t = 'FROM alpine:3.20\nRUN apk add --no-cache curl bash ca-certificates\nCOPY app /app\n';
    assert.deepStrictEqual(findings(t, id).map((f) => [rangeText(t, f), f.range.start.line, f.range.start.character]), [['curl', 1, 23], ['bash', 1, 28]]);
  });
  it('is silent when a later step of the same stage removes them (by name or by the virtual package)', () => {
    assert.deepStrictEqual(findings('FROM alpine:3.20\nRUN apk add curl\nRUN curl -o /x https://e.example/x && apk del curl\nCOPY app /app\n', id), []);
    assert.deepStrictEqual(findings('FROM alpine:3.20\nRUN apk add --virtual .fetch curl wget && wget x && apk del .fetch\nCOPY app /app\n', id), []);
  });
  it('is silent on Debian images (they ship a shell anyway), build stages and library images', () => {
    assert.deepStrictEqual(findings('FROM debian:12-slim\nRUN apt-get install -y curl\nCOPY app /app\n', id), []);
    assert.deepStrictEqual(findings('FROM alpine:3.20 AS build\nRUN apk add curl\nFROM scratch\nCOPY --from=build /x /x\n', id), []);
    assert.deepStrictEqual(findings('FROM alpine:3.20\nRUN apk add bash\nCOPY docker-entrypoint.sh /\nENTRYPOINT ["/docker-entrypoint.sh"]\n', id), []);
  });
  it('a removal in another stage does not count', () => {
    const t = 'FROM alpine:3.20 AS base\nRUN apk add wget\nCOPY app /app\nFROM base\nRUN apk del wget || true\n';
    assert.deepStrictEqual(findings(t, id).map((f) => rangeText(t, f)), ['wget']);
  });
  it('netcat is one finding, folded into docker-debug-tools where both report it', () => {
    const t = 'FROM alpine:3.20\nRUN apk add netcat-openbsd\nCOPY app /app\n';
    const all = check(t).findings.filter((f) => f.range.start.line === 1 && rangeText(t, f) === 'netcat-openbsd');
    assert.strictEqual(all.length, 1);
  });
});

describe('docker-setuid-not-stripped', () => {
  const id = 'docker-setuid-not-stripped';
  it('flags a Debian-based app image that runs as non-root and strips nothing; the strip goes after the last package install', () => {
    const t = 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\nCOPY app /app\nUSER 10001\nCMD ["/app"]\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 19 } });
    const fixed = assertFixWorks(t, id);
    assert.strictEqual(fixed, 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true\nCOPY app /app\nUSER 10001\nCMD ["/app"]\n');
  });
  it('switches to root for the strip when a non-root USER is in effect there', () => {
    const t = 'FROM alpine:3.20\nUSER app\nRUN apk add --no-cache tini\nCOPY app /app\n';
    const fixed = assertFixWorks(t, id);
    assert.match(fixed, /RUN apk add --no-cache tini\nUSER root\nRUN find \/ -xdev -perm \/6000 -type f -exec chmod a-s \{\} \\; \|\| true\nUSER app\nCOPY app \/app\n/);
  });
  it('without a package install the strip goes right after FROM', () => {
    const fixed = assertFixWorks('FROM ubuntu:24.04\nCOPY app /app\nUSER 1000\n', id);
    assert.strictEqual(fixed.split('\n')[1], 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true');
  });
  it('is silent when the image runs as root, already strips, is distroless/scratch/busybox, or ships no app', () => {
    assert.deepStrictEqual(findings('FROM debian:12-slim\nCOPY app /app\n', id), []);
    assert.deepStrictEqual(findings('FROM debian:12-slim\nCOPY app /app\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true\nUSER 1000\n', id), []);
    assert.deepStrictEqual(findings('FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER 65532\n', id), []);
    assert.deepStrictEqual(findings('FROM busybox:1.36\nCOPY app /app\nUSER 1000\n', id), []);
    assert.deepStrictEqual(findings('FROM debian:12-slim\nRUN apt-get install -y x\nUSER 1000\n', id), []);
  });
  it('leaves a chmod u+s to docker-setuid, which offers the same strip', () => {
    const t = 'FROM debian:12-slim\nCOPY app /app\nRUN chmod u+s /app\nUSER 1000\n';
    assert.deepStrictEqual(findings(t, id), []);
    assert.strictEqual(findings(t, 'docker-setuid').length, 1);
  });
});
