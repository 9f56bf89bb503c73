import * as assert from 'assert';
import { buildModel } from '../../src/core/dockerfile/model';
import { shippingStages } from '../../src/core/dockerfile/reach';
import { DOCKERFILE_RULES } from '../../src/core/dockerfile/rules';
import { assertFixWorks, findings, lines, rangeText } from './dockerfile-support';

describe('docker-apt-get-yes: quiet level 2 implies -y', () => {
  const id = 'docker-apt-get-yes';
  it('accepts -qq, -q -q, --quiet --quiet, -q=2, --quiet=2, -qqy and APT::Get::Assume-Yes', () => {
    const t = [
      'FROM debian:12',
      'RUN apt-get install -qq x',
      'RUN apt-get -q -q install x',
      'RUN apt-get install --quiet --quiet x',
      'RUN apt-get install -q=2 x',
      'RUN apt-get --quiet=2 install x',
      'RUN apt-get install -q --quiet x',
      'RUN apt-get -o APT::Get::Assume-Yes=true install x',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('still reports quiet level 1 (-q, --quiet, -q=1), at apt-get install', () => {
    const t = 'FROM debian:12\nRUN apt-get install -q x\nRUN apt-get install --quiet x\nRUN apt-get -q=1 install x\nRUN apt-get -qq=1 install x\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [[1, 'apt-get install'], [2, 'apt-get install'], [3, 'apt-get -q=1 install'], [4, 'apt-get -qq=1 install']]);
  });
  it('does not report a simulated install (apt-get install -s)', () => {
    assert.deepStrictEqual(lines('FROM debian:12\nRUN if apt-get install -s x > /dev/null 2>&1; then echo ok; fi\nRUN apt-get install --dry-run x\n', id), []);
    assert.deepStrictEqual(lines('FROM debian:12\nRUN apt-get install --dry-run x\n', 'docker-apt-no-install-recommends'), []);
  });
});

describe('docker-apk-no-cache: cache and tmpfs mounts keep the index out of the layer', () => {
  const id = 'docker-apk-no-cache';
  it('accepts type=cache and type=tmpfs on /var/cache/apk (target=, dst=, destination=, a parent directory)', () => {
    const t = [
      'FROM alpine:3.20',
      'RUN --mount=type=cache,target=/var/cache/apk apk add curl',
      'RUN --mount=type=tmpfs,target=/var/cache/apk/ apk add curl',
      'RUN --mount=type=cache,dst=/var/cache/apk,sharing=locked apk add curl',
      'RUN --mount=destination=/var/cache/apk,type=cache apk add curl',
      'RUN --mount=type=cache,target=/var/cache apk add -U curl',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('still reports a mount elsewhere, a bind mount and a secret mount', () => {
    const t = [
      'FROM alpine:3.20',
      'RUN --mount=type=cache,target=/var/cache/foo apk add -U curl',
      'RUN --mount=type=bind,target=/var/cache/apk apk add curl',
      'RUN --mount=type=secret,id=x,target=/var/cache/apk apk add curl',
      'RUN --mount=type=cache,target=/var/cache/apkfoo apk add curl',
    ].join('\n') + '\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [[1, 'apk add'], [2, 'apk add'], [3, 'apk add'], [4, 'apk add']]);
  });
  it('accepts --no-network and a later rm -rf /var/cache/apk/* in the same RUN, not an earlier one', () => {
    const t = 'FROM alpine:3.20\nRUN apk add --no-network --virtual .rundeps so:libc.so\nRUN apk add curl && rm -rf /var/cache/apk/*\nRUN rm -rf /var/cache/apk/* && apk add curl\n';
    assert.deepStrictEqual(lines(t, id), [3]);
  });
});

describe('image hygiene only for stages that reach an image', () => {
  const t = [
    'FROM alpine:3.20 AS deps', // stage 0: base of build
    'RUN apk add gcc',
    'FROM deps AS build', // stage 1: only copied from
    'RUN apk add make && apt-get install -y x',
    'FROM debian:12 AS base', // stage 2: parent of the final stage
    'RUN apt-get install -y curl',
    'FROM debian:12 AS test', // stage 3: nothing refers to it, a --target of its own
    'RUN apt-get install -y y',
    'FROM base', // stage 4: final
    'COPY --from=build /out /out',
    'RUN apk add z',
  ].join('\n') + '\n';
  it('computes the stages that ship: final, unreferenced targets, and their FROM parents', () => {
    const m = buildModel(t);
    assert.deepStrictEqual([...shippingStages(m)].map((s) => s.index).sort(), [2, 3, 4]);
    assert.strictEqual(shippingStages(m), shippingStages(m), 'cached on the model');
  });
  it('understands --from by index and RUN --mount=from=', () => {
    const m = buildModel('FROM alpine:3 AS a\nFROM alpine:3 AS b\nFROM alpine:3\nCOPY --from=0 /x /x\nRUN --mount=type=bind,from=b,target=/b true\n');
    assert.deepStrictEqual([...shippingStages(m)].map((s) => s.index), [2]);
  });
  it('does not report apk --no-cache or --no-install-recommends in a stage only used through COPY --from', () => {
    assert.deepStrictEqual(lines(t, 'docker-apk-no-cache'), [10]);
    assert.deepStrictEqual(lines(t, 'docker-apt-no-install-recommends'), [5, 7]);
  });
  it('keeps the build-breaking and security rules on every stage', () => {
    const b = 'FROM debian:12 AS build\nRUN apt-get install x && sudo make && curl https://x | sh\nFROM scratch\nCOPY --from=build /x /x\n';
    assert.deepStrictEqual(lines(b, 'docker-apt-get-yes'), [1]);
    assert.deepStrictEqual(lines(b, 'docker-sudo'), [1]);
    assert.deepStrictEqual(lines(b, 'docker-unverified-download'), [1]);
  });
});

describe('docker-unverified-download: plain HTTP and remote ADD', () => {
  const id = 'docker-unverified-download';
  it('reports an http:// download piped into tar or saved to a file, at the URL', () => {
    const t = [
      'FROM debian:12',
      'RUN curl -fsSL http://example.com/app.tgz | tar -xz -C /opt',
      'RUN wget http://example.com/app.deb && dpkg -i app.deb',
      'RUN curl -L "http://example.com/jq" > /usr/bin/jq && chmod +x /usr/bin/jq',
    ].join('\n') + '\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [
      [1, 'http://example.com/app.tgz'], [2, 'http://example.com/app.deb'], [3, '"http://example.com/jq"'],
    ]);
  });
  it('reports an http:// download piped into a shell once, over the pipe', () => {
    const t = 'FROM debian:12\nRUN curl http://example.com/install.sh | sh\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => rangeText(t, f)), ['curl http://example.com/install.sh | sh']);
    assert.match(fs[0].message, /plain-HTTP/);
  });
  it('accepts a plain-HTTP download verified in the same RUN (sha256sum -c, shasum -a 256 -c, gpg --verify, a test of sha256sum)', () => {
    const t = [
      'FROM debian:12',
      'RUN curl -o a.tgz http://x/a.tgz && echo "$SHA  a.tgz" | sha256sum -c - && tar xf a.tgz',
      'RUN wget http://x/b.tgz && shasum -a 256 -c b.sha && tar xf b.tgz',
      'RUN curl -O http://x/c.tgz && curl -O http://x/c.tgz.asc && gpg --batch --verify c.tgz.asc c.tgz',
      `RUN wget http://x/d && [ "$(sha256sum d | cut -d' ' -f1)" = "$SHA" ] && install d /usr/bin/`,
      'RUN if curl -o e http://x/e; then sha512sum --check e.sha512; fi',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('does not accept a check that comes before the download, nor one in another RUN', () => {
    const t = 'FROM debian:12\nRUN sha256sum -c old.sha && curl -o a http://x/a\nRUN wget http://x/b\nRUN sha256sum -c b.sha\n';
    assert.deepStrictEqual(lines(t, id), [1, 2]);
  });
  it('ignores https, the local host, discarded output and downloads piped into a filter', () => {
    const t = [
      'FROM debian:12',
      'RUN curl -fsSLo a.tgz https://x/a.tgz && tar xf a.tgz',
      'RUN curl -f http://localhost:8080/health && wget -q --spider http://x/ && curl -o /dev/null http://x/',
      'RUN curl -s http://127.0.0.1/v | grep -q ok && curl -I http://x/',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('accepts apk --allow-untrusted for packages built in this build (apk index, local .apk files, no download in the RUN)', () => {
    const t = [
      'FROM alpine:3.20',
      'RUN apk index --allow-untrusted -o /tmp/p/APKINDEX.tar.gz /tmp/p/*.apk',
      'RUN --mount=type=bind,from=builder,source=/tmp/packages,target=/tmp/packages apk add --no-cache --allow-untrusted /tmp/packages/mod-*.apk',
      'RUN wget -O /tmp/x.apk https://example.com/x.apk && apk add --allow-untrusted /tmp/x.apk',
      'RUN apk add --allow-untrusted x',
    ].join('\n') + '\n';
    assert.deepStrictEqual(findings(t, id).map((f) => [f.range.start.line, rangeText(t, f)]), [[3, '--allow-untrusted'], [4, '--allow-untrusted']]);
  });
  it('reports ADD of a URL without --checksum at the ADD keyword; accepts --checksum and git sources', () => {
    const t = [
      'FROM debian:12',
      'ADD http://example.com/a.tgz /tmp/',
      'ADD ["https://example.com/b.tgz", "/tmp/"]',
      'ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef https://example.com/c.tgz /tmp/',
      'ADD https://github.com/org/repo.git#v1.0 /src',
      'ADD local.tgz /tmp/',
    ].join('\n') + '\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [[1, 'ADD'], [2, 'ADD']]);
    assert.match(fs[0].message, /plain-HTTP/);
  });
});

describe('docker-run-cd: only where WORKDIR would do', () => {
  const id = 'docker-run-cd';
  it('is a low-severity readability rule', () => {
    assert.strictEqual(DOCKERFILE_RULES.find((r) => r.id === id)?.severity, 'low');
    const [f] = findings('FROM debian:12\nRUN cd /src && make\n', id);
    assert.strictEqual(f.severity, 'low');
    assert.deepStrictEqual(f.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 6 } });
  });
  it('does not report cd into a directory the same RUN removes, relative or absolute, through variables', () => {
    const t = [
      'FROM debian:12',
      'RUN mkdir -p /usr/src/python && cd /usr/src/python && make && cd / && rm -rf /usr/src/python',
      'RUN tempDir="$(mktemp -d)" && cd "$tempDir" && make && rm -rf "$tempDir"',
      'RUN tar xf x.tgz && cd x-1.0 && make && cd .. && rm -rf x-1.0',
      'RUN mkdir /build && cd /build/src && make && rm -rf /build',
      'RUN cd /opt/app && make && rm -rf /opt/app/*',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('does not report cd /, cd -, cd .., a bare cd, cd into a temporary directory, nor cd in a subshell, a sh -c script or per loop pass', () => {
    const t = [
      'FROM debian:12',
      'RUN cd / && cd - && cd .. && cd ../.. && cd',
      'RUN cd /tmp && tar xf a.tgz && cd /tmp/a-1.0 && make && cd "$(mktemp -d)"',
      'RUN ( cd /src && make ) && sh -c "cd /x && make"',
      'RUN for d in a b; do cd /src/$d && make; done',
      'RUN for m in a b; do if [ -f /m/$m ]; then cd /src; make $m; fi; done',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('reports cd inside a condition, a brace group and a loop with a fixed directory', () => {
    const t = 'FROM debian:12\nRUN if [ -d /src ]; then cd /src && make; fi\nRUN { cd /src; make; }\nRUN for x in a b; do cd /src && make $x; done\n';
    assert.deepStrictEqual(findings(t, id).map((f) => [f.range.start.line, f.range.start.character]), [[1, 25], [2, 6], [3, 21]]);
  });
  it('still reports a cd that stays, also when another directory is removed', () => {
    const t = 'FROM debian:12\nRUN cd /usr/local/go/src && ./make.bash && rm -rf /usr/local/go/pkg/obj\nRUN rm -rf /app && cd /app\n';
    assert.deepStrictEqual(findings(t, id).map((f) => [f.range.start.line, rangeText(t, f)]), [[1, 'cd'], [2, 'cd']]);
  });
});

describe('docker-pipefail: only where a failure can hide', () => {
  const id = 'docker-pipefail';
  it('does not report literals or package lists piped into a command, or anything piped into a check', () => {
    const t = [
      'FROM debian:12',
      'RUN echo "$SHA  go.tgz" | sha256sum -c -',
      'RUN grep " node.tar.gz$" SHASUMS256.txt | sha256sum -c -',
      `RUN printf '%s\\n' a b | tee /etc/list`,
      'RUN echo "x" | tr a b > f',
      'RUN apt-mark showmanual | xargs apt-mark auto > /dev/null',
      `RUN find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { print $3 }' | sort -u | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual`,
      'RUN locale -a | grep en_US.utf8',
      'RUN curl -fsSL https://x/SHASUMS | sha256sum --check --ignore-missing',
      'RUN curl -fsSL https://x/key.asc | gpg --verify sig.asc -',
      'RUN yes | ./configure',
      'RUN if head -1 .git | grep -q "^gitdir:"; then echo sub; fi',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('keeps a download or a build piped into tar, sh, tee, wc, or an inverted grep', () => {
    const t = [
      'FROM debian:12',
      'RUN curl -fsSL https://x/a.tgz | tar -xz',
      'RUN wget -O - https://some.site | wc -l > /number',
      'RUN go test ./... | tee /out/test.log',
      'RUN echo x | tee /etc/a | tee /etc/b',
      'RUN curl -fsSL https://x | grep -v y',
      'RUN find . -name "*.proto" | tar -cf - --files-from - | tar -xf -',
    ].join('\n') + '\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [[1, '|'], [2, '|'], [3, '|'], [4, '|'], [5, '|'], [6, '|']]);
    assert.deepStrictEqual(fs.map((f) => f.range.start.character), [31, 32, 18, 24, 25, 54]);
  });
  it('checks every pipeline of the RUN, not only the first', () => {
    const t = 'FROM debian:12\nRUN echo a | sha256sum -c - && curl https://x | tar x\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range.start, { line: 1, character: 46 });
  });
  it('accepts set -o pipefail anywhere before the pipe in the same script, not after it or in a subshell', () => {
    const t = [
      'FROM debian:12',
      'RUN set -eux; set -o pipefail; curl https://x | tar x',
      'RUN apt-get update && set -euo pipefail && curl https://x | tar x',
      'RUN curl https://x | tar x && set -o pipefail',
      'RUN ( set -o pipefail ) && curl https://x | tar x',
    ].join('\n') + '\n';
    assert.deepStrictEqual(lines(t, id), [3, 4]);
  });
  it('reports a pipe inside a sh -c script without a SHELL fix (SHELL does not reach it); accepts bash -o pipefail -c', () => {
    const t = `FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN bash -c 'curl https://x | tar x'\nRUN bash -o pipefail -c 'curl https://x | tar x'\nRUN sh -c 'set -o pipefail; curl https://x | tar x'\n`;
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [[2, '|']]);
    assert.deepStrictEqual(fs[0].fixes ?? [], []);
    assert.match(fs[0].message, /set -o pipefail/);
  });
  it('offers the SHELL fix for a top-level pipe in a loop, and the fix works', () => {
    const t = 'FROM debian:12\nRUN for u in a b; do curl -fsSL https://x/$u | tar -xz; done\n';
    const fixed = assertFixWorks(t, id);
    assert.strictEqual(fixed, 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN for u in a b; do curl -fsSL https://x/$u | tar -xz; done\n');
  });
});

describe('ONBUILD RUN triggers', () => {
  it('reports a pipe in an ONBUILD RUN without the SHELL fix (the child build has its own SHELL)', () => {
    const t = 'FROM debian:12\nONBUILD RUN curl -fsSL https://x | tar -xz\n';
    const [f] = findings(t, 'docker-pipefail');
    assert.strictEqual(rangeText(t, f), '|');
    assert.deepStrictEqual(f.fixes ?? [], []);
  });
  it('does not merge an ONBUILD update with the next RUN', () => {
    const t = 'FROM debian:12\nONBUILD RUN apt-get update\nRUN apt-get install -y x\n';
    const [f] = findings(t, 'docker-update-alone');
    assert.strictEqual(rangeText(t, f), 'apt-get update');
    assert.deepStrictEqual(f.fixes ?? [], []);
  });
});

describe('fixes inside nested and compound commands', () => {
  it('adds --no-install-recommends inside a case branch of a bash -c script', () => {
    const t = `FROM debian:12\nRUN bash -c 'case "$A" in amd64) apt-get install -y x ;; esac'\n`;
    assert.strictEqual(
      assertFixWorks(t, 'docker-apt-no-install-recommends'),
      `FROM debian:12\nRUN bash -c 'case "$A" in amd64) apt-get install --no-install-recommends -y x ;; esac'\n`,
    );
  });
  it('keeps CRLF and continuation lines when fixing inside an if', () => {
    const t = 'FROM alpine:3.20\r\nRUN if true; then \\\r\n      apk add curl; \\\r\n    fi\r\n';
    assert.strictEqual(assertFixWorks(t, 'docker-apk-no-cache'), 'FROM alpine:3.20\r\nRUN if true; then \\\r\n      apk add --no-cache curl; \\\r\n    fi\r\n');
  });
});
