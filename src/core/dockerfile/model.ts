/**
 * The parsed model of one Dockerfile, built once and shared by every rule: stages with their
 * resolved base image, ARG/ENV table and effective USER, RUN scripts split into commands with
 * document ranges, and the comments used for suppression.
 */
import { DockerfileParser, Dockerfile, Instruction, From, Run, Heredoc, Flag, Argument, Onbuild } from 'dockerfile-ast';
import { ShipshapeConfig, DEFAULT_CONFIG } from '../config';
import { ImageRef, isLatest, parseImageRef } from '../imageRef';
import { Range } from '../model';
import { SourceComment } from '../suppress';
import { LineIndex, eolOf } from '../text';
import { MappedText, ShellScript, ShellWord, splitShell, basename, contiguousText, jsonStringText, piecewiseText, sliceMapped } from './shell';
import { expandVariables, processWord, ScopedVariables, VariableTable } from './variables';
import { ImageFamily, imageFamily, isKnownNonRootImage } from './baseImage';
import { Invocation, PackageInvocation, runInvocations, runPackageInvocations } from './commands';

/** How a FROM names its base. */
export type BaseKind = 'image' | 'scratch' | 'stage' | 'unresolved' | 'invalid';

/** An ARG or ENV definition, in file order. */
export interface VariableDefinition {
  kind: 'ARG' | 'ENV';
  name: string;
  /** Value after expansion; undefined when declared without one. */
  value?: string;
  /** Range of the name. */
  readonly nameRange: Range;
  instruction: Instruction;
}

/** A USER instruction and what it resolves to. */
export interface UserSetting {
  /** The user as written, variables expanded when possible. */
  value: string;
  /** True when a variable in it had no known value. */
  unresolved: boolean;
  instruction: Instruction;
}

/** A user created by `useradd`/`adduser` in a RUN. */
export interface CreatedUser {
  name: string;
  uid?: string;
  stage: Stage;
}

/** A RUN instruction with its script split into commands. */
export interface RunCommand {
  instruction: Run;
  stage: Stage;
  /** shell: `RUN cmd`; exec: `RUN ["cmd", …]`; heredoc: `RUN <<EOF` whose body is the script. */
  form: 'shell' | 'exec' | 'heredoc';
  /**
   * The text the shell runs, continuations joined, mapped to document offsets. Exec form: the
   * script of a shell it runs (`["sh", "-c", "a | b"]`, see `execShell`), JSON escapes decoded and
   * each character mapped to what writes it; otherwise the argv joined by blanks.
   */
  script: MappedText;
  /**
   * Exec form that runs a shell on a script: the argv before the script (`["bash", "-o",
   * "pipefail", "-c"]`). BuildKit runs the argv itself, so neither SHELL nor a default shell
   * applies: this shell, with these options, runs `script`. Edits of `script` would have to be
   * written as JSON, so the rules offer none there.
   */
  execShell?: readonly string[];
  shell: ShellScript;
  flags: Flag[];
  /** `--mount=type=secret` present. */
  mountsSecret: boolean;
  /** `--mount=type=cache` targets. */
  cacheTargets: string[];
  /** SHELL in effect (undefined = the default `/bin/sh -c`). */
  shellCommand?: string[];
  /** User the RUN executes as (undefined = the base image's default, usually root). */
  user?: UserSetting;
  /** Program invocations of the script, in order (see commands.ts `invocations`). */
  invocations: Invocation[];
  /** The package-manager invocations among them, analysed (see commands.ts `packageInvocations`). */
  packageInvocations: PackageInvocation[];
  /**
   * The ONBUILD instruction when this RUN is its trigger (`ONBUILD RUN …`): it runs in the
   * child build, as the image's final USER; `instruction` is the trigger, its ranges inside the
   * ONBUILD line.
   */
  onbuild?: Instruction;
}

/** An `ONBUILD <instruction>`: the trigger is parsed as the instruction a child build runs. */
export interface OnbuildTrigger {
  onbuild: Instruction;
  trigger: Instruction;
  /** Upper-case keyword of the trigger. */
  keyword: string;
}

/** An instruction argument as BuildKit reads it before expanding variables. */
export interface InstructionWord {
  /** Quotes removed and escapes applied (shell form), or the JSON string (exec form). */
  value: string;
  /** The word as written. */
  raw: string;
  /** Document offsets of the word as written (of the string literal in exec form). */
  start: number;
  end: number;
}

/** The arguments of an instruction after its flags: JSON (exec) form or blank-separated words. */
export interface InstructionArgs {
  json: boolean;
  words: InstructionWord[];
}

/** One build stage (one FROM). */
export interface Stage {
  index: number;
  /** `AS name`, as written. */
  alias?: string;
  aliasRange?: Range;
  from: From;
  fromRange: Range;
  /** Image argument as written and after global-ARG expansion. */
  imageText: string;
  imageRange: Range;
  resolvedImage: string;
  baseKind: BaseKind;
  /** Parsed reference when `baseKind` is `image`. */
  ref?: ImageRef;
  /**
   * The base image certainly has no tag or digest, or the tag `latest`: also when a variable
   * in it is unknown but cannot supply the tag (`${REGISTRY}/ubuntu`). An undeclared variable
   * expands to the empty string, as in BuildKit.
   */
  latest: boolean;
  /** Stage named by FROM when `baseKind` is `stage`. */
  parent?: Stage;
  /** Instructions after FROM, in order. */
  instructions: Instruction[];
  /** Upper-case keyword of each of `instructions` (same index). */
  keywords: string[];
  variables: VariableDefinition[];
  /** Final values of the stage's ARG/ENV (ENV inherited from the parent stage). */
  table: VariableTable;
  /** ENV values at the end of the stage, inherited ones included. */
  env: ScopedVariables;
  users: UserSetting[];
  /** Last USER of the stage, else the parent stage's effective user. */
  effectiveUser?: UserSetting;
  /** Where `effectiveUser` comes from when inherited. */
  userInheritedFrom?: Stage;
  runs: RunCommand[];
  createdUsers: CreatedUser[];
  /** SHELL in effect at the end of the stage. */
  shellCommand?: string[];
  /** Userland family of the root image of this stage (through parent stages). */
  family: ImageFamily;
  /** The root image is known to default to a non-root user. */
  nonRootBase: boolean;
  /** ONBUILD triggers of the stage, in order (their RUNs are also in `runs`, marked `onbuild`). */
  onbuild: OnbuildTrigger[];
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  eol: '\n' | '\r\n';
  escapeChar: string;
  dockerfile: Dockerfile;
  config: ShipshapeConfig;
  globalArgs: VariableDefinition[];
  stages: Stage[];
  runs: RunCommand[];
  instructions: Instruction[];
  /** Upper-case keyword of each of `instructions` (same index). */
  keywords: string[];
  /** Instructions other than ARG before the first FROM: a build error ("no build stage in current context"). */
  preamble: Instruction[];
  comments: SourceComment[];
  /** Lines that hold a comment (whole-line comments only in Dockerfiles). */
  commentLines: Set<number>;
  /**
   * Values computed on first use and shared by the rules. They live on the model rather than in
   * module-level WeakMaps: in V8 a WeakMap entry keeps its value alive through young-generation
   * collections until a full collection finds the key dead, so a WeakMap keyed by a short-lived
   * model promoted the whole parse tree (measured: scavenge time divided by 2.5 without them).
   */
  readonly memo: ModelMemo;
}

/** See `DockerfileModel.memo`. */
export interface ModelMemo {
  aliases: Map<string, Stage>;
  arguments: Map<Instruction, Argument[]>;
  /** See `instructionArgs`. */
  words: Map<Instruction, InstructionArgs>;
  invocations?: unknown;
  packageInvocations?: unknown;
}

/** Whether a USER value means root: `root`, `0`, `root:group`, `0:group`. */
export function isRootUser(value: string): boolean {
  return /^(root|0)(:.*)?$/i.test(value.trim());
}

/** The final stage: what `docker build` produces without `--target`. */
export function finalStage(model: DockerfileModel): Stage | undefined {
  return model.stages[model.stages.length - 1];
}

/** A stage and the stages it is built FROM, nearest first: what ends up in its image. */
export function stageLineage(stage: Stage): Stage[] {
  const out: Stage[] = [];
  const seen = new Set<Stage>();
  for (let s: Stage | undefined = stage; s && !seen.has(s); s = s.parent) {
    seen.add(s);
    out.push(s);
  }
  return out;
}

/**
 * Arguments of an instruction (flags excluded for FROM/RUN/COPY/ADD), computed once per model:
 * the parser re-tokenises the instruction on every `getArguments()` call.
 */
export function argumentsOf(model: DockerfileModel, ins: Instruction): Argument[] {
  let args = model.memo.arguments.get(ins);
  if (!args) model.memo.arguments.set(ins, (args = ins.getArguments()));
  return args;
}

/**
 * A parser range as ours: the same 0-based shape, shared rather than copied (ranges are never
 * mutated, and a model of a large file would otherwise hold a copy of thousands of them).
 */
function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): Range {
  return r;
}

/**
 * Line starts the parser's text document has already computed (it breaks lines at CRLF, CR and
 * LF, as LineIndex does), or undefined when this version of the parser does not expose them.
 */
function parserLineStarts(dockerfile: Dockerfile, text: string): number[] | undefined {
  const doc = (dockerfile as unknown as { document?: { getText?(): string; getLineOffsets?(): number[] } }).document;
  if (typeof doc?.getLineOffsets !== 'function' || doc.getText?.() !== text) return undefined;
  return doc.getLineOffsets();
}

/** Parses a Dockerfile into the shared model. */
export function buildModel(text: string, config: ShipshapeConfig = DEFAULT_CONFIG): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text);
  const lines = new LineIndex(text, parserLineStarts(dockerfile, text));
  const escapeChar = dockerfile.getEscapeCharacter() || '\\';
  const instructions = dockerfile.getInstructions();
  const model: DockerfileModel = {
    text,
    lines,
    eol: eolOf(text),
    escapeChar,
    dockerfile,
    config,
    globalArgs: [],
    stages: [],
    runs: [],
    instructions,
    keywords: new Array<string>(instructions.length),
    preamble: [],
    comments: [],
    commentLines: new Set(),
    memo: { aliases: new Map(), arguments: new Map(), words: new Map() },
  };
  for (const c of dockerfile.getComments()) {
    const line = c.getRange().start.line;
    model.comments.push({ line, text: c.getContent(), trailing: false });
    model.commentLines.add(line);
  }

  const globals = new Map<string, string | undefined>();
  // What FROM sees: global ARGs with UNKNOWN for the parts nobody knows before the build.
  const fromGlobals = new Map<string, string>();
  const fromTable: VariableTable = { get: (name) => fromGlobals.get(name) ?? (AUTOMATIC_ARGS.has(name) ? UNKNOWN : '') };
  let stage: Stage | undefined;
  let vars = ScopedVariables.over();
  for (let n = 0; n < instructions.length; n++) {
    const ins = instructions[n];
    const keyword = ins.getKeyword();
    model.keywords[n] = keyword;
    if (keyword === 'FROM') {
      if (stage) finishStage(stage);
      stage = startStage(model, ins as From, fromTable);
      // A stage sees the ENV of the stage it is built on; ARG scope ends with its stage. Every
      // definition is set in the table, ENV ones in the stage's env too, so the table can sit
      // over the env (one chain to flatten, not two).
      vars = ScopedVariables.leaf(stage.env);
      stage.table = vars;
      continue;
    }
    if (!stage) {
      if (keyword !== 'ARG') {
        model.preamble.push(ins);
        continue;
      }
      for (const def of variableDefinitions(model, ins, 'ARG', globals, globals, escapeChar, fromTable)) {
        // The value as FROM sees it; the tables of the stages get only what is known.
        const known = def.value === undefined || def.value.includes(UNKNOWN) ? undefined : def.value;
        fromGlobals.set(def.name, def.value ?? (globals.get(def.name) === undefined ? UNKNOWN : (globals.get(def.name) as string)));
        def.value = known;
        model.globalArgs.push(def);
        globals.set(def.name, known);
      }
      continue;
    }
    stage.instructions.push(ins);
    stage.keywords.push(keyword);
    switch (keyword) {
      case 'ARG':
      case 'ENV':
        for (const def of variableDefinitions(model, ins, keyword, vars, globals, escapeChar)) {
          stage.variables.push(def);
          if (def.kind === 'ENV') stage.env.set(def.name, def.value);
          // An ENV always wins over an ARG of the same name, whichever comes first.
          else if (stage.env.has(def.name)) continue;
          vars.set(def.name, def.value);
        }
        break;
      case 'USER': {
        const raw = afterKeyword(model, ins).text.trim().split(/\s+/).join(' ');
        const exp = processWord(raw, vars, escapeChar);
        const setting: UserSetting = { value: exp.value, unresolved: exp.unresolved, instruction: ins };
        stage.users.push(setting);
        stage.effectiveUser = setting;
        stage.userInheritedFrom = undefined;
        break;
      }
      case 'SHELL': {
        const shell = parseJsonArray(ins, model);
        if (shell) stage.shellCommand = shell;
        break;
      }
      case 'RUN': {
        const run = buildRun(model, ins as Run, stage);
        stage.runs.push(run);
        model.runs.push(run);
        collectCreatedUsers(run, stage);
        break;
      }
      case 'ONBUILD': {
        const trigger = (ins as Onbuild).getTriggerInstruction();
        if (!trigger) break;
        const triggerKeyword = trigger.getKeyword();
        if (stage.onbuild === NONE) stage.onbuild = [];
        stage.onbuild.push({ onbuild: ins, trigger, keyword: triggerKeyword });
        if (triggerKeyword === 'RUN') {
          const run = buildRun(model, trigger as Run, stage);
          run.onbuild = ins;
          stage.runs.push(run);
          model.runs.push(run);
        }
        break;
      }
      default:
        break;
    }
  }
  if (stage) finishStage(stage);
  return model;
}

/** ONBUILD RUNs execute in the child build, after this stage: with its final USER and SHELL. */
function finishStage(stage: Stage): void {
  if (!stage.onbuild.length) return;
  for (const run of stage.runs) {
    if (!run.onbuild) continue;
    run.user = stage.effectiveUser;
    run.shellCommand = stage.shellCommand;
  }
}

/** Stands for the value of a variable nobody knows before the build (an ARG without default). */
const UNKNOWN = '\u0000';
/** ARGs BuildKit defines in the global scope itself: FROM may use them undeclared. */
const AUTOMATIC_ARGS = new Set(['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT']);

/**
 * Whether an image reference with unknown parts (UNKNOWN) certainly has no tag or digest, or
 * the tag `latest`: only the last path component can carry them, and only the literal text
 * after the last unknown part decides.
 */
function certainlyLatest(image: string): boolean {
  const last = image.slice(image.lastIndexOf('/') + 1);
  const unknownAt = last.lastIndexOf(UNKNOWN);
  if (unknownAt < 0) {
    const probe = parseImageRef(image.split(UNKNOWN).join('x'));
    return !!probe && isLatest(probe);
  }
  const after = last.slice(unknownAt + 1);
  if (after.includes('@')) return false;
  const colon = after.lastIndexOf(':');
  return colon >= 0 && after.slice(colon + 1) === 'latest';
}

function startStage(model: DockerfileModel, from: From, globals: VariableTable): Stage {
  const args = fromWords(model, from);
  const imageArg = args[0];
  const imageText = imageArg?.text ?? '';
  const imageRange = imageArg ? model.lines.rangeOf(imageArg.start, imageArg.end) : toRange(from.getRange());
  const alias = args.length >= 3 && args[1].text.toUpperCase() === 'AS' ? args[2].text : undefined;
  // Quotes removed, undeclared variables empty, unknown ones marked (see `latest`).
  const exp = processWord(imageText, globals, model.escapeChar);
  const marked = exp.value;
  const unknown = marked.includes(UNKNOWN);
  const resolved = unknown ? processWord(imageText, undefined, model.escapeChar).value : marked;
  const lower = resolved.toLowerCase();
  let baseKind: BaseKind;
  let parent: Stage | undefined;
  let ref: ImageRef | undefined;
  let latest = false;
  if (unknown || exp.unresolved || !resolved) {
    baseKind = 'unresolved';
    latest = unknown && !exp.unresolved && certainlyLatest(marked);
  } else if (lower === 'scratch') baseKind = 'scratch';
  else if ((parent = model.memo.aliases.get(lower))) baseKind = 'stage';
  else if ((ref = parseImageRef(resolved))) {
    baseKind = 'image';
    latest = isLatest(ref);
  } else baseKind = 'invalid';
  const stage: Stage = {
    index: model.stages.length,
    alias,
    aliasRange: alias ? model.lines.rangeOf(args[2].start, args[2].end) : undefined,
    from,
    fromRange: toRange(from.getRange()),
    imageText,
    imageRange,
    resolvedImage: resolved,
    baseKind,
    ref,
    latest,
    parent,
    instructions: [],
    keywords: [],
    variables: [],
    table: ScopedVariables.over(),
    env: ScopedVariables.over(parent?.env),
    users: [],
    effectiveUser: parent?.effectiveUser,
    userInheritedFrom: parent?.effectiveUser ? (parent.userInheritedFrom ?? parent) : undefined,
    runs: [],
    // Shared with the parent until this stage creates a user (copy on write).
    createdUsers: parent ? parent.createdUsers : NONE,
    shellCommand: parent?.shellCommand,
    family: parent ? parent.family : imageFamily(ref, baseKind === 'scratch'),
    nonRootBase: parent ? parent.nonRootBase : isKnownNonRootImage(ref),
    onbuild: NONE,
  };
  model.stages.push(stage);
  // Stages by lower-cased alias; a later stage with the same alias wins.
  if (alias) model.memo.aliases.set(alias.toLowerCase(), stage);
  return stage;
}

/**
 * The words of a FROM after its flags (`--platform=…`), with document offsets: image, `AS`,
 * name. FROM takes plain words, so splitting the logical line at blanks is what the parser does;
 * doing it here avoids the parser's per-argument objects for every stage of a long file.
 */
function fromWords(model: DockerfileModel, from: From): Array<{ text: string; start: number; end: number }> {
  const t = afterKeyword(model, from);
  const s = t.text;
  const out: Array<{ text: string; start: number; end: number }> = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && s[j] !== ' ' && s[j] !== '\t' && s[j] !== '\r' && s[j] !== '\n') j++;
    const text = s.slice(i, j);
    if (!(out.length === 0 && text.startsWith('--'))) out.push({ text, start: t.offsetAt(i), end: t.offsetAt(j - 1) + 1 });
    i = j;
  }
  return out;
}

/** ARG/ENV definitions of one instruction, values expanded with the table as it stands. */
function variableDefinitions(
  model: DockerfileModel,
  ins: Instruction,
  kind: 'ARG' | 'ENV',
  vars: VariableTable,
  globals: VariableTable,
  escapeChar: string,
  /** The table values are expanded with, when not `vars`. */
  expandWith: VariableTable = vars,
): VariableDefinition[] {
  type Prop = { getName(): string; getNameRange(): unknown; getValue(): string | null };
  const withProps = ins as unknown as { getProperties?: () => Prop[]; getProperty?: () => Prop | null };
  // The parser already built the property of a one-variable ARG; getProperties() would build it again.
  const single = kind === 'ARG' ? withProps.getProperty?.() : undefined;
  const out: VariableDefinition[] = [];
  const simple = kind === 'ENV' ? simpleAssignments(model, ins) : undefined;
  if (simple) {
    for (const a of simple) {
      out.push({ kind, name: a.name, value: expandVariables(a.value, vars, escapeChar).value, instruction: ins, nameRange: model.lines.rangeOf(a.start, a.start + a.name.length) });
    }
    return out;
  }
  for (const p of single ? [single] : withProps.getProperties?.() ?? []) {
    const name = p.getName();
    if (!name) continue;
    const raw = p.getValue();
    let value: string | undefined;
    if (raw !== null && raw !== undefined) value = expandVariables(unquote(raw), expandWith, escapeChar).value;
    else if (kind === 'ARG') value = vars.get(name) ?? globals.get(name);
    // The parser computed the name range with the property: share it rather than keep the property.
    out.push({ kind, name, value, instruction: ins, nameRange: toRange(p.getNameRange() as Range) });
  }
  return out;
}

const SIMPLE_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=[^\s"'`\\#]+$/;

/**
 * `ENV A=1 B=2` on one line without quotes, escapes or comments: the assignments read straight
 * from the line (what the parser's properties give, without building them); undefined for
 * anything else, which goes to the parser. A unit test compares both on a corpus.
 */
export function simpleAssignments(model: DockerfileModel, ins: Instruction): Array<{ name: string; value: string; start: number }> | undefined {
  const range = ins.getRange();
  if (range.start.line !== range.end.line) return undefined;
  const start = model.lines.offsetAt(ins.getInstructionRange().end);
  const end = model.lines.offsetAt(range.end);
  const out: Array<{ name: string; value: string; start: number }> = [];
  let i = start;
  const text = model.text;
  while (i < end) {
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= end) break;
    let j = i;
    while (j < end && text[j] !== ' ' && text[j] !== '\t') j++;
    const token = text.slice(i, j);
    if (!SIMPLE_ASSIGNMENT.test(token) || token.includes(model.escapeChar)) return undefined;
    const eq = token.indexOf('=');
    out.push({ name: token.slice(0, eq), value: token.slice(eq + 1), start: i });
    i = j;
  }
  return out.length ? out : undefined;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

/** Logical text of an instruction from an offset: continuations joined, comment lines dropped. */
export function logicalText(model: DockerfileModel, start: number, end: number): MappedText {
  const { text, escapeChar } = model;
  const firstBreak = text.indexOf('\n', start);
  if (firstBreak < 0 || firstBreak >= end) {
    // One line (most instructions): no continuation to join.
    let contentEnd = end;
    if (contentEnd > start && text[contentEnd - 1] === '\r') contentEnd--;
    return contiguousText(text.slice(start, contentEnd), start);
  }
  let out = '';
  const pieces: Array<[number, number]> = [];
  let i = start;
  let first = true;
  while (i < end) {
    let lineEnd = text.indexOf('\n', i);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let contentEnd = lineEnd;
    if (contentEnd > i && text[contentEnd - 1] === '\r') contentEnd--;
    if (!first) {
      // Blank lines and comment lines inside a continuation are not part of the instruction.
      let k = i;
      while (k < contentEnd && (text[k] === ' ' || text[k] === '\t')) k++;
      if (k === contentEnd || text[k] === '#') {
        i = lineEnd + 1;
        continue;
      }
    }
    first = false;
    let k = contentEnd;
    while (k > i && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
    const continued = k > i && text[k - 1] === escapeChar && lineEnd < end;
    const keepEnd = continued ? k - 1 : contentEnd;
    if (keepEnd > i) {
      pieces.push([out.length, i]);
      out += text.slice(i, keepEnd);
    }
    if (!continued) break;
    i = lineEnd + 1;
  }
  return pieces.length ? piecewiseText(out, pieces) : contiguousText('', start);
}

/** Parses the JSON array of an exec-form instruction; undefined when it is shell form. */
function parseJsonArray(ins: Instruction, model: DockerfileModel): string[] | undefined {
  const mapped = argumentsText(model, ins);
  return parseExecForm(mapped)?.values;
}

/** Mapped text after an instruction's keyword, continuations joined, leading blanks dropped. */
function afterKeyword(model: DockerfileModel, ins: Instruction): MappedText {
  const start = model.lines.offsetAt(ins.getInstructionRange().end);
  const end = model.lines.offsetAt(ins.getRange().end);
  const t = logicalText(model, start, end);
  let k = 0;
  while (k < t.text.length && (t.text[k] === ' ' || t.text[k] === '\t')) k++;
  return k ? sliceMapped(t, k) : t;
}

/** Mapped text of an instruction's arguments (after flags), continuations joined. */
function argumentsText(model: DockerfileModel, ins: Instruction): MappedText {
  const text = afterKeyword(model, ins);
  if (!text.text.startsWith('--')) return text;
  // Flags present: let the parser find where they end.
  const args = argumentsOf(model, ins);
  if (!args.length) return contiguousText('', 0);
  const start = model.lines.offsetAt(args[0].getRange().start);
  const end = model.lines.offsetAt(ins.getRange().end);
  return logicalText(model, start, end);
}

/**
 * A JSON array of strings, with each joined character mapped to the source; `literals` are the
 * document offsets of each string literal, quotes included.
 */
function parseExecForm(src: MappedText): { values: string[]; joined: MappedText; parts: MappedText[]; literals: Array<[number, number]> } | undefined {
  // Cheap test first: most RUNs are shell form and must not pay for a copy of their script.
  const first = src.text.search(/\S/);
  if (first < 0 || src.text[first] !== '[') return undefined;
  const t = src.text.trim();
  if (!t.endsWith(']')) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined;
  // Map each value's characters back to its string literal in the source; a value with
  // escapes maps as a whole to its opening quote.
  const spans: Array<{ at: number; length: number; exact: boolean; source: number }> = [];
  const parts: MappedText[] = [];
  const literals: Array<[number, number]> = [];
  let joinedText = '';
  let pos = src.text.indexOf('[');
  for (const [n, v] of (values as string[]).entries()) {
    const open = src.text.indexOf('"', pos);
    let close = open + 1;
    while (close < src.text.length && src.text[close] !== '"') close += src.text[close] === '\\' ? 2 : 1;
    const exact = close - open - 1 === v.length;
    if (n > 0) joinedText += ' ';
    const span = { at: joinedText.length, length: v.length, exact, source: exact ? open + 1 : open };
    spans.push(span);
    joinedText += v;
    parts.push((!exact && jsonStringText(src, open, close)) || { text: v, offsetAt: (i) => src.offsetAt(exact ? span.source + i : span.source) });
    literals.push([src.offsetAt(open), src.offsetAt(Math.min(close, src.text.length - 1)) + 1]);
    pos = close + 1;
  }
  const joined: MappedText = {
    text: joinedText,
    offsetAt(i) {
      let k = 0;
      while (k + 1 < spans.length && spans[k + 1].at - 1 <= i) k++;
      const span = spans[k];
      return src.offsetAt(span.exact ? span.source + Math.max(0, Math.min(i - span.at, span.length - 1)) : span.source);
    },
  };
  return { values: values as string[], joined, parts, literals };
}

const HEREDOC_MARKER = /<<-?\s*(["']?)([A-Za-z0-9_.-]+)\1/g;
const SHELL_PROGRAM = /^((\/usr)?\/bin\/)?(sh|bash|ash|dash|zsh)(\s+-[A-Za-z]+)*$/;
const SHELL_NAME = /^(sh|bash|ash|dash|zsh)$/;
/** bash's long options that take a value. */
const LONG_WITH_VALUE = new Set(['--rcfile', '--init-file']);

/**
 * The index of the script in an exec-form argv that runs a shell with `-c` (`sh -c S`,
 * `/bin/bash -euxo pipefail -c S`, `bash --norc -ec S`, `sh -o pipefail -c S`), or -1. As the
 * shell reads its options: clusters of letters after `-` or `+`, each `o`/`O` taking the next
 * argument, bash's `--long` options, `--` or `-` ending them; the first operand is the script
 * when `-c` was given.
 */
export function execShellScriptIndex(argv: readonly string[]): number {
  if (argv.length < 3 || !SHELL_NAME.test(basename(argv[0]))) return -1;
  let dashC = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || a === '-') return dashC && i + 1 < argv.length ? i + 1 : -1;
    if (a.startsWith('--')) {
      if (LONG_WITH_VALUE.has(a)) i++;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(a)) {
      for (let k = 1; k < a.length; k++) {
        if (a[k] === 'c' && a[0] === '-') dashC = true;
        else if (a[k] === 'o' || a[k] === 'O') i++;
      }
      continue;
    }
    return dashC ? i : -1;
  }
  return -1;
}

/** Shared by every RUN without flags or cache mounts (a model holds thousands of RUNs). */
const NONE: never[] = Object.freeze([]) as never[];

function buildRun(model: DockerfileModel, ins: Run, stage: Stage): RunCommand {
  const head = afterKeyword(model, ins);
  const hasFlags = head.text.startsWith('--');
  const flags = hasFlags ? ins.getFlags() : NONE;
  let script: MappedText = hasFlags ? argumentsText(model, ins) : head;
  let mountsSecret = false;
  let cacheTargets: string[] = NONE;
  for (const f of flags) {
    if (f.getName().toLowerCase() !== 'mount') continue;
    const m = f.getValue() ?? '';
    if (/(^|,)type=secret(,|$)/i.test(m)) mountsSecret = true;
    if (!/(^|,)type=cache(,|$)/i.test(m)) continue;
    const target = /(?:^|,)(?:target|dst|destination)=([^,]+)/i.exec(m)?.[1];
    if (target) cacheTargets = [...cacheTargets, target];
  }
  const heredocs: Heredoc[] = script.text.includes('<<') ? ins.getHeredocs() : [];
  let form: RunCommand['form'] = 'shell';
  let execShell: string[] | undefined;
  if (heredocs.length) {
    const firstLine = script.text.split('\n')[0];
    const rest = firstLine.replace(HEREDOC_MARKER, '').trim();
    if (rest === '' || SHELL_PROGRAM.test(rest)) {
      form = 'heredoc';
      script = heredocBody(model, heredocs[0]);
    } else {
      // `RUN cat <<EOF > /file`: the first line is the command, the body is its input.
      const nl = script.text.indexOf('\n');
      if (nl >= 0) script = sliceMapped(script, 0, nl);
    }
  } else {
    const exec = parseExecForm(script);
    if (exec) {
      form = 'exec';
      // `["sh", "-c", "script"]` runs the script through a shell: analyse the script itself.
      const at = execShellScriptIndex(exec.values);
      if (at > 0) execShell = exec.values.slice(0, at);
      script = at > 0 ? exec.parts[at] : exec.joined;
    }
  }
  const run: RunCommand = {
    instruction: ins,
    stage,
    form,
    script,
    shell: splitShell(script),
    flags,
    mountsSecret,
    cacheTargets,
    shellCommand: stage.shellCommand,
    user: stage.effectiveUser,
    execShell,
    invocations: NONE,
    packageInvocations: NONE,
  };
  run.invocations = runInvocations(run);
  run.packageInvocations = runPackageInvocations(run.invocations);
  return run;
}

function heredocBody(model: DockerfileModel, h: Heredoc): MappedText {
  const r = h.getContentRange();
  if (!r) return contiguousText('', 0);
  const start = model.lines.offsetAt(r.start);
  const end = model.lines.offsetAt(r.end);
  return contiguousText(model.text.slice(start, end), start);
}

const USER_VALUE_OPTIONS = new Set([
  '-u', '--uid', '-g', '--gid', '-G', '--groups', '-d', '--home', '--home-dir', '-s', '--shell', '-c', '--comment',
  '--gecos', '-k', '--skel', '-e', '--expiredate', '-f', '--inactive', '-K', '--key', '-p', '--password', '-R',
  '--root', '-b', '--base-dir', '-Z', '--selinux-user', '-h', '--ingroup', '-P', '--prefix',
]);

function collectCreatedUsers(run: RunCommand, stage: Stage): void {
  for (const { program, words } of run.invocations) {
    if (program !== 'useradd' && program !== 'adduser') continue;
    let name: string | undefined;
    let uid: string | undefined;
    for (let i = 1; i < words.length; i++) {
      const w = words[i].text;
      if (w.startsWith('-')) {
        const [opt, inline] = w.split('=', 2);
        if ((opt === '-u' || opt === '--uid') && (inline ?? words[i + 1]?.text)) uid = inline ?? words[i + 1].text;
        // BusyBox `adduser -g GECOS`, shadow `useradd -g GROUP`: both take a value.
        if (inline === undefined && (USER_VALUE_OPTIONS.has(opt) || (program === 'adduser' && opt === '-g'))) i++;
        continue;
      }
      // Debian `adduser USER GROUP` adds an existing user to a group: only the first name counts.
      if (name === undefined) name = w;
    }
    if (name && /^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) stage.createdUsers = [...stage.createdUsers, { name, uid: uid && /^\d+$/.test(uid) ? uid : undefined, stage }];
  }
}

/** Document range of a word. */
export function wordRange(model: DockerfileModel, w: ShellWord | { start: number; end: number }): Range {
  return model.lines.rangeOf(w.start, w.end);
}

/** Range of an instruction's keyword (`RUN`, `ADD`…). */
export function keywordRange(ins: Instruction): Range {
  return toRange(ins.getInstructionRange());
}

/** Range of a whole instruction. */
export function instructionRange(ins: Instruction): Range {
  return toRange(ins.getRange());
}

export { toRange };

/**
 * Arguments of an instruction without heredoc bodies: the parser lists the words of
 * `COPY <<EOF /x` bodies as arguments, but they are file contents.
 */
export function plainArguments(model: DockerfileModel, ins: Instruction): Argument[] {
  const args = argumentsOf(model, ins);
  const marker = args.find((a) => /^<<-?["']?[A-Za-z0-9_.-]/.test(a.getValue()));
  if (!marker) return args;
  const line = marker.getRange().start.line;
  return args.filter((a) => a.getRange().start.line <= line);
}

/**
 * The arguments of an instruction after its flags, read the way BuildKit reads them before
 * expanding variables: a JSON array (exec form) gives its strings; otherwise the words are
 * split at blanks and each has its quotes removed and escapes applied (`ADD "a.tgz" /x` is
 * `a.tgz`). Heredoc bodies are not arguments; a `<<EOF` marker stays a word. Computed once
 * per instruction and model.
 */
export function instructionArgs(model: DockerfileModel, ins: Instruction): InstructionArgs {
  let args = model.memo.words.get(ins);
  if (args) return args;
  const text = argumentsText(model, ins);
  const words: InstructionWord[] = [];
  const exec = parseExecForm(text);
  if (exec) {
    for (let n = 0; n < exec.values.length; n++) {
      const [start, end] = exec.literals[n];
      words.push({ value: exec.values[n], raw: model.text.slice(start, end), start, end });
    }
  } else {
    const s = text.text;
    let i = 0;
    while (i < s.length) {
      while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
      if (i >= s.length) break;
      let j = i;
      while (j < s.length && s[j] !== ' ' && s[j] !== '\t') j++;
      const raw = s.slice(i, j);
      words.push({ value: processWord(raw, undefined, model.escapeChar).value, raw, start: text.offsetAt(i), end: text.offsetAt(j - 1) + 1 });
      i = j;
    }
  }
  args = { json: !!exec, words };
  model.memo.words.set(ins, args);
  return args;
}

/** An instruction's word with its variables expanded from a table (JSON strings are not lexed again). */
export function expandWord(model: DockerfileModel, word: InstructionWord, vars: VariableTable, json: boolean): { value: string; unresolved: boolean } {
  return json ? expandVariables(word.value, vars, model.escapeChar) : processWord(word.raw, vars, model.escapeChar);
}
