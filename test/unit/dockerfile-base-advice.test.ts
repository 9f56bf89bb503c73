/**
 * Base-image recommendations on FROM (the hover, "Compare Base Images"): the catalogue's
 * candidates stay in the same ecosystem, version, LTS track and OS family; the advice is found by
 * position, only for stages whose image ships, and the swap edit replaces the image argument.
 */
import * as assert from 'assert';
import { baseAdvice, recommendBase } from '../../src/core/dockerfile/baseCatalogue';
import { baseAdviceMarkdown, baseImageAdviceAt, baseImageAdvices, baseSwapEdit } from '../../src/core/dockerfile/baseAdvice';
import { buildModel } from '../../src/core/dockerfile/model';
import { baseImageAdviceInText, baseImageHover } from '../../src/core/baseImages';
import { parseImageRef } from '../../src/core/imageRef';

const refs = (image: string): string[] | undefined => recommendBase(parseImageRef(image)!)?.candidates.map((c) => c.reference);
const families = (image: string) => recommendBase(parseImageRef(image)!)?.candidates.map((c) => c.family);
const hover = (image: string): string | undefined => baseImageHover(`FROM ${image}\nCOPY . /app\n`, 0, 6)?.markdown;

describe('base-image catalogue: candidates', () => {
  it('node: the slim tag of the same version, distroless only for LTS majors on Debian', () => {
    assert.deepStrictEqual(refs('node:20'), ['node:20-slim', 'gcr.io/distroless/nodejs20-debian12']);
    assert.deepStrictEqual(refs('node:22.3-bookworm'), ['node:22.3-bookworm-slim', 'gcr.io/distroless/nodejs22-debian12']);
    assert.deepStrictEqual(refs('node:iron'), ['node:iron-slim', 'gcr.io/distroless/nodejs20-debian12']);
    assert.deepStrictEqual(refs('node:20-slim'), ['gcr.io/distroless/nodejs20-debian12']);
    // Non-LTS: the same release only, never a move to an LTS release or distroless.
    assert.deepStrictEqual(refs('node:21'), ['node:21-slim']);
    assert.deepStrictEqual(refs('node:23-bookworm'), ['node:23-bookworm-slim']);
    // Alpine: nothing of another OS family (distroless is Debian).
    assert.deepStrictEqual(refs('node:20-alpine'), []);
    assert.strictEqual(recommendBase(parseImageRef('node:20-alpine')!)!.small, true);
    // A distroless image for a Debian release the user's image is not on is not offered.
    assert.deepStrictEqual(refs('node:20-bullseye'), ['node:20-bullseye-slim']);
  });

  it('python: the slim tag in Python\'s order; distroless only for Debian 12\'s Python 3.11', () => {
    assert.deepStrictEqual(refs('python:3.12'), ['python:3.12-slim']);
    assert.deepStrictEqual(refs('python:3.12-bookworm'), ['python:3.12-slim-bookworm']);
    assert.deepStrictEqual(refs('python:3.11'), ['python:3.11-slim', 'gcr.io/distroless/python3-debian12']);
    assert.deepStrictEqual(refs('python:3.11-slim'), ['gcr.io/distroless/python3-debian12']);
    assert.deepStrictEqual(refs('python:3.11-bullseye'), ['python:3.11-slim-bullseye']);
    assert.deepStrictEqual(refs('python:3.12-alpine3.19'), []);
  });

  it('golang: scratch and static distroless; a glibc runtime only for a named Debian suite; Alpine stays Alpine', () => {
    assert.deepStrictEqual(refs('golang:1.22'), ['scratch', 'gcr.io/distroless/static-debian12']);
    assert.deepStrictEqual(refs('golang:1.22-bookworm'), ['scratch', 'gcr.io/distroless/static-debian12', 'gcr.io/distroless/base-debian12']);
    assert.deepStrictEqual(refs('golang:1.23-trixie'), ['scratch', 'gcr.io/distroless/static-debian13', 'gcr.io/distroless/base-debian13']);
    assert.deepStrictEqual(refs('golang:1.22-alpine3.19'), ['scratch', 'alpine:3.19']);
    assert.deepStrictEqual(families('golang:1.22-alpine3.19'), ['none', 'alpine']);
    assert.ok(recommendBase(parseImageRef('golang:1.22')!)!.candidates.every((c) => c.needsMultiStage));
  });

  it('temurin: the JRE of the same LTS major and OS; nothing for a non-LTS release; never Debian distroless for Ubuntu', () => {
    assert.deepStrictEqual(refs('eclipse-temurin:21-jdk'), ['eclipse-temurin:21-jre']);
    assert.deepStrictEqual(refs('eclipse-temurin:21-jdk-jammy'), ['eclipse-temurin:21-jre-jammy']);
    assert.deepStrictEqual(refs('eclipse-temurin:17'), ['eclipse-temurin:17-jre']);
    assert.deepStrictEqual(refs('eclipse-temurin:21-alpine'), ['eclipse-temurin:21-jre-alpine']);
    assert.deepStrictEqual(families('eclipse-temurin:21-alpine'), ['alpine']);
    assert.deepStrictEqual(refs('eclipse-temurin:22-jdk'), []);
    assert.deepStrictEqual(refs('eclipse-temurin:21-jre'), []);
    assert.strictEqual(recommendBase(parseImageRef('eclipse-temurin:21-jdk')!)!.candidates[0].sameRepository, true);
    assert.deepStrictEqual(refs('maven:3.9-eclipse-temurin-21'), ['eclipse-temurin:21-jre']);
    assert.deepStrictEqual(refs('maven:3.9-eclipse-temurin-21-alpine'), ['eclipse-temurin:21-jre-alpine']);
    assert.deepStrictEqual(refs('maven:3.9-eclipse-temurin-22'), []);
    assert.strictEqual(refs('maven:3.9-amazoncorretto-21'), undefined, 'Amazon Linux: no Temurin (Ubuntu) runtime offered');
  });

  it('debian: the slim tag and distroless base of the same release; nothing for unstable suites', () => {
    assert.deepStrictEqual(refs('debian:12'), ['debian:12-slim', 'gcr.io/distroless/base-debian12']);
    assert.deepStrictEqual(refs('debian:bookworm'), ['debian:bookworm-slim', 'gcr.io/distroless/base-debian12']);
    assert.deepStrictEqual(refs('debian:bullseye'), ['debian:bullseye-slim']);
    assert.deepStrictEqual(refs('debian:bookworm-slim'), ['gcr.io/distroless/base-debian12']);
    assert.deepStrictEqual(refs('debian:sid'), []);
  });

  it('ubuntu, alpine, RHEL family, .NET, rust', () => {
    assert.deepStrictEqual(refs('ubuntu:22.04'), []);
    assert.deepStrictEqual(recommendBase(parseImageRef('ubuntu:jammy')!)!.notes[0], 'Ubuntu 22.04 is an LTS release.');
    assert.deepStrictEqual(recommendBase(parseImageRef('ubuntu:23.10')!)!.notes[0], 'Ubuntu 23.10 is not an LTS release (about nine months of support).');
    assert.deepStrictEqual(refs('alpine:3.19'), []);
    assert.deepStrictEqual(refs('centos:stream9'), ['registry.access.redhat.com/ubi9/ubi-minimal']);
    assert.deepStrictEqual(refs('fedora:40'), ['registry.fedoraproject.org/fedora-minimal:40']);
    assert.deepStrictEqual(refs('almalinux:9'), ['almalinux:9-minimal']);
    assert.deepStrictEqual(refs('registry.access.redhat.com/ubi9/ubi:9.4'), ['registry.access.redhat.com/ubi9/ubi-minimal:9.4', 'registry.access.redhat.com/ubi9/ubi-micro:9.4']);
    assert.deepStrictEqual(refs('mcr.microsoft.com/dotnet/sdk:8.0'), ['mcr.microsoft.com/dotnet/aspnet:8.0', 'mcr.microsoft.com/dotnet/runtime:8.0']);
    assert.deepStrictEqual(refs('mcr.microsoft.com/dotnet/sdk:8.0.100-jammy'), ['mcr.microsoft.com/dotnet/aspnet:8.0-jammy', 'mcr.microsoft.com/dotnet/runtime:8.0-jammy', 'mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled']);
    assert.deepStrictEqual(refs('rust:1.77-bookworm'), ['gcr.io/distroless/cc-debian12', 'debian:bookworm-slim']);
    assert.deepStrictEqual(refs('rust:1.77'), []);
    assert.strictEqual(recommendBase(parseImageRef('nginx:1.25')!), undefined);
  });

  it('the docker-toolchain-base message names nothing of another OS family either', () => {
    const smaller = (image: string) => baseAdvice(parseImageRef(image)!)?.smaller;
    assert.deepStrictEqual(smaller('golang:1.22-alpine3.19'), ['scratch for a static binary (CGO_ENABLED=0)', 'alpine:3.19 when it needs musl']);
    assert.deepStrictEqual(smaller('rust:1-alpine3.19'), ['scratch for a static musl binary', 'alpine:3.19']);
    assert.deepStrictEqual(smaller('eclipse-temurin:21-jdk'), ['eclipse-temurin:21-jre']);
    assert.deepStrictEqual(smaller('eclipse-temurin:22-jdk'), ['the JRE image of an LTS release']);
    assert.deepStrictEqual(smaller('ubuntu:22.04'), ['a chiselled Ubuntu image built for the application (same release)']);
    assert.ok(smaller('golang:1.22')!.some((x) => x.includes('distroless/static-debian12')), 'a Debian-based Go image keeps distroless');
  });

  it('every candidate keeps the current OS family (or has none: scratch, static) and cites an https source', () => {
    const images = ['node:20', 'node:20-slim', 'python:3.11', 'golang:1.22-bookworm', 'golang:1.22-alpine3.19', 'eclipse-temurin:21-jdk-jammy', 'eclipse-temurin:21-alpine',
      'debian:12', 'centos:7', 'mcr.microsoft.com/dotnet/sdk:8.0-alpine', 'rust:1-alpine3.19', 'buildpack-deps:jammy', 'gcc:13-bookworm'];
    for (const image of images) {
      const r = recommendBase(parseImageRef(image)!)!;
      assert.ok(r.candidates.length > 0, image);
      for (const c of r.candidates) {
        assert.ok(c.family === r.family || c.family === 'none', `${image} → ${c.reference} (${c.family}, not ${r.family})`);
        assert.match(c.source, /^https:\/\//);
        assert.ok(parseImageRef(c.reference) || c.reference === 'scratch', c.reference);
      }
    }
  });
});

describe('base-image advice on FROM', () => {
  it('hover Markdown for node:20, exactly', () => {
    assert.strictEqual(hover('node:20'), [
      '**Smaller or hardened bases for `node:20`** (Node\\.js 20, the full Debian image; same ecosystem, version and OS family)',
      '',
      '- `node:20-slim`: the same Node\\.js 20 without compilers and build tools · [source](https://hub.docker.com/_/node)',
      '- `gcr.io/distroless/nodejs20-debian12`: Node\\.js 20 on Debian 12 without a shell or package manager · needs a multi\\-stage build · [source](https://github.com/GoogleContainerTools/distroless/blob/main/nodejs/README.md)',
      '',
      'Node\\.js 20 is an LTS release\\.',
    ].join('\n'));
  });

  it('hover Markdown for a non-LTS node, golang, python, temurin, ubuntu, debian and alpine, exactly', () => {
    assert.strictEqual(hover('node:21'), [
      '**Smaller or hardened bases for `node:21`** (Node\\.js 21, the full Debian image; same ecosystem, version and OS family)',
      '',
      '- `node:21-slim`: the same Node\\.js 21 without compilers and build tools · [source](https://hub.docker.com/_/node)',
      '',
      'Node\\.js 21 is not an LTS release: only images of the same release are offered\\.',
    ].join('\n'));
    assert.strictEqual(hover('golang:1.22'), [
      '**Smaller or hardened bases for `golang:1.22`** (a Go toolchain image; same ecosystem, version and OS family)',
      '',
      '- `scratch`: nothing but the files you copy, for a static binary \\(CGO\\_ENABLED=0\\) · needs a multi\\-stage build · [source](https://docs.docker.com/build/building/base-images/)',
      '- `gcr.io/distroless/static-debian12`: CA certificates, tzdata and a nonroot user for a static binary · needs a multi\\-stage build · [source](https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md)',
      '',
      'Name the Debian suite \\(for example `-bookworm`\\) to be offered a glibc runtime of the same release\\.',
    ].join('\n'));
    assert.strictEqual(hover('python:3.12'), [
      '**Smaller or hardened bases for `python:3.12`** (Python 3\\.12, the full Debian image; same ecosystem, version and OS family)',
      '',
      '- `python:3.12-slim`: the same Python 3\\.12 without compilers and build tools · [source](https://hub.docker.com/_/python)',
    ].join('\n'));
    assert.strictEqual(hover('eclipse-temurin:22-jdk'), [
      '**`eclipse-temurin:22-jdk`** (Java 22, a JDK image): the catalogue has no smaller base of the same version and OS family.',
      '',
      'Java 22 is not an LTS release: JRE images are recommended for LTS releases only\\.',
    ].join('\n'));
    assert.strictEqual(hover('eclipse-temurin:21-jdk'), [
      '**Smaller or hardened bases for `eclipse-temurin:21-jdk`** (Java 21, a JDK image; same ecosystem, version and OS family)',
      '',
      '- `eclipse-temurin:21-jre`: the same Java 21 runtime without the compiler and JDK tools · [source](https://hub.docker.com/_/eclipse-temurin)',
      '',
      'Java 21 is an LTS release\\.',
    ].join('\n'));
    assert.strictEqual(hover('ubuntu:22.04'), [
      '**`ubuntu:22.04`** (Ubuntu 22\\.04): the catalogue has no smaller base of the same version and OS family.',
      '',
      'Ubuntu 22\\.04 is an LTS release\\. No smaller general\\-purpose Ubuntu base is published: chiselled Ubuntu images are built per application\\.',
    ].join('\n'));
    assert.strictEqual(hover('debian:bookworm-slim'), [
      '**Smaller or hardened bases for `debian:bookworm-slim`** (Debian 12, the slim image; same ecosystem, version and OS family)',
      '',
      '- `gcr.io/distroless/base-debian12`: glibc, CA certificates and a nonroot user on Debian 12, without a shell or apt · needs a multi\\-stage build · [source](https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md)',
    ].join('\n'));
    assert.strictEqual(hover('alpine:3.19'), '**`alpine:3.19`** is already a small base (Alpine Linux): the catalogue has nothing smaller of the same version and OS family.');
  });

  it('a digest-pinned base: candidates named by tag with a note, and no swap edit', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const text = `FROM node:20@${digest}\nCOPY . /app\n`;
    const advice = baseImageAdviceInText(text, 0, 8)!;
    assert.strictEqual(advice.digest, digest);
    assert.strictEqual(advice.swappable, false);
    assert.strictEqual(baseSwapEdit(advice, 'node:20-slim'), undefined);
    assert.match(baseAdviceMarkdown(advice), /The image is pinned by digest: pin the candidate by its digest too\\\.$/);
  });

  it('an ARG-substituted base: advice for the resolved image, noted, and no swap edit on the FROM', () => {
    const text = 'ARG BASE=python:3.12\nFROM ${BASE}\nCOPY . /app\n';
    const advice = baseImageAdviceInText(text, 1, 7)!;
    assert.strictEqual(advice.image, 'python:3.12');
    assert.strictEqual(advice.written, '${BASE}');
    assert.strictEqual(advice.viaArg, true);
    assert.strictEqual(baseSwapEdit(advice, 'python:3.12-slim'), undefined);
    assert.ok(baseAdviceMarkdown(advice).endsWith('The image comes from an ARG \\(`${BASE}`\\): change the ARG\'s default to switch\\.'), baseAdviceMarkdown(advice));
  });

  it('found anywhere on the FROM instruction (keyword, image, alias, a continuation line); nothing elsewhere', () => {
    const text = 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM \\\n  debian:12 AS run\nCOPY --from=build /app /app\n';
    assert.strictEqual(baseImageAdviceInText(text, 2, 1)?.image, 'debian:12');
    assert.strictEqual(baseImageAdviceInText(text, 3, 5)?.image, 'debian:12');
    assert.strictEqual(baseImageAdviceInText(text, 3, 15)?.image, 'debian:12');
    assert.deepStrictEqual(baseImageAdviceInText(text, 3, 5)?.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 11 } });
    assert.strictEqual(baseImageAdviceInText(text, 4, 3), undefined, 'a COPY line');
    assert.strictEqual(baseImageAdviceInText(text, 1, 3), undefined, 'a RUN line');
    // A build stage's image does not ship: no advice on it.
    assert.strictEqual(baseImageAdviceInText(text, 0, 7), undefined);
  });

  it('a stage alias (FROM builder), scratch, an unresolved variable and an unknown image: nothing', () => {
    const model = buildModel('FROM node:20 AS base\nFROM base\nCOPY . /app\n');
    assert.strictEqual(baseImageAdviceAt(model, 1, 6), undefined, 'FROM base names a stage');
    // The final stage is built FROM base: the advice is on the FROM that names the image.
    assert.strictEqual(baseImageAdviceAt(model, 0, 6)?.image, 'node:20');
    assert.strictEqual(baseImageAdviceInText('FROM scratch\nCOPY app /\n', 0, 6), undefined);
    assert.strictEqual(baseImageAdviceInText('FROM ${UNSET}\n', 0, 6), undefined);
    assert.strictEqual(baseImageAdviceInText('FROM nginx:1.25\n', 0, 6), undefined);
    assert.strictEqual(baseImageAdviceInText('FROM node:20\n', 7, 0), undefined, 'a line past the end');
  });

  it('baseImageAdvices lists the shipped FROMs with advice; the swap edit replaces exactly the image argument', () => {
    const text = 'FROM golang:1.22 AS build\nRUN go build\nFROM debian:12\nCOPY --from=build /app /app\n';
    const advices = baseImageAdvices(buildModel(text));
    assert.deepStrictEqual(advices.map((a) => a.image), ['debian:12']);
    const edit = baseSwapEdit(advices[0], 'debian:12-slim')!;
    assert.deepStrictEqual(edit, { range: { start: { line: 2, character: 5 }, end: { line: 2, character: 14 } }, newText: 'debian:12-slim' });
  });
});
