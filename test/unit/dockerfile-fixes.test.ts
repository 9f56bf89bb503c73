import * as assert from 'assert';
import { assertFixWorks, applyFix, check, findings, expandSnippet, lines } from './dockerfile-support';
import { convertToMultiStage } from '../../src/core/dockerfile/fixes/multiStage';
import { buildModel } from '../../src/core/dockerfile/model';
import { applyEdits } from '../../src/core/text';
import { Fix } from '../../src/core/model';

describe('fix: run as an unprivileged user (docker-root-user)', () => {
  const id = 'docker-root-user';
  it('creates a BusyBox user on Alpine before CMD, above its comment', () => {
    const fixed = assertFixWorks('FROM alpine:3.20\nRUN apk add --no-cache tini\n# start\nCMD ["tini"]\n', id, 'Run as');
    assert.strictEqual(
      fixed,
      'FROM alpine:3.20\nRUN apk add --no-cache tini\nRUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app\nUSER 10001:10001\n# start\nCMD ["tini"]\n',
    );
  });
  it('uses groupadd/useradd on Debian and appends at the end without CMD', () => {
    const fixed = assertFixWorks('FROM debian:12-slim\nCOPY app /app', id, 'Run as');
    assert.strictEqual(fixed, 'FROM debian:12-slim\nCOPY app /app\nRUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app\nUSER 10001:10001');
  });
  it('uses useradd on RHEL/UBI and only a numeric USER on ubi-minimal', () => {
    assert.match(assertFixWorks('FROM registry.access.redhat.com/ubi9/ubi:9.4\nCMD ["x"]\n', id, 'Run as'), /useradd -r -u 10001 -g app -M -s \/sbin\/nologin app\nUSER 10001:10001\nCMD/);
    assert.strictEqual(assertFixWorks('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nCMD ["x"]\n', id, 'Run as'), 'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nUSER 10001:10001\nCMD ["x"]\n');
  });
  it('uses 65532 on scratch and distroless', () => {
    assert.strictEqual(assertFixWorks('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n', id, 'Run as'), 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n');
    assert.match(assertFixWorks('FROM gcr.io/distroless/static-debian12:latest\nCMD ["x"]\n', id, 'Run as'), /USER 65532:65532\nCMD/);
  });
  it('uses ContainerUser on Windows images', () => {
    assert.match(assertFixWorks('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ["x.exe"]\n', id, 'Run as'), /\nUSER ContainerUser\nCMD/);
  });
  it('uses the node user of the official node image', () => {
    assert.match(assertFixWorks('FROM node:20-alpine\nCMD ["node", "a.js"]\n', id, 'Run as'), /\nUSER node\nCMD/);
  });
  it('reuses a user created earlier in the stage', () => {
    const fixed = assertFixWorks('FROM debian:12\nRUN useradd -r -u 1500 svc\nCMD ["x"]\n', id, 'Run as');
    assert.strictEqual(fixed, 'FROM debian:12\nRUN useradd -r -u 1500 svc\nUSER 1500\nCMD ["x"]\n');
  });
  it('replaces a trailing USER root', () => {
    const fixed = assertFixWorks('FROM alpine:3\nRUN adduser -D web\nUSER root\nCMD ["x"]\n', id, 'Run as');
    assert.strictEqual(fixed, 'FROM alpine:3\nRUN adduser -D web\nUSER web\nCMD ["x"]\n');
  });
  it('keeps USER root for later RUN steps and switches user before CMD', () => {
    const fixed = assertFixWorks('FROM alpine:3\nUSER root\nRUN apk add --no-cache x\nCMD ["x"]\n', id, 'Run as');
    assert.match(fixed, /USER root\nRUN apk add --no-cache x\nRUN addgroup .*\nUSER 10001:10001\nCMD/);
  });
  it('keeps CRLF line endings', () => {
    const fixed = assertFixWorks('FROM alpine:3\r\nRUN apk add --no-cache x\r\nCMD ["x"]\r\n', id, 'Run as');
    assert.strictEqual(fixed, 'FROM alpine:3\r\nRUN apk add --no-cache x\r\nRUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app\r\nUSER 10001:10001\r\nCMD ["x"]\r\n');
  });
  it('works under a backtick escape directive', () => {
    const t = '# escape=`\nFROM alpine:3\nRUN apk add --no-cache a `\n    b\nCMD ["x"]\n';
    const fixed = assertFixWorks(t, id, 'Run as');
    assert.match(fixed, /    b\nRUN addgroup/);
  });
  it('inserts into the final stage only', () => {
    const fixed = assertFixWorks('FROM alpine:3 AS build\nCMD ["b"]\nFROM alpine:3\nCOPY --from=build /x /x\n', id, 'Run as');
    assert.match(fixed, /^FROM alpine:3 AS build\nCMD \["b"\]\nFROM alpine:3\nCOPY --from=build \/x \/x\nRUN addgroup/);
  });
});

describe('fix: ADD → COPY', () => {
  it('replaces the keyword and keeps its case', () => {
    assert.strictEqual(assertFixWorks('FROM a:1\nADD --chown=1:1 src /app\n', 'docker-add-instead-of-copy'), 'FROM a:1\nCOPY --chown=1:1 src /app\n');
    assert.strictEqual(assertFixWorks('from a:1\nadd src /app\n', 'docker-add-instead-of-copy'), 'from a:1\ncopy src /app\n');
  });
  it('leaves ADD with ADD-only flags alone (COPY does not take them)', () => {
    assert.deepStrictEqual(findings('FROM a:1\nADD --checksum=sha256:abc src /app\nADD --unpack=false a.tgz /x\nADD --keep-git-dir src /y\n', 'docker-add-instead-of-copy'), []);
  });
  it('is marked safe', () => {
    const [f] = findings('FROM a:1\nADD a /a\n', 'docker-add-instead-of-copy');
    assert.strictEqual(f.fixes![0].safe, true);
  });
});

describe('fix: remove sudo', () => {
  it('removes the sudo word, also on a continuation line and in a heredoc', () => {
    assert.strictEqual(assertFixWorks('FROM a:1\nRUN make && \\\n  sudo make install\n', 'docker-sudo'), 'FROM a:1\nRUN make && \\\n  make install\n');
    assert.strictEqual(assertFixWorks('FROM a:1\nRUN <<EOF\nsudo ls\nEOF\n', 'docker-sudo'), 'FROM a:1\nRUN <<EOF\nls\nEOF\n');
  });
  it('is not offered for sudo -u or when the step runs as a non-root user', () => {
    assert.deepStrictEqual(findings('FROM a:1\nRUN sudo -u app x\n', 'docker-sudo')[0].fixes ?? [], []);
    assert.deepStrictEqual(findings('FROM a:1\nUSER app\nRUN sudo x\n', 'docker-sudo')[0].fixes ?? [], []);
  });
});

describe('fix: apt-get and apk flags', () => {
  it('adds -y after install', () => {
    assert.strictEqual(assertFixWorks('FROM a:1\nRUN apt-get update && apt-get install --no-install-recommends curl\n', 'docker-apt-get-yes'), 'FROM a:1\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n');
  });
  it('adds --no-install-recommends after install', () => {
    assert.strictEqual(assertFixWorks('FROM a:1\nRUN apt-get install -y curl\n', 'docker-apt-no-install-recommends'), 'FROM a:1\nRUN apt-get install --no-install-recommends -y curl\n');
  });
  it('adds --no-cache after apk add', () => {
    assert.strictEqual(assertFixWorks('FROM a:1\nRUN apk add curl\n', 'docker-apk-no-cache'), 'FROM a:1\nRUN apk add --no-cache curl\n');
  });
  it('applies every safe fix of a file together (fix all)', () => {
    const t = 'FROM a:1\r\nADD x /x\r\nRUN apt-get update && sudo apt-get install curl\r\nRUN apk add jq\r\n';
    const safe = check(t).findings.flatMap((f) => (f.fixes ?? []).filter((x: Fix) => x.safe));
    const fixed = applyEdits(t, safe.flatMap((f) => f.edits));
    assert.strictEqual(fixed, 'FROM a:1\r\nCOPY x /x\r\nRUN apt-get update && apt-get install -y --no-install-recommends curl\r\nRUN apk add --no-cache jq\r\n');
    const left = check(fixed).findings.filter((f) => f.fixes?.some((x) => x.safe));
    assert.deepStrictEqual(left, []);
  });
});

describe('fix: pipefail', () => {
  it('inserts SHELL with /bin/sh on Alpine', () => {
    assert.strictEqual(assertFixWorks('FROM alpine:3\nRUN wget -O- x | tar x\n', 'docker-pipefail'), 'FROM alpine:3\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN wget -O- x | tar x\n');
  });
  it('inserts SHELL with /bin/bash on Debian-like images', () => {
    assert.match(assertFixWorks('FROM python:3.12\nRUN a | b\n', 'docker-pipefail'), /SHELL \["\/bin\/bash", "-o", "pipefail", "-c"\]\nRUN a \| b/);
  });
  it('goes above the comments of the RUN so a suppression comment stays attached', () => {
    const t = 'FROM alpine:3\n# shipshape-ignore docker-sudo\nRUN sudo a | b\n';
    assert.strictEqual(assertFixWorks(t, 'docker-pipefail'), 'FROM alpine:3\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\n# shipshape-ignore docker-sudo\nRUN sudo a | b\n');
  });
  it('is not offered when the shell is unknown', () => {
    assert.deepStrictEqual(findings('FROM example.com/x:1\nRUN a | b\n', 'docker-pipefail')[0].fixes ?? [], []);
  });
});

describe('fix: pin the base image tag (snippet)', () => {
  it('replaces :latest with a tag placeholder', () => {
    const [f] = findings('FROM alpine:latest\n', 'docker-latest-tag');
    assert.deepStrictEqual(f.fixes![0].edits[0].newText, '${1:tag}');
    assert.strictEqual(f.fixes![0].snippet, true);
    assert.strictEqual(f.fixes![0].safe, false);
    assert.strictEqual(assertFixWorks('FROM alpine:latest\n', 'docker-latest-tag'), 'FROM alpine:tag\n');
  });
  it('appends a tag placeholder to an untagged image, before AS', () => {
    assert.strictEqual(assertFixWorks('FROM localhost:5000/app AS x\n', 'docker-latest-tag'), 'FROM localhost:5000/app:tag AS x\n');
  });
  it('is not offered when the reference comes from an ARG', () => {
    assert.deepStrictEqual(findings('ARG T=latest\nFROM a:$T\n', 'docker-latest-tag')[0].fixes ?? [], []);
  });
});

describe('fix: HEALTHCHECK snippet and setuid strip', () => {
  it('inserts a HEALTHCHECK snippet for the exposed port before CMD, to be edited', () => {
    const t = 'FROM a:1\nUSER 1\nEXPOSE 3000/tcp\nCMD ["x"]\n';
    const fix = findings(t, 'docker-no-healthcheck')[0].fixes![0];
    assert.strictEqual(fix.snippet, true);
    assert.strictEqual(fix.safe, false);
    assert.strictEqual(fix.edits[0].newText, 'HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ${1:curl -fsS http://localhost:3000/ || exit 1}\n');
    const fixed = assertFixWorks(t, 'docker-no-healthcheck');
    assert.strictEqual(fixed, 'FROM a:1\nUSER 1\nEXPOSE 3000/tcp\nHEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://localhost:3000/ || exit 1\nCMD ["x"]\n');
  });
  it('uses BusyBox wget on Alpine, and wget where only wget is installed', () => {
    assert.match(assertFixWorks('FROM alpine:3\nUSER 1\nEXPOSE 80\nCMD ["srv"]\n', 'docker-no-healthcheck'), /HEALTHCHECK .* CMD wget -q --spider http:\/\/localhost:80\/ \|\| exit 1$/m);
    assert.match(assertFixWorks('FROM debian:12\nRUN apt-get install -y --no-install-recommends wget\nEXPOSE 80\nCMD ["srv"]\n', 'docker-no-healthcheck'), /CMD wget -q --spider http:\/\/localhost:80\//);
  });
  it('uses a grpc_health_probe the image carries, and reports nothing on scratch or distroless without one', () => {
    const t = 'FROM gcr.io/distroless/static:nonroot\nCOPY --from=probe /bin/grpc_health_probe /bin/\nEXPOSE 50051\nENTRYPOINT ["/srv"]\n';
    const fixed = assertFixWorks(t, 'docker-no-healthcheck');
    assert.match(fixed, /^HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD \["\/bin\/grpc_health_probe", "-addr=:50051"\]$/m);
    // No shell, no curl, no probe: no command could run there, so no finding and no placeholder binary.
    assert.deepStrictEqual(lines('FROM gcr.io/distroless/static:nonroot\nEXPOSE 8080\nENTRYPOINT ["/srv"]\n', 'docker-no-healthcheck'), []);
    assert.deepStrictEqual(lines('FROM scratch\nCOPY srv /srv\nEXPOSE 8080\nENTRYPOINT ["/srv"]\n', 'docker-no-healthcheck'), []);
  });
  it('strips setuid bits right after the last build step, as root', () => {
    const fixed = assertFixWorks('FROM a:1\nRUN chmod u+s /bin/x\nUSER 1\nCMD ["x"]\n', 'docker-setuid');
    assert.strictEqual(fixed, 'FROM a:1\nRUN chmod u+s /bin/x\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true\nUSER 1\nCMD ["x"]\n');
  });
  it('switches to root and back when the last build step runs as another user', () => {
    const fixed = assertFixWorks('FROM a:1\nUSER app\nRUN chmod 4755 /x\nCMD ["x"]\n', 'docker-setuid');
    assert.strictEqual(fixed, 'FROM a:1\nUSER app\nRUN chmod 4755 /x\nUSER root\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} \\; || true\nUSER app\nCMD ["x"]\n');
  });
});

describe('fix: convert to a multi-stage build', () => {
  const refactor = (t: string): Fix => {
    const f = findings(t, 'docker-root-user')[0];
    const fix = f.fixes!.find((x) => x.kind === 'refactor');
    assert.ok(fix, 'a refactor is offered');
    return fix;
  };
  it('splits a static Go build into a scratch runtime with CA certificates', () => {
    const t = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\n# build\nRUN CGO_ENABLED=0 go build -o /out/server ./cmd/server\nENV PORT=8080\n# serve on 8080\nEXPOSE 8080\nCMD ["/out/server"]\n';
    const fixed = assertFixWorks(t, 'docker-root-user', 'Convert');
    assert.strictEqual(
      fixed,
      'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n# build\nRUN CGO_ENABLED=0 go build -o /out/server ./cmd/server\nENV PORT=8080\n\nFROM scratch\nWORKDIR /src\nENV PORT=8080\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\nCOPY --from=build /out/server /out/server\nUSER 65532:65532\n# serve on 8080\nEXPOSE 8080\nCMD ["/out/server"]\n',
    );
    assert.strictEqual(refactor(t).kind, 'refactor');
    assert.strictEqual(buildModel(fixed).stages.length, 2);
  });
  it('uses distroless for a cgo Go build and resolves -o against WORKDIR', () => {
    const fixed = assertFixWorks('FROM golang:1.22-bookworm\nWORKDIR /src\nRUN go build -o bin/app .\nENTRYPOINT ["/src/bin/app"]\n', 'docker-root-user', 'Convert');
    assert.match(fixed, /FROM gcr.io\/distroless\/base-debian12:nonroot\nWORKDIR \/src\nCOPY --from=build \/src\/bin\/app \/src\/bin\/app\nUSER 65532:65532\nENTRYPOINT/);
  });
  it('copies the node app into a slim image that runs as node', () => {
    const fixed = assertFixWorks('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n', 'docker-root-user', 'Convert');
    assert.match(fixed, /FROM node:20-slim\nWORKDIR \/app\nCOPY --from=build \/app \/app\nUSER node\nCMD \["node", "dist\/index.js"\]\n$/);
    // Production dependencies only, the npm way, at the end of the build stage.
    assert.match(fixed, /RUN npm ci && npm run build\nRUN npm prune --omit=dev\n\nFROM node:20-slim\n/);
  });
  it('keeps dev dependencies when an npm script starts the app', () => {
    const fixed = assertFixWorks('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["npm", "start"]\n', 'docker-root-user', 'Convert');
    assert.ok(!fixed.includes('prune'), fixed);
  });
  it('is not offered for Node or Python apps already on a slim or Alpine image (no smaller runtime)', () => {
    assert.strictEqual(convertToMultiStage('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "x.js"]\n'), undefined);
    assert.strictEqual(convertToMultiStage('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "a.py"]\n'), undefined);
    // The add-USER fix is still there.
    assert.ok(findings('FROM node:20-alpine\nCOPY . .\nCMD ["node", "x.js"]\n', 'docker-root-user')[0].fixes!.some((f) => f.title.startsWith('Run as')));
  });
  it('copies the Maven target into a JRE image', () => {
    const fixed = assertFixWorks('FROM maven:3.9-eclipse-temurin-21\nWORKDIR /build\nCOPY . .\nRUN mvn -B package\nCMD ["java", "-jar", "target/app.jar"]\n', 'docker-root-user', 'Convert');
    assert.match(fixed, /FROM eclipse-temurin:21-jre\nWORKDIR \/build\nCOPY --from=build \/build\/target \/build\/target\n/);
  });
  it('copies the dotnet publish output into the aspnet runtime', () => {
    const fixed = assertFixWorks('FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT ["dotnet", "/app/web.dll"]\n', 'docker-root-user', 'Convert');
    assert.match(fixed, /FROM mcr.microsoft.com\/dotnet\/aspnet:8.0\nWORKDIR \/src\nCOPY --from=build \/app \/app\nUSER \$APP_UID\nENTRYPOINT/);
  });
  it('copies the cargo release binary named by CMD', () => {
    const fixed = assertFixWorks('FROM rust:1.80\nWORKDIR /usr/src/app\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/web"]\n', 'docker-root-user', 'Convert');
    assert.match(fixed, /COPY --from=build \/usr\/src\/app\/target\/release\/web \/usr\/src\/app\/target\/release\/web\n/);
  });
  it('builds a Python app into a virtualenv the slim runtime copies', () => {
    const t = 'FROM python:3.12\nWORKDIR /srv\nCOPY requirements.txt .\n# dependencies\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n';
    const fixed = assertFixWorks(t, 'docker-root-user', 'Convert');
    assert.strictEqual(
      fixed,
      'FROM python:3.12 AS build\nWORKDIR /srv\nCOPY requirements.txt .\nRUN python -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\n# dependencies\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n\n' +
        'FROM python:3.12-slim\nWORKDIR /srv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /opt/venv /opt/venv\nCOPY --from=build /srv /srv\n' +
        'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app\nUSER 10001:10001\nCMD ["python", "app.py"]\n',
    );
  });
  it('is not offered for a Node or Python app that installs system packages (the slim runtime would lack them)', () => {
    assert.strictEqual(convertToMultiStage('FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\nWORKDIR /srv\nRUN pip install -r r.txt\nCMD ["python", "a.py"]\n'), undefined);
    assert.strictEqual(convertToMultiStage('FROM node:20\nRUN apt-get install -y --no-install-recommends imagemagick\nWORKDIR /app\nRUN npm ci\nCMD ["node", "x.js"]\n'), undefined);
  });
  it('offers a snippet with placeholders when the artefact is unknown (Python installing with --user)', () => {
    const t = 'FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install --user --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n';
    const fix = refactor(t);
    assert.strictEqual(fix.snippet, true);
    assert.strictEqual(fix.edits.length, 1);
    assert.match(fix.edits[0].newText, /FROM \$\{1:python:3\.12-slim\}/);
    assert.match(fix.edits[0].newText, /COPY --from=build \$\{2:\/srv\} \$\{3:\/srv\}/);
    assertFixWorks(t, 'docker-root-user', 'Convert');
  });
  it('drops secret ENV from the runtime stage and keeps CRLF', () => {
    const t = 'FROM golang:1.22\r\nENV API_TOKEN=x MODE=prod\r\nENV MODE2=prod\r\nRUN go build -o /app .\r\nCMD ["/app"]\r\n';
    const fixed = applyFix(t, refactor(t));
    assert.ok(!/[^\r]\n/.test(fixed));
    assert.strictEqual((fixed.match(/API_TOKEN/g) ?? []).length, 1);
    assert.strictEqual((fixed.match(/ENV MODE2=prod/g) ?? []).length, 2);
  });
  it('is not offered for multi-stage files or non-toolchain bases', () => {
    assert.strictEqual(convertToMultiStage('FROM golang:1.22 AS b\nRUN go build -o /x\nFROM scratch\n'), undefined);
    assert.strictEqual(convertToMultiStage('FROM alpine:3\nRUN true\n'), undefined);
  });
  it('is exported for editors without a finding', () => {
    const fix = convertToMultiStage('FROM golang:1.22\nRUN go build -o /x .\nUSER 10001\nCMD ["/x"]\n');
    assert.ok(fix);
    assert.match(applyEdits('FROM golang:1.22\nRUN go build -o /x .\nUSER 10001\nCMD ["/x"]\n', fix.edits), /FROM gcr.io\/distroless\/base-debian12:nonroot/);
  });
});

describe('snippet expansion helper', () => {
  it('replaces placeholders with defaults and unescapes', () => {
    assert.strictEqual(expandSnippet('a ${1:b} \\$x \\} ${2:c d}'), 'a b $x } c d');
  });
});

describe('fix: remove port 22 and debugging packages', () => {
  it('removes 22 from a list of ports, or the whole EXPOSE line', () => {
    assert.strictEqual(assertFixWorks('FROM a:1\nEXPOSE 80 22 443\n', 'docker-expose-ssh'), 'FROM a:1\nEXPOSE 80 443\n');
    assert.strictEqual(assertFixWorks('FROM a:1\r\nEXPOSE 22/tcp\r\nCMD ["x"]\r\n', 'docker-expose-ssh'), 'FROM a:1\r\nCMD ["x"]\r\n');
  });
  it('removes a debugging package from the install list, keeping the others', () => {
    const t = 'FROM alpine:3\nRUN apk add --no-cache curl \\\n    strace jq\n';
    assert.strictEqual(assertFixWorks(t, 'docker-debug-tools'), 'FROM alpine:3\nRUN apk add --no-cache curl \\\n    jq\n');
    assert.strictEqual(assertFixWorks('FROM debian:12\nRUN apt-get install -y --no-install-recommends curl vim\n', 'docker-debug-tools'), 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n');
  });
  it('is not offered when the tool is the only package', () => {
    assert.deepStrictEqual(findings('FROM alpine:3\nRUN apk add --no-cache gdb\n', 'docker-debug-tools')[0].fixes ?? [], []);
  });
});

describe('fix: merge an update-only RUN with the next install', () => {
  it('joins the two RUNs with && and a continuation', () => {
    assert.strictEqual(
      assertFixWorks('FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n', 'docker-update-alone'),
      'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl\n',
    );
  });
  it('keeps CRLF and the backtick escape', () => {
    assert.strictEqual(
      assertFixWorks('# escape=`\r\nFROM alpine:3\r\nRUN apk update\r\nRUN apk add --no-cache jq\r\n', 'docker-update-alone'),
      '# escape=`\r\nFROM alpine:3\r\nRUN apk update && `\r\n    apk add --no-cache jq\r\n',
    );
  });
  it('is not offered when the next instruction is not an install RUN or a comment is in between', () => {
    assert.deepStrictEqual(findings('FROM a:1\nRUN apt-get update\nCOPY x /x\nRUN apt-get install -y x\n', 'docker-update-alone')[0].fixes ?? [], []);
    assert.deepStrictEqual(findings('FROM a:1\nRUN apt-get update\n# why\nRUN apt-get install -y x\n', 'docker-update-alone')[0].fixes ?? [], []);
    assert.deepStrictEqual(findings('FROM a:1\nRUN apk update\nRUN apt-get install -y x\n', 'docker-update-alone')[0].fixes ?? [], []);
  });
});
