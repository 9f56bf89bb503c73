import { Heredoc, Instruction } from 'dockerfile-ast';
import { Range, Rule } from '../../model';
import { CREDENTIAL_FILE_VARIABLES, SecretJudgement, findCredentialFormat, judgeSecret, judgeSecretFile, formatReason, maskSecretText } from '../../secrets';
import { lineEntries } from '../../secrets/lines';
import { DockerfileModel, RunCommand, Stage, VariableDefinition, finalStage, plainArguments, simpleAssignments, stageLineage, toRange } from '../model';
import { ShellCommand, ShellWord, basename, programWords } from '../shell';
import { Arg, Msg, english, frag, msg } from '../../l10n/text';


/** DS-0031 / DL3064 / CIS-4.10: secrets passed into or copied into the image. */
export const secretInBuild: Rule<DockerfileModel> = {
  id: 'docker-secret-in-build',
  title: 'Secret passed into the image build',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DS-0031', 'DL3064', 'CIS-4.10'],
  description:
    'ARG and ENV values are recorded in the image metadata and history (`docker history`), ENV values are visible to every process in the container, and copied key files stay in a layer even if a later step deletes them. Anyone who can pull the image can read them. A literal credential in a RUN line or a heredoc is in the history and in the Dockerfile itself. A name alone is not enough: `GPG_KEY` (a public key id), `*_FILE` or `*_PATH` (a location), a `$VAR` reference, a number or a path are not reported; a value in a known credential format (GitHub, AWS, Slack, Stripe, Google, npm, OpenAI tokens, private keys, JWTs, passwords in URLs) is reported whatever its name. Each finding says why it was judged a secret, and never shows the value.',
  remediation:
    'Pass secrets with BuildKit secret mounts (`RUN --mount=type=secret,id=token,env=TOKEN …` and `docker build --secret id=token,…`), provide runtime secrets from the orchestrator, and keep key files out of the build context (.dockerignore).',
  check(model, report) {
    const final = finalStage(model);
    const lineage = final ? stageLineage(final) : [];
    checkVariables(model, lineage, report);
    checkCopies(model, lineage, report);
    checkRuns(model, report);
    checkHeredocs(model, report);
  },
};

type Reporter = Parameters<Rule<DockerfileModel>['check']>[1];

/** Whether an ARG/ENV name is a secret's (used by the multi-stage refactor to drop such ENV). */
export function isSecretName(name: string): boolean {
  return judgeSecret({ name }).secret;
}

/** What a finding says about the value: why it is a secret and, masked, what it starts with. */
function because(j: SecretJudgement, value: string | undefined): Arg {
  const reason = j.reasonText ?? j.reason;
  return value ? frag('docker.secretInBuild.because', '{reason}; value {masked}', { reason, masked: maskSecretText(value) }) : reason;
}

/** Expanded values longer than this are searched for formats in their text as written. */
const LONG_VALUE = 256;

function checkVariables(model: DockerfileModel, lineage: readonly Stage[], report: Reporter): void {
  const declaredInLineage = new Set<string>();
  for (const stage of lineage) {
    // ENV values can only copy a secret-named ARG when the stage declares one.
    let secretArgs = false;
    for (const v of stage.variables) if (v.kind === 'ARG' && judgeSecret({ name: v.name }).secret) secretArgs = true;
    for (const v of stage.variables) {
      if (v.kind === 'ARG') declaredInLineage.add(v.name);
      // An ENV that extends itself (`PATH=/x:$PATH`) grows with every stage line: search the text
      // as written; the expanded parts are judged where they are defined.
      const long = v.kind === 'ENV' && v.value !== undefined && v.value.length > LONG_VALUE;
      const j = judgeSecret({ name: v.name, value: v.value, formatText: long ? rawValue(model, v.instruction, v.name) : undefined });
      if (j.secret) {
        report({ range: v.nameRange, ...variableMessage(v, j) });
        continue;
      }
      if (v.kind === 'ARG') {
        // Whatever the default, the value given with --build-arg is what the build records.
        const byName = judgeSecret({ name: v.name });
        if (byName.secret) {
          report({ range: v.nameRange, ...variableMessage(v, byName, false, true) });
          continue;
        }
      }
      if (v.kind === 'ENV' && secretArgs) {
        const copied = copiedSecretArg(model, stage, v);
        if (copied) {
          report({
            range: v.nameRange,
            ...msg('docker.secretInBuild.env-copies-the-build', 'ENV {name} copies the build argument {arg} ({reason}) into the image\'s environment: the value passed with --build-arg stays in the image; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', { name: v.name, arg: copied.name, reason: copied.reason }),
          });
          continue;
        }
      }
      if (CREDENTIAL_FILE_VARIABLES.has(v.name) && v.value) {
        const copy = copyHolding(model, stage, v.value);
        if (copy) {
          report({
            range: v.nameRange,
            related: [{ range: toRange(copy.getRange()), ...msg('docker.secretInBuild.the-copy-that-puts', 'the COPY that puts the file into the image') }],
            ...msg('docker.secretInBuild.points-at-a-credentials', '{kind} {name} points at a credentials file that a COPY puts into the image: the key stays in a layer. Mount it at run time, or use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it.', { kind: v.kind, name: v.name }),
          });
        }
      }
    }
  }
  // A global ARG's value (from --build-arg or its default) is recorded with the build; stages
  // that redeclare it are reported above.
  for (const v of model.globalArgs) {
    if (declaredInLineage.has(v.name)) continue;
    const j = judgeSecret({ name: v.name, value: v.value });
    if (j.secret) report({ range: v.nameRange, ...variableMessage(v, j, true) });
    else {
      const byName = judgeSecret({ name: v.name });
      if (byName.secret) report({ range: v.nameRange, ...variableMessage(v, byName, true, true) });
    }
  }
}

function variableMessage(v: VariableDefinition, j: SecretJudgement, global = false, byName = false): Msg {
  if (v.kind === 'ENV') {
    return msg('docker.secretInBuild.env-secret', 'ENV {name} puts a secret into the image ({because}): ENV values are stored in the image and visible to every process; pass it at run time, or use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it.', { name: v.name, because: because(j, v.value) });
  }
  const reason = j.reasonText ?? j.reason;
  if (byName || j.kind === 'named') {
    const args = { name: v.name, reason };
    if (v.value === undefined) {
      return global
        ? msg('docker.secretInBuild.global-arg-no-default', 'Global ARG {name} has no default, but a value passed with --build-arg is recorded in the image history and build provenance ({reason}); use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args)
        : msg('docker.secretInBuild.arg-no-default', 'ARG {name} has no default, but a value passed with --build-arg is recorded in the image history and build provenance ({reason}); use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args);
    }
    return global
      ? msg('docker.secretInBuild.global-arg-build-argument', 'Global ARG {name} is a build argument: a value passed with --build-arg is recorded in the image history and build provenance ({reason}); use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args)
      : msg('docker.secretInBuild.arg-build-argument', 'ARG {name} is a build argument: a value passed with --build-arg is recorded in the image history and build provenance ({reason}); use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args);
  }
  const args = { name: v.name, because: because(j, v.value) };
  return global
    ? msg('docker.secretInBuild.global-arg-secret-default', 'Global ARG {name} has a secret default ({because}): build arguments are recorded in the image history; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args)
    : msg('docker.secretInBuild.arg-secret-default', 'ARG {name} has a secret default ({because}): build arguments are recorded in the image history; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args);
}

/** Names referenced by an ENV value as written (`$NAME`, `${NAME}`, `${NAME:-x}`). */
const REFERENCE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/** The secret-named ARG of the stage an ENV value copies, if any. */
function copiedSecretArg(model: DockerfileModel, stage: Stage, env: VariableDefinition): { name: string; reason: Arg } | undefined {
  const raw = rawValue(model, env.instruction, env.name);
  if (!raw || !raw.includes('$')) return undefined;
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(raw); m; m = REFERENCE.exec(raw)) {
    const name = m[1];
    // The name test first: it fails at once for `$PATH`-like names, and the ARG search is linear.
    const j = judgeSecret({ name });
    if (j.secret && stage.variables.some((d) => d.kind === 'ARG' && d.name === name)) return { name, reason: j.reasonText ?? j.reason };
  }
  return undefined;
}

/**
 * The value of one ARG/ENV assignment as written, before expansion, when the instruction
 * references a variable (undefined otherwise: then the value is the text as written).
 */
function rawValue(model: DockerfileModel, ins: Instruction, name: string): string | undefined {
  const range = ins.getRange();
  const start = model.lines.offsetAt(range.start);
  const end = model.lines.offsetAt(range.end);
  // Cheap test first: most values reference nothing.
  const dollar = model.text.indexOf('$', start);
  if (dollar < 0 || dollar >= end) return undefined;
  const simple = ins.getKeyword() === 'ENV' ? simpleAssignments(model, ins) : undefined;
  if (simple) return simple.find((a) => a.name === name)?.value ?? '';
  const props = (ins as unknown as { getProperties?(): Array<{ getName(): string; getValue(): string | null }> }).getProperties?.() ?? [];
  for (const p of props) if (p.getName() === name) return p.getValue() ?? '';
  return '';
}

/** Normalised path for prefix comparisons: no quotes, no `./`, no leading or trailing slash. */
function normalisePath(p: string): string {
  let s = p.replace(/^["']|["']$/g, '');
  while (s.startsWith('./')) s = s.slice(2);
  return s.replace(/^\/+/, '').replace(/\/+$/, '');
}

/**
 * The COPY/ADD of the stage whose destination holds the path (Trivy DS-0031's check: the file a
 * credentials variable names lies under a copied directory), if any.
 */
function copyHolding(model: DockerfileModel, stage: Stage, path: string): Instruction | undefined {
  if (path.includes('$')) return undefined;
  const p = normalisePath(path);
  for (let n = 0; n < stage.instructions.length; n++) {
    const kw = stage.keywords[n];
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    const args = plainArguments(model, stage.instructions[n]);
    if (args.length < 2) continue;
    const dst = normalisePath(args[args.length - 1].getValue());
    if (dst === '' || dst === '.' || p === dst || p.startsWith(`${dst}/`)) return stage.instructions[n];
  }
  return undefined;
}

/** Cheap test on an instruction's text before its arguments are tokenised. */
const COPY_HINT = /id_|\.env|npmrc|pypirc|netrc|cred|dockercfg|config|\.key|\.p12|\.pfx|\.jks|keystore|\.bcfks|\.pem|\.ssh|gnupg|\.aws|kube|htpasswd|pgpass|\.my\.cnf|vault-token|\.boto|gcloud|hosts\.yml|\$/i;

function checkCopies(model: DockerfileModel, lineage: readonly Stage[], report: Reporter): void {
  for (const stage of lineage) {
    for (let n = 0; n < stage.instructions.length; n++) {
      const kw = stage.keywords[n];
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      const ins = stage.instructions[n];
      const r = ins.getRange();
      if (!COPY_HINT.test(model.text.slice(model.lines.offsetAt(r.start), model.lines.offsetAt(r.end)))) continue;
      const args = plainArguments(model, ins);
      if (args.length < 2) continue;
      const destArg = args[args.length - 1];
      const dest = destArg.getValue();
      const destVar = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(dest)?.[1];
      if (destVar && CREDENTIAL_FILE_VARIABLES.has(destVar)) {
        report({
          range: toRange(destArg.getRange()),
          ...msg('docker.secretInBuild.puts-a-credentials-file', '{kw} puts a credentials file where ${destVar} points: it stays in a layer of the image. Mount it at run time, or use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it.', { kw, destVar }),
        });
        continue;
      }
      for (const src of args.slice(0, -1)) {
        const path = src.getValue();
        if (path.startsWith('<<') || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) continue;
        const j = judgeSecretFile(path, dest);
        if (!j.secret) continue;
        report({
          range: toRange(src.getRange()),
          ...(kw === 'ADD'
            ? msg('docker.secretInBuild.do-not-add', 'Do not add "{path}" into the image ({reason}): it stays in a layer. Use `RUN --mount=type=secret` or `--mount=type=ssh` and list it in .dockerignore.', { path, reason: j.reasonText ?? j.reason })
            : msg('docker.secretInBuild.do-not-copy', 'Do not copy "{path}" into the image ({reason}): it stays in a layer. Use `RUN --mount=type=secret` or `--mount=type=ssh` and list it in .dockerignore.', { path, reason: j.reasonText ?? j.reason })),
        });
      }
    }
  }
}

/** Cheap test on a RUN script: credential words, URL credentials and format prefixes (grouped by first letter: faster to scan). */
const RUN_HINT = /p(?:ass|wd|sw|rivate|ypi-)|s(?:ecret|k-|ervice_account|hp|g\.|k[0-9a-f])|token|k(?:ey|_(?:live|test|prod)_)|a(?:uth|iza|kia|sia|bia|cca|3t|ge-secret)|cred|usr|g(?:h[pousr]_|ithub_pat_|l(?:pat|dt|rt)-)|x(?:ox|app-)|h(?:ooks\.slack|f_|vs\.)|npm_|eyj|dckr_|_v1_|:\/\/[^\s/]*:[^\s/@]*@|-(?:u\s|-user)|\s-p\S/i;

/** Words a shell script puts before a command: `then gcloud …`, `do curl …`. */
const SHELL_KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', '(', 'time']);

/** Programs whose `-p VALUE` is a password (with a `login` subcommand for the registry clients). */
const LOGIN_PROGRAMS = new Set(['docker', 'podman', 'buildah', 'skopeo', 'helm', 'oras', 'crane', 'nerdctl', 'regctl']);
const MYSQL_PROGRAMS = new Set(['mysql', 'mysqladmin', 'mysqldump', 'mariadb', 'mariadb-dump', 'mysqlimport', 'mysqlcheck']);

/** A script that works with OpenPGP keys: its `key=…` and `--recv-keys …` are public key ids and fingerprints. */
const OPENPGP = /\bgpg2?\b|\bgpgv\b|apt-key|keyserver|--recv-keys?|openpgp/;

function checkRuns(model: DockerfileModel, report: Reporter): void {
  for (const run of model.runs) {
    if (!RUN_HINT.test(run.script.text)) continue;
    const openpgp = OPENPGP.test(run.script.text);
    for (const command of run.shell.commands) checkCommand(model, run, command, openpgp, report);
  }
}

/** Judgements a RUN acts on: in an OpenPGP script, a hex value under a weak `key` name is a key id. */
function counts(j: SecretJudgement | undefined, openpgp: boolean): boolean {
  return !!j && j.secret && j.kind !== 'named' && !(openpgp && j.kind === 'named-generated');
}

function checkCommand(model: DockerfileModel, run: RunCommand, command: ShellCommand, openpgp: boolean, report: Reporter): void {
  const words = commandWords(command);
  const program = words.length ? basename(words[0].text) : '';
  if (words.length && !run.mountsSecret) {
    const trigger = credentialCommand(program, words.map((w) => w.text));
    if (trigger !== undefined) {
      report({
        range: model.lines.rangeOf(words[0].start, words[trigger].end),
        ...msg('docker.secretInBuild.stores-credentials-in-a', '"{command}" stores credentials in a layer: pass them with `RUN --mount=type=secret` instead.', { command: words.slice(0, trigger + 1).map((w) => w.text).join(' ') }),
      });
      return;
    }
  }
  const all = command.words;
  const isLogin = LOGIN_PROGRAMS.has(program) && words.some((w) => w.text === 'login');
  for (let i = 0; i < all.length; i++) {
    const w = all[i];
    const t = w.text;
    const found = judgeWord(t, program, openpgp);
    if (found) {
      report({ range: wordRange(model, w), ...runMessage(found.what, found.judgement, found.value) });
      continue;
    }
    // `--password VALUE`, `-p VALUE` after a login subcommand, `curl -u user:password`.
    const next = all[i + 1];
    if (!next || next.text.startsWith('-')) continue;
    let judged: SecretJudgement | undefined;
    let what = t;
    let value = next.text;
    if (t.startsWith('--') && !t.includes('=')) {
      if (/^[a-z][a-z0-9_-]*=/i.test(next.text)) continue; // `--secret id=x,src=f`: a BuildKit spec, not a value
      const j = judgeSecret({ name: t.slice(2), value: next.text });
      if (counts(j, openpgp)) judged = j;
    } else if (t === '-p' && isLogin) {
      judged = literalPassword(next.text);
    } else if ((t === '-u' || t === '--user') && program === 'curl' && next.text.includes(':')) {
      value = next.text.slice(next.text.indexOf(':') + 1);
      what = `${t} user:password`;
      judged = literalPassword(value);
    }
    if (judged?.secret) {
      report({ range: wordRange(model, next), ...runMessage(what, judged, value) });
      i++;
    }
  }
}

/** A literal credential inside one word: a known format, `NAME=value`, `--name=value`, `mysql -pVALUE`. */
function judgeWord(t: string, program: string, openpgp: boolean): { what: string; judgement: SecretJudgement; value: string } | undefined {
  const eq = t.indexOf('=');
  if (eq > 0) {
    const left = t.slice(0, eq);
    const name = /[A-Za-z_][A-Za-z0-9_.-]*$/.exec(left)?.[0];
    const value = t.slice(eq + 1);
    if (name && value) {
      const j = judgeSecret({ name: name.replace(/^-+/, ''), value });
      if (counts(j, openpgp)) return { what: `${left.startsWith('-') ? left : name}=…`, judgement: j, value };
    }
  }
  if (MYSQL_PROGRAMS.has(program) && /^-p[^\s]/.test(t) && !t.startsWith('--')) {
    const j = literalPassword(t.slice(2));
    if (j.secret) return { what: '-p…', judgement: j, value: t.slice(2) };
  }
  const j = judgeSecret({ value: t });
  if (j.secret) return { what: 'a word', judgement: j, value: t };
  return undefined;
}

/** The judgement of a value given where a command takes a password (`-p VALUE`, `-u user:VALUE`). */
function literalPassword(value: string): SecretJudgement {
  const j = judgeSecret({ name: 'password', value });
  if (j.kind !== 'named-literal') return j;
  const reasonText = frag('docker.secretInBuild.option-takes-password', 'the option takes a password and its value is a literal');
  return { ...j, reason: english(reasonText), reasonText };
}

function runMessage(what: string, j: SecretJudgement, value: string): Msg {
  const args = { what, because: because(j, value) };
  return what === 'a word'
    ? msg('docker.secretInBuild.run-holds-credential', 'A RUN command holds a credential ({because}): it is recorded in the image history and in the Dockerfile; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args)
    : msg('docker.secretInBuild.run-passes-literal', 'A RUN command passes {what} as a literal ({because}): it is recorded in the image history and in the Dockerfile; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', args);
}

function wordRange(model: DockerfileModel, w: ShellWord): Range {
  return model.lines.rangeOf(w.start, w.end);
}

/** The words of a command from its program on, past shell keywords (`then`, `do`) as well. */
function commandWords(command: ShellCommand): ShellWord[] {
  let words = programWords(command);
  let k = 0;
  while (k < words.length && SHELL_KEYWORDS.has(words[k].text)) k++;
  if (k > 0) {
    words = words.slice(k);
    // `then sudo aws …`, `do env X=1 cmd`: skip what programWords skips, once more.
    words = programWords({ ...command, words });
  }
  return words;
}

/** Index of the word that makes a credential-storing command, or undefined. */
function credentialCommand(program: string, w: string[]): number | undefined {
  if (program === 'aws' && w[1] === 'configure' && w[2] === 'set' && /^(aws_access_key_id|aws_secret_access_key|aws_session_token)$/.test(w[3] ?? '')) return 3;
  if (program === 'gcloud' && w[1] === 'auth' && w[2] === 'activate-service-account') return 2;
  if (program === 'az' && w[1] === 'login') {
    const i = w.findIndex((x) => /^(-p|--password|--federated-token)(=|$)/.test(x));
    return i > 0 ? 1 : undefined;
  }
  if (program === 'doctl' && w[1] === 'auth' && w[2] === 'init' && w.some((x) => /^(-t|--access-token)(=|$)/.test(x))) return 2;
  if ((program === 'docker' || program === 'helm') && (w[1] === 'login' || (w[1] === 'registry' && w[2] === 'login')) && w.some((x) => /^(-p|--password)(=|$)/.test(x))) return w[1] === 'login' ? 1 : 2;
  return undefined;
}

/**
 * Heredocs that write a file (`COPY <<EOF /root/.npmrc`, `RUN cat <<EOF > app.env`): a
 * credential in their body is in a layer and in the Dockerfile. A `RUN <<EOF` script is
 * analysed as commands by checkRuns instead.
 */
function checkHeredocs(model: DockerfileModel, report: Reporter): void {
  let scripts: Set<Instruction> | undefined;
  // The next `<<` of the text, found once for every instruction it is beyond (no rescans).
  let marker = model.text.indexOf('<<');
  for (let n = 0; n < model.instructions.length && marker >= 0; n++) {
    const kw = model.keywords[n];
    if (kw !== 'RUN' && kw !== 'COPY' && kw !== 'ADD') continue;
    const ins = model.instructions[n];
    const r = ins.getRange();
    const start = model.lines.offsetAt(r.start);
    if (marker < start) marker = model.text.indexOf('<<', start);
    if (marker < 0 || marker >= model.lines.offsetAt(r.end)) continue;
    const heredocs = (ins as unknown as { getHeredocs?(): Heredoc[] }).getHeredocs?.() ?? [];
    if (kw === 'RUN') scripts ??= new Set(model.runs.filter((x) => x.form === 'heredoc').map((x) => x.instruction as Instruction));
    for (let h = 0; h < heredocs.length; h++) {
      if (h === 0 && scripts?.has(ins)) continue;
      const cr = heredocs[h].getContentRange();
      if (!cr) continue;
      const from = model.lines.offsetAt(cr.start);
      const body = model.text.slice(from, model.lines.offsetAt(cr.end));
      checkHeredocBody(model, kw, body, from, report);
    }
  }
}

function checkHeredocBody(model: DockerfileModel, kw: string, body: string, from: number, report: Reporter): void {
  const where = kw === 'RUN' ? frag('docker.secretInBuild.run-heredoc', 'A heredoc of a RUN') : frag('docker.secretInBuild.heredoc', 'A {kw} heredoc', { kw });
  let reported = false;
  for (const e of lineEntries(body)) {
    const j = judgeSecret({ name: e.name, value: e.value });
    if (!j.secret) continue;
    reported = true;
    report({
      range: model.lines.rangeOf(from + e.start, from + e.end),
      ...msg('docker.secretInBuild.writes-a-credential-into', '{where} writes a credential into the image ({because}): it stays in a layer and in the Dockerfile; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', { where, because: because(j, e.value) }),
    });
  }
  if (reported) return;
  const m = findCredentialFormat(body);
  if (!m) return;
  report({
    range: model.lines.rangeOf(from + m.start, from + m.end),
    ...msg('docker.secretInBuild.writes-a-credential-into-2', '{where} writes a credential into the image ({reason}): it stays in a layer and in the Dockerfile; use a BuildKit secret mount (`RUN --mount=type=secret,id=…`) in the step that needs it instead.', { where, reason: formatReason(m.format) }),
  });
}
