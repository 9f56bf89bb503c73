/**
 * "Convert to a multi-stage build": a single-stage Dockerfile built FROM a toolchain image
 * (Go, Node, Python, JDK, Rust, .NET SDK) becomes a `build` stage plus a small runtime stage that
 * copies only the artefact, runs as an unprivileged user and keeps the original runtime settings
 * (ENV, EXPOSE, HEALTHCHECK, ENTRYPOINT, CMD and the comments above them).
 */
import { Instruction } from 'dockerfile-ast';
import { ShipshapeConfig, DEFAULT_CONFIG } from '../../config';
import { ImageRef } from '../../imageRef';
import { Fix, TextEdit } from '../../model';
import { DockerfileModel, Stage, buildModel, instructionArgs } from '../model';
import { invocations, isInstallAction, packageInvocations } from '../commands';
import { insertLinesBefore } from '../edits';
import { basename } from '../shell';
import { processWord } from '../variables';
import { isSecretName } from '../rules/secretInBuild';
import { APP_UID, NONROOT_UID } from './addUser';
import { fixTitle } from '../../l10n/text';

export type Toolchain = 'go' | 'node' | 'python' | 'java' | 'rust' | 'dotnet';

/** Instructions that describe the running container: they move to the runtime stage. */
const RUNTIME_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'VOLUME', 'LABEL']);
/** ENV names that only matter while compiling. */
const BUILD_ONLY_ENV = /^(CGO_ENABLED|GOOS|GOARCH|GOFLAGS|GOPATH|GOPROXY|GOCACHE|CARGO_\w+|RUSTFLAGS|MAVEN_\w+|GRADLE_\w+|NPM_CONFIG_\w+|PIP_\w+|DOTNET_CLI_\w+|NUGET_\w+)$/i;

/** The toolchain a base image provides, if it is one the refactor knows. */
export function toolchainOf(ref: ImageRef | undefined): Toolchain | undefined {
  if (!ref) return undefined;
  const repo = ref.repository.toLowerCase();
  const tag = (ref.tag ?? '').toLowerCase();
  const last = repo.split('/').pop() ?? '';
  if (last === 'golang' || last === 'go') return 'go';
  if (last === 'node') return 'node';
  if (last === 'python') return 'python';
  if (last === 'rust') return 'rust';
  if (repo.endsWith('dotnet/sdk') || repo.endsWith('dotnet/core/sdk')) return 'dotnet';
  if (last === 'maven' || last === 'gradle' || last === 'openjdk' || (last === 'eclipse-temurin' && !tag.includes('jre')) || last === 'amazoncorretto') return 'java';
  return undefined;
}

interface Plan {
  runtimeImage: string;
  /** Absolute paths copied from the build stage to the same place; undefined = unknown. */
  artefacts?: string[];
  extraCopies: string[];
  userLines: string[];
  /** Runtime-image parts that need the user's input in the snippet variant. */
  needsInput: boolean;
  /** Lines appended to the build stage before the runtime stage (e.g. dropping dev dependencies). */
  buildTail?: string[];
  /** Lines inserted in the build stage before an instruction (e.g. creating a virtualenv). */
  buildInsert?: { before: Instruction; lines: string[] };
  /** ENV lines of the runtime stage, after its WORKDIR. */
  runtimeEnv?: string[];
}

/** Offers the refactor for a model, or undefined when it does not apply. */
export function multiStageFix(model: DockerfileModel): Fix | undefined {
  if (model.stages.length !== 1) return undefined;
  const stage = model.stages[0];
  if (stage.baseKind !== 'image') return undefined;
  const toolchain = toolchainOf(stage.ref);
  if (!toolchain) return undefined;
  const plan = planFor(model, stage, toolchain);
  if (!plan) return undefined;
  return plan.artefacts && !plan.needsInput ? editsFix(model, stage, plan) : snippetFix(model, stage, plan);
}

/** The refactor for a Dockerfile text, for editors that offer it without a finding. */
export function convertToMultiStage(text: string, config: ShipshapeConfig = DEFAULT_CONFIG): Fix | undefined {
  try {
    return multiStageFix(buildModel(text, config));
  } catch {
    return undefined;
  }
}

function planFor(model: DockerfileModel, stage: Stage, toolchain: Toolchain): Plan | undefined {
  const ref = stage.ref!;
  const tag = ref.tag && ref.tag !== 'latest' ? ref.tag : undefined;
  const alpine = (tag ?? '').includes('alpine');
  const workdirs = workdirAtEachRun(model, stage);
  const invs = invocations(model, [stage]);
  const abs = (p: string, ins: Instruction): string => joinPath(workdirs.get(ins) ?? '/', p);
  const finalWorkdir = lastWorkdir(model, stage);
  const cmdWords = stage.instructions.filter((i) => /^(CMD|ENTRYPOINT)$/i.test(i.getKeyword())).flatMap((i) => instructionArgs(model, i).words.map((w) => w.value));
  const debianUser = [`RUN groupadd --system --gid ${APP_UID} app && useradd --system --uid ${APP_UID} --gid app --no-create-home --shell /usr/sbin/nologin app`, `USER ${APP_UID}:${APP_UID}`];
  const alpineUser = [`RUN addgroup -S -g ${APP_UID} app && adduser -S -D -H -u ${APP_UID} -G app app`, `USER ${APP_UID}:${APP_UID}`];
  const nonroot = [`USER ${NONROOT_UID}:${NONROOT_UID}`];
  switch (toolchain) {
    case 'go': {
      const build = invs.find((i) => i.program === 'go' && i.words[1]?.text === 'build');
      const out = build && optionValue(build.words.map((w) => w.text), ['-o']);
      const staticBuild =
        stage.table.get('CGO_ENABLED') === '0' || invs.some((i) => i.command.words.some((w) => w.text === 'CGO_ENABLED=0'));
      const artefacts = build && out ? [abs(out, build.run.instruction)] : undefined;
      if (staticBuild) {
        return { runtimeImage: 'scratch', artefacts, extraCopies: ['/etc/ssl/certs/ca-certificates.crt'], userLines: nonroot, needsInput: false };
      }
      return { runtimeImage: 'gcr.io/distroless/base-debian12:nonroot', artefacts, extraCopies: [], userLines: nonroot, needsInput: false };
    }
    case 'node': {
      // Already slim or Alpine: the runtime stage would be the same image with the same files,
      // no smaller and no safer than adding a USER (the other fix).
      if (alpine || tag?.includes('slim')) return undefined;
      // System packages the app may load at run time would be missing from the slim image.
      if (installsSystemPackages(model, stage)) return undefined;
      const runtimeTag = !tag ? 'lts-slim' : `${tag}-slim`;
      const artefacts = finalWorkdir && finalWorkdir !== '/' ? [finalWorkdir] : undefined;
      return { runtimeImage: `${ref.registry ? ref.registry + '/' : ''}${ref.repository}:${runtimeTag}`, artefacts, extraCopies: [], userLines: ['USER node'], needsInput: false, buildTail: npmPrune(invs, cmdWords, tag) };
    }
    case 'python': {
      if (alpine || tag?.includes('slim')) return undefined;
      if (installsSystemPackages(model, stage)) return undefined;
      const runtimeTag = !tag ? 'slim' : `${tag}-slim`;
      const venv = virtualenvPlan(invs, finalWorkdir);
      if (venv) {
        return {
          runtimeImage: `${ref.registry ? ref.registry + '/' : ''}${ref.repository}:${runtimeTag}`,
          artefacts: [finalWorkdir!],
          extraCopies: [VENV],
          userLines: debianUser,
          needsInput: false,
          buildInsert: { before: venv, lines: [`RUN python -m venv ${VENV}`, VENV_PATH] },
          runtimeEnv: [VENV_PATH],
        };
      }
      // Installed packages live outside the source tree: the user has to say what to copy.
      return { runtimeImage: `${ref.registry ? ref.registry + '/' : ''}${ref.repository}:${runtimeTag}`, artefacts: undefined, extraCopies: [], userLines: alpine ? alpineUser : debianUser, needsInput: true };
    }
    case 'java': {
      const mvn = invs.find((i) => /^(mvn|mvnw)$/.test(basename(i.program)) && i.words.some((w) => /^(package|install|verify)$/.test(w.text)));
      const gradle = invs.find((i) => /^(gradle|gradlew)$/.test(basename(i.program)) && i.words.some((w) => /^(build|bootJar|assemble|jar|installDist)$/.test(w.text)));
      const artefacts = mvn ? [abs('target', mvn.run.instruction)] : gradle ? [abs('build/libs', gradle.run.instruction)] : undefined;
      const version = javaVersion(ref);
      return {
        runtimeImage: `eclipse-temurin:${version ?? '21'}-jre${alpine ? '-alpine' : ''}`,
        artefacts,
        extraCopies: [],
        userLines: alpine ? alpineUser : debianUser,
        needsInput: !version,
      };
    }
    case 'rust': {
      const cargo = invs.find((i) => i.program === 'cargo' && i.words[1]?.text === 'build' && i.words.some((w) => w.text === '--release' || w.text === '-r'));
      const bin = cmdWords.find((w) => w.includes('target/release/'));
      const artefacts = cargo && bin ? [abs(bin.slice(bin.indexOf('target/release/')), cargo.run.instruction)] : undefined;
      return {
        runtimeImage: alpine ? 'alpine:3.20' : 'gcr.io/distroless/cc-debian12:nonroot',
        artefacts,
        extraCopies: [],
        userLines: alpine ? alpineUser : nonroot,
        needsInput: false,
      };
    }
    case 'dotnet': {
      const publish = invs.find((i) => i.program === 'dotnet' && i.words[1]?.text === 'publish');
      const out = publish && optionValue(publish.words.map((w) => w.text), ['-o', '--output']);
      const m = /^(\d+\.\d+)(.*)$/.exec(tag ?? '');
      const suffix = m ? (/-(alpine[\d.]*|jammy|noble|bookworm-slim|azurelinux[\d.]*|cbl-mariner[\d.]*)$/.exec(m[2])?.[0] ?? '') : '';
      return {
        runtimeImage: `mcr.microsoft.com/dotnet/aspnet:${m ? m[1] + suffix : '8.0'}`,
        artefacts: publish && out ? [abs(out, publish.run.instruction)] : undefined,
        extraCopies: [],
        // .NET 8+ images ship an `app` user whose UID is in APP_UID.
        userLines: ['USER $APP_UID'],
        needsInput: !m,
      };
    }
  }
}

const VENV = '/opt/venv';
const VENV_PATH = `ENV PATH="${VENV}/bin:$PATH"`;

/** Whether the stage installs OS packages (apt, apk, dnf…): the app may need them at run time. */
function installsSystemPackages(model: DockerfileModel, stage: Stage): boolean {
  return packageInvocations(model, [stage]).some((p) => isInstallAction(p.program, p.action?.text));
}

/**
 * The RUN before which a virtualenv goes, the way Python apps ship in two stages: every
 * `pip install` then installs into it and the runtime copies it. Undefined when pip installs
 * elsewhere (`--user`, `--target`, `--prefix`) or the app directory is unknown.
 */
function virtualenvPlan(invs: ReturnType<typeof invocations>, workdir: string | undefined): Instruction | undefined {
  if (!workdir || workdir === '/') return undefined;
  const pips = invs.filter((i) => /^pip[\d.]*$/.test(i.program) || (/^python[\d.]*$/.test(i.program) && i.words[1]?.text === '-m' && i.words[2]?.text === 'pip'));
  const installs = pips.filter((i) => i.words.some((w) => w.text === 'install'));
  if (!installs.length) return undefined;
  if (pips.some((i) => i.words.some((w) => /^(--user|--target|-t|--prefix|--root)(=|$)/.test(w.text)))) return undefined;
  return pips[0].run.instruction;
}

/**
 * `npm prune` to production dependencies at the end of the build stage, the way npm apps ship:
 * only when npm installed them and the container starts `node <file>` itself (an npm script
 * may need a dev dependency such as nodemon or ts-node).
 */
function npmPrune(invs: ReturnType<typeof invocations>, cmdWords: string[], tag: string | undefined): string[] | undefined {
  const installs = invs.some((i) => i.program === 'npm' && (i.words[1]?.text === 'ci' || i.words[1]?.text === 'install' || i.words[1]?.text === 'i'));
  const startsNode = cmdWords.length >= 2 && basename(cmdWords[0]) === 'node' && /\.(c|m)?js$/.test(cmdWords[1]);
  if (!installs || !startsNode) return undefined;
  const major = Number(/^(\d+)/.exec(tag ?? '')?.[1] ?? NaN);
  // `--omit=dev` since npm 7 (Node 15); `--production` before.
  return [`RUN npm prune ${major < 15 ? '--production' : '--omit=dev'}`];
}

function javaVersion(ref: ImageRef): string | undefined {
  const tag = ref.tag ?? '';
  const m = /(?:temurin|jdk|openjdk|corretto)-?(\d{2})/.exec(tag) ?? /^(\d{2})(?:[.-]|$)/.exec(tag);
  return m?.[1];
}

function optionValue(words: string[], names: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const n of names) {
      if (words[i] === n && words[i + 1] && !words[i + 1].startsWith('-')) return words[i + 1];
      if (words[i].startsWith(n + '=')) return words[i].slice(n.length + 1);
    }
  }
  return undefined;
}

function joinPath(dir: string, p: string): string {
  if (p.startsWith('/')) return normalize(p);
  return normalize(`${dir.replace(/\/+$/, '')}/${p}`);
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

function workdirAtEachRun(model: DockerfileModel, stage: Stage): Map<Instruction, string> {
  const out = new Map<Instruction, string>();
  let wd = '/';
  for (const ins of stage.instructions) {
    const kw = ins.getKeyword().toUpperCase();
    if (kw === 'WORKDIR') wd = joinPath(wd, workdirValue(model, stage, ins).value);
    if (kw === 'RUN') out.set(ins, wd);
  }
  return out;
}

/** A WORKDIR's path as BuildKit reads it: one word, quotes removed, variables expanded. */
function workdirValue(model: DockerfileModel, stage: Stage, ins: Instruction): { value: string; unresolved: boolean } {
  const words = instructionArgs(model, ins).words;
  return processWord(words.map((w) => w.raw).join(' '), stage.table, model.escapeChar);
}

function lastWorkdir(model: DockerfileModel, stage: Stage): string | undefined {
  let wd: string | undefined;
  for (const ins of stage.instructions) {
    if (ins.getKeyword().toUpperCase() !== 'WORKDIR') continue;
    const exp = workdirValue(model, stage, ins);
    if (exp.unresolved) return undefined;
    wd = joinPath(wd ?? '/', exp.value);
  }
  return wd;
}

/** First line of an instruction's block: the comment lines directly above belong to it. */
function blockStartLine(model: DockerfileModel, ins: Instruction): number {
  let l = ins.getRange().start.line;
  while (l > 0 && model.commentLines.has(l - 1)) l--;
  return l;
}

interface Layout {
  edits: TextEdit[];
  movedText: string[];
  envText: string[];
  buildName: string;
}

/** Edits on the existing stage (alias, moved runtime instructions) and the text they free. */
function layout(model: DockerfileModel, stage: Stage): Layout {
  const edits: TextEdit[] = [];
  let buildName = stage.alias ?? 'build';
  if (!stage.alias) {
    const args = stage.from.getArguments();
    const end = args[args.length - 1].getRange().end;
    edits.push({ range: { start: end, end }, newText: ' AS build' });
  }
  const movedText: string[] = [];
  const envText: string[] = [];
  for (const ins of stage.instructions) {
    const kw = ins.getKeyword().toUpperCase();
    const startLine = blockStartLine(model, ins);
    const endLine = ins.getRange().end.line;
    const startOffset = model.lines.offsetAt({ line: startLine, character: 0 });
    const endOffset = model.lines.offsetAt({ line: endLine + 1, character: 0 });
    const block = model.text.slice(startOffset, endOffset).replace(/\r?\n$/, '');
    if (RUNTIME_KEYWORDS.has(kw)) {
      movedText.push(block);
      edits.push({ range: model.lines.rangeOf(startOffset, endOffset), newText: '' });
    } else if (kw === 'ENV') {
      const names = stage.variables.filter((v) => v.instruction === ins).map((v) => v.name);
      if (names.length && !names.some((n) => isSecretName(n) || BUILD_ONLY_ENV.test(n))) envText.push(model.text.slice(model.lines.offsetAt({ line: ins.getRange().start.line, character: 0 }), endOffset).replace(/\r?\n$/, ''));
    }
  }
  buildName = buildName.replace(/\s/g, '');
  return { edits, movedText, envText, buildName };
}

function runtimeLines(plan: Plan, l: Layout, workdir: string | undefined, artefactToken?: string): string[] {
  const lines = [`FROM ${plan.runtimeImage}`];
  if (workdir && workdir !== '/') lines.push(`WORKDIR ${workdir}`);
  if (plan.runtimeEnv) lines.push(...plan.runtimeEnv);
  lines.push(...l.envText);
  for (const c of plan.extraCopies) lines.push(`COPY --from=${l.buildName} ${c} ${c}`);
  if (plan.artefacts) for (const a of plan.artefacts) lines.push(`COPY --from=${l.buildName} ${a} ${a}`);
  else if (artefactToken) lines.push(`COPY --from=${l.buildName} ${artefactToken}`);
  lines.push(...plan.userLines, ...l.movedText);
  return lines;
}

function endEdit(model: DockerfileModel, lines: string[]): TextEdit {
  const end = model.lines.positionAt(model.text.length);
  const eol = model.eol;
  const lead = model.text.length === 0 || model.text.endsWith('\n') ? eol : eol + eol;
  return { range: { start: end, end }, newText: lead + lines.join(eol) + eol };
}

function editsFix(model: DockerfileModel, stage: Stage, plan: Plan): Fix {
  const l = layout(model, stage);
  const end = endEdit(model, runtimeLines(plan, l, lastWorkdir(model, stage)));
  if (plan.buildInsert) l.edits.push(insertLinesBefore(model, plan.buildInsert.before, plan.buildInsert.lines));
  // The build stage's last steps go right after its last line, before the blank line and the runtime FROM.
  if (plan.buildTail) end.newText = (model.text.endsWith('\n') ? '' : model.eol) + plan.buildTail.join(model.eol) + model.eol + end.newText;
  const edits = [...l.edits, end];
  return { kind: 'refactor', safe: false, edits, ...fixTitle('docker.multiStage.convert-to-a-multi', 'Convert to a multi-stage build (runtime {runtimeImage})', { runtimeImage: plan.runtimeImage }) };
}

/** Escapes text for a VS Code snippet. */
function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, (c) => '\\' + c);
}

function snippetFix(model: DockerfileModel, stage: Stage, plan: Plan): Fix {
  const l = layout(model, stage);
  const marker = '\u0000ARTEFACT\u0000';
  const imageMarker = '\u0000IMAGE\u0000';
  const workdir = lastWorkdir(model, stage);
  const runtime = runtimeLines({ ...plan, runtimeImage: imageMarker }, l, workdir, marker);
  if (!plan.artefacts) runtime.splice(runtime.indexOf(`COPY --from=${l.buildName} ${marker}`), 0, '# Copy what the application needs at run time (e.g. a virtualenv or install prefix made in the build stage).');
  // One edit from the FROM line to the end, so the snippet can carry placeholders.
  const fromOffset = model.lines.offsetAt({ line: stage.fromRange.start.line, character: 0 });
  const head = model.text.slice(fromOffset);
  const relative = l.edits.map((e) => ({
    start: model.lines.offsetAt(e.range.start) - fromOffset,
    end: model.lines.offsetAt(e.range.end) - fromOffset,
    newText: e.newText,
  }));
  let out = '';
  let last = 0;
  for (const e of relative.sort((a, b) => a.start - b.start)) {
    out += head.slice(last, e.start) + e.newText;
    last = e.end;
  }
  out += head.slice(last);
  const eol = model.eol;
  const body = out + (out.endsWith('\n') || !out ? eol : eol + eol) + runtime.join(eol) + eol;
  const snippet = escapeSnippet(body)
    .replace(escapeSnippet(imageMarker), `\${1:${escapeSnippet(plan.runtimeImage)}}`)
    .replace(escapeSnippet(marker), plan.artefacts ? plan.artefacts.join(' ') : `\${2:${escapeSnippet(workdir ?? '/app')}} \${3:${escapeSnippet(workdir ?? '/app')}}`);
  return {
    kind: 'refactor',
    safe: false,
    snippet: true,
    edits: [{ range: model.lines.rangeOf(fromOffset, model.text.length), newText: snippet }],
    ...fixTitle('docker.multiStage.convert-to-a-multi', 'Convert to a multi-stage build (runtime {runtimeImage})', { runtimeImage: plan.runtimeImage }),
  };
}
