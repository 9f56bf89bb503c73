import * as assert from 'assert';
import { check, findings, lines, rangeText } from './dockerfile-support';

describe('docker-latest-tag', () => {
  const id = 'docker-latest-tag';
  it('flags :latest and untagged images', () => {
    assert.deepStrictEqual(lines('FROM alpine:latest\nFROM ubuntu\nFROM ghcr.io/org/app\n', id), [0, 1, 2]);
  });
  it('does not flag tags, digests, scratch or earlier aliases', () => {
    const t = 'FROM alpine:3.20 AS a\nFROM app@sha256:' + 'a'.repeat(64) + '\nFROM scratch\nFROM a\nFROM A\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('does not take a registry port for a tag', () => {
    assert.deepStrictEqual(lines('FROM localhost:5000/app\nFROM localhost:5000/app:1.0\n', id), [0]);
  });
  it('resolves FROM through global ARG defaults', () => {
    assert.deepStrictEqual(lines('ARG BASE=alpine:3.19\nFROM $BASE\n', id), []);
    assert.deepStrictEqual(lines('ARG TAG=latest\nFROM img:$TAG\n', id), [1]);
    assert.deepStrictEqual(lines('ARG IMG=ubuntu\nFROM ${IMG}\n', id), [1]);
  });
  it('does not flag an unresolved variable', () => {
    assert.deepStrictEqual(lines('ARG TAG\nFROM img:$TAG\nFROM $BASE\n', id), []);
  });
  it('points at the image word', () => {
    const t = 'FROM --platform=$BUILDPLATFORM  golang AS build\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 0, character: 32 }, end: { line: 0, character: 38 } });
    assert.strictEqual(rangeText(t, f), 'golang');
    assert.deepStrictEqual(f.references, ['DS-0001', 'DL3006', 'DL3007']);
  });
});

describe('docker-root-user', () => {
  const id = 'docker-root-user';
  it('flags a final stage without USER at its FROM', () => {
    const t = 'FROM alpine:3 AS build\nRUN make\nFROM alpine:3\nCOPY --from=build /x /x\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 13 } });
    assert.strictEqual(f.severity, 'high');
  });
  it('flags an explicit USER root last in the final stage at that USER', () => {
    const t = 'FROM alpine:3\nUSER app\nRUN x\nUSER 0:0\nCMD ["x"]\n';
    const [f] = findings(t, id);
    assert.strictEqual(rangeText(t, f), 'USER 0:0');
  });
  it('does not flag USER root in a builder stage', () => {
    assert.deepStrictEqual(lines('FROM alpine:3 AS build\nUSER root\nRUN make\nFROM alpine:3\nUSER 10001\n', id), []);
  });
  it('does not let a non-root USER in a builder stage make the final image non-root', () => {
    assert.deepStrictEqual(lines('FROM alpine:3 AS build\nUSER nobody\nFROM alpine:3\nCMD ["x"]\n', id), [2]);
  });
  it('inherits USER when the final stage is FROM an earlier stage', () => {
    assert.deepStrictEqual(lines('FROM alpine:3 AS base\nUSER app\nFROM base\nCMD ["x"]\n', id), []);
    const t = 'FROM alpine:3 AS base\nUSER root\nFROM base\nCMD ["x"]\n';
    const [f] = findings(t, id);
    assert.strictEqual(f.range.start.line, 2);
    assert.strictEqual(f.related?.[0].range.start.line, 1);
  });
  it('flags FROM scratch without USER', () => {
    assert.deepStrictEqual(lines('FROM scratch\nCOPY app /app\n', id), [0]);
  });
  it('trusts distroless nonroot tags and unresolved USER variables', () => {
    assert.deepStrictEqual(lines('FROM gcr.io/distroless/static-debian12:nonroot\n', id), []);
    assert.deepStrictEqual(lines('FROM alpine:3\nUSER $APP_UID\n', id), []);
  });
  it('ignores USER root written inside a COPY heredoc', () => {
    assert.deepStrictEqual(lines('FROM alpine:3\nUSER app\nCOPY <<EOF /etc/x\nUSER root\nEOF\n', id), []);
  });
});

describe('docker-expose-ssh', () => {
  it('flags 22, 22/tcp and 22/udp, pointing at the port', () => {
    const t = 'FROM a:1\nEXPOSE 80 22\nEXPOSE 22/tcp\nEXPOSE 2222 220\n';
    const fs = findings(t, 'docker-expose-ssh');
    assert.deepStrictEqual(fs.map((f) => [f.range.start.line, rangeText(t, f)]), [[1, '22'], [2, '22/tcp']]);
  });
});

describe('docker-add-instead-of-copy', () => {
  const id = 'docker-add-instead-of-copy';
  it('flags ADD of local files at the keyword', () => {
    const t = 'FROM a:1\nADD --chown=1:1 src/ /app/\n';
    const [f] = findings(t, id);
    assert.strictEqual(rangeText(t, f), 'ADD');
  });
  it('exempts archives and URLs', () => {
    assert.deepStrictEqual(lines('FROM a:1\nADD rootfs.tar.gz /\nADD https://example.com/x /x\nADD git@github.com:o/r.git /r\nADD app.tgz /\n', id), []);
  });
});

describe('docker-sudo', () => {
  const id = 'docker-sudo';
  it('points at the sudo word, also on a continuation line', () => {
    const t = 'FROM a:1\nRUN apt-get update && \\\n    sudo make install\n';
    const [f] = findings(t, id);
    assert.deepStrictEqual(f.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 8 } });
  });
  it('flags sudo inside a RUN heredoc body', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN <<EOF\nset -e\nsudo ls\nEOF\n', id), [3]);
  });
  it('does not flag sudo inside a COPY heredoc or inside quotes', () => {
    assert.deepStrictEqual(lines('FROM a:1\nCOPY <<EOF /x\nsudo ls\nEOF\nRUN echo "use sudo carefully"\n', id), []);
  });
  it('flags sudo in an exec-form sh -c script, without a fix', () => {
    const [f] = findings('FROM a:1\nRUN ["sh", "-c", "sudo make install"]\n', id);
    assert.deepStrictEqual(f.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 22 } });
    assert.deepStrictEqual(f.fixes ?? [], []);
  });
  it('finds sudo under a backtick escape directive', () => {
    assert.deepStrictEqual(lines('# escape=`\nFROM a:1\nRUN echo a `\n  && sudo b\n', id), [3]);
  });
});

describe('docker-run-cd', () => {
  it('flags cd in RUN but not in a heredoc script', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN cd /src && make\nRUN <<EOF\ncd /src\nmake\nEOF\nRUN echo cd\n', 'docker-run-cd'), [1]);
  });
});

describe('docker-update-alone', () => {
  const id = 'docker-update-alone';
  it('flags an update without install in the same RUN', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN apt-get update\nRUN apt-get install -y x\nRUN apk update\n', id), [1, 3]);
  });
  it('passes update followed by install or upgrade in the same RUN', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN apt-get update && apt-get install -y x\nRUN apk update && apk add --no-cache y\nRUN yum update -y curl\n', id), []);
  });
});

describe('docker-apt-get-yes', () => {
  const id = 'docker-apt-get-yes';
  it('flags apt-get install without -y', () => {
    const t = 'FROM a:1\nRUN apt-get update && apt-get install --no-install-recommends curl\n';
    const [f] = findings(t, id);
    assert.strictEqual(rangeText(t, f), 'apt-get install');
  });
  it('accepts -y, --yes, --assume-yes, combined flags and -qq', () => {
    const t = 'FROM a:1\nRUN apt-get -y install x\nRUN apt-get install --yes x\nRUN apt-get install --assume-yes x\nRUN apt-get install -qy x\nRUN apt-get -qq install x\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('is not confused by option values such as -o', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN apt-get -o Dpkg::Options::=--force-confold install -y x\n', id), []);
  });
});

describe('docker-apt-no-install-recommends', () => {
  const id = 'docker-apt-no-install-recommends';
  it('flags apt-get install without --no-install-recommends', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN apt-get install -y x\nRUN apt-get install -y --no-install-recommends x\n', id), [1]);
  });
  it('accepts APT::Install-Recommends=false', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN apt-get -o APT::Install-Recommends=false install -y x\n', id), []);
  });
  it('does not flag apt-get install inside a COPY heredoc', () => {
    assert.deepStrictEqual(lines('FROM a:1\nCOPY <<EOF /setup.sh\napt-get install x\nEOF\n', id), []);
  });
});

describe('docker-apk-no-cache', () => {
  const id = 'docker-apk-no-cache';
  it('flags apk add without --no-cache', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN apk add curl\nRUN apk add --no-cache curl\n', id), [1]);
  });
  it('accepts a cache mount on /var/cache/apk', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n', id), []);
  });
});

describe('docker-no-healthcheck', () => {
  const id = 'docker-no-healthcheck';
  it('flags a service without HEALTHCHECK at the final FROM, with low severity', () => {
    const t = 'FROM a:1 AS b\nHEALTHCHECK CMD true\nFROM c:1\nEXPOSE 8080\nCMD ["x"]\n';
    const [f] = findings(t, id);
    assert.strictEqual(f.range.start.line, 2);
    assert.strictEqual(f.severity, 'low');
  });
  it('accepts HEALTHCHECK in the final stage, its parent, or HEALTHCHECK NONE', () => {
    assert.deepStrictEqual(lines('FROM a:1\nEXPOSE 80\nCMD ["x"]\nHEALTHCHECK CMD true\n', id), []);
    assert.deepStrictEqual(lines('FROM a:1 AS base\nHEALTHCHECK NONE\nFROM base\nEXPOSE 80\nCMD ["x"]\n', id), []);
  });
});

describe('docker-secret-in-build', () => {
  const id = 'docker-secret-in-build';
  it('flags secret ARG/ENV names in the final stage, at the name', () => {
    const t = 'FROM a:1\nARG GITHUB_TOKEN\nENV DB_PASSWORD=x APP_NAME=y\nARG VITE_OPENAI_API_KEY\n';
    const fs = findings(t, id);
    assert.deepStrictEqual(fs.map((f) => rangeText(t, f)), ['GITHUB_TOKEN', 'DB_PASSWORD', 'VITE_OPENAI_API_KEY']);
    assert.strictEqual(fs[0].severity, 'high');
  });
  it('exempts public names, paths and builder-only stages', () => {
    const t = 'FROM a:1 AS build\nARG NPM_TOKEN\nFROM a:1\nENV PUBLIC_KEY=x STRIPE_PUBLISHABLE_KEY_PUBLIC=y\nENV TOKEN_FILE=/run/secrets/t\nENV KEYBOARD=us\n';
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('flags COPY/ADD of private keys and credential files', () => {
    const t = 'FROM a:1\nCOPY id_rsa /root/.ssh/id_rsa\nCOPY .env .npmrc ./\nADD certs/server.key /etc/ssl/\nCOPY ca.pem fullchain.pem /etc/ssl/\nCOPY .aws/credentials /root/.aws/\n';
    assert.deepStrictEqual(findings(t, id).map((f) => rangeText(t, f)), ['id_rsa', '.env', '.npmrc', 'certs/server.key', '.aws/credentials']);
  });
  it('flags credential commands without a secret mount', () => {
    const t = 'FROM a:1\nRUN aws configure set aws_secret_access_key "$KEY"\nRUN --mount=type=secret,id=aws aws configure set aws_access_key_id x\nRUN gcloud auth activate-service-account --key-file=k.json\n';
    assert.deepStrictEqual(lines(t, id), [1, 3]);
  });
});

describe('docker-pipefail', () => {
  const id = 'docker-pipefail';
  it('flags a pipe without pipefail, at the pipe', () => {
    const t = 'FROM alpine:3\nRUN wget -O - https://x | tar xz\n';
    const [f] = findings(t, id);
    assert.strictEqual(rangeText(t, f), '|');
  });
  it('accepts a prior SHELL with -o pipefail, a set -o pipefail RUN and non-POSIX shells', () => {
    assert.deepStrictEqual(lines('FROM a:1\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n', id), []);
    assert.deepStrictEqual(lines('FROM a:1\nRUN set -euo pipefail && a | b\n', id), []);
    assert.deepStrictEqual(lines('FROM a:1\nSHELL ["pwsh", "-Command"]\nRUN a | b\n', id), []);
  });
  it('does not flag pipes in the default cmd shell of Windows images', () => {
    assert.deepStrictEqual(lines('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir | findstr x\n', id), []);
  });
  it('does not count ||, quoted pipes or exec form that runs no shell script', () => {
    // An exec-form sh -c script is shell text: see dockerfile-exec-shell.test.ts.
    assert.deepStrictEqual(lines('FROM a:1\nRUN a || b\nRUN echo "a|b"\nRUN ["grep", "a", "|", "b"]\nRUN ["sh", "a | b"]\n', id), []);
  });
  it('resets with each stage but inherits SHELL from a parent stage', () => {
    const t = 'FROM a:1 AS base\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nFROM base\nRUN a | b\nFROM a:1\nRUN a | b\n';
    assert.deepStrictEqual(lines(t, id), [5]);
  });
});

describe('docker-debug-tools', () => {
  const id = 'docker-debug-tools';
  it('flags debugging tools installed in the final stage, at the package', () => {
    const t = 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl vim=2:9.0 netcat-openbsd\n';
    assert.deepStrictEqual(findings(t, id).map((f) => rangeText(t, f)), ['vim=2:9.0', 'netcat-openbsd']);
  });
  it('does not flag them in a builder stage', () => {
    assert.deepStrictEqual(lines('FROM alpine:3 AS build\nRUN apk add --no-cache gdb strace\nFROM alpine:3\n', id), []);
  });
  it('flags them in a stage the final stage is built on', () => {
    assert.deepStrictEqual(lines('FROM alpine:3 AS base\nRUN apk add --no-cache tcpdump\nFROM base\n', id), [1]);
  });
});

describe('docker-untrusted-registry', () => {
  const id = 'docker-untrusted-registry';
  const t = 'FROM alpine:3 AS a\nFROM ghcr.io/org/app:1\nFROM registry.corp.example/base:1\nFROM a\nFROM scratch\nCOPY --from=quay.io/x/y:1 /a /a\n';
  it('is silent without trustedRegistries', () => {
    assert.deepStrictEqual(lines(t, id), []);
  });
  it('flags registries outside the allow-list; docker.io when none is written', () => {
    assert.deepStrictEqual(lines(t, id, { trustedRegistries: ['*.corp.example'] }), [0, 1, 5]);
    assert.deepStrictEqual(lines(t, id, { trustedRegistries: ['docker.io', 'ghcr.io', 'registry.corp.example', 'quay.io'] }), []);
  });
});

describe('docker-unverified-download', () => {
  const id = 'docker-unverified-download';
  it('flags curl | sh, curl -k, wget --no-check-certificate and disabled signature checks', () => {
    const t = 'FROM a:1\nRUN curl -fsSL https://x/install.sh | sh\nRUN curl -k https://x\nRUN wget --no-check-certificate https://x\nRUN apk add --allow-untrusted x.apk\nRUN dnf install --nogpgcheck -y x\nRUN pip install --trusted-host pypi.org x\n';
    assert.deepStrictEqual(lines(t, id), [1, 2, 3, 4, 5, 6]);
  });
  it('passes a verified download', () => {
    assert.deepStrictEqual(lines('FROM a:1\nRUN curl -fsSLo x.tgz https://x && echo "abc  x.tgz" | sha256sum -c -\n', id), []);
  });
});

describe('docker-setuid', () => {
  it('flags chmod u+s / 4755 in the final stage', () => {
    const t = 'FROM a:1 AS b\nRUN chmod u+s /x\nFROM a:1\nRUN chmod 4755 /usr/bin/x && chmod 755 /y && chmod g+s /z\n';
    assert.deepStrictEqual(findings(t, 'docker-setuid').map((f) => rangeText(t, f)), ['4755', 'g+s']);
  });
});

describe('Dockerfile analyser robustness', () => {
  it('reports every rule with metadata and no errors on an empty file', () => {
    const r = check('');
    assert.deepStrictEqual(r.errors, []);
  });
  it('analyses a file with a BOM and CRLF line endings', () => {
    const t = '\uFEFFFROM alpine:latest\r\nRUN sudo apk add x\r\n';
    const r = check(t);
    assert.deepStrictEqual(r.errors, []);
    const sudo = r.findings.find((f) => f.ruleId === 'docker-sudo')!;
    assert.deepStrictEqual(sudo.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 8 } });
  });
});
