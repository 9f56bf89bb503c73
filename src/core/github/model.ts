/**
 * A GitHub Actions workflow (`.github/workflows/*.yml`) read for its security-relevant parts:
 * triggers, top-level and per-job `permissions`, and each step's `uses`, `run`, `with`, `env`.
 * Scripts are read from the source text (not the folded value), so every offset a rule reports
 * is a place in the file, inside block scalars and with CRLF line breaks too.
 */
import { Composer, CST, isMap, isPair, isScalar, isSeq, LineCounter, Pair, Parser, Scalar, YAMLMap } from 'yaml';
import { SourceComment } from '../suppress';
import { LineIndex } from '../text';
import { MappedText, ShellWord, contiguousText, piecewiseText } from '../dockerfile/shell';
import { collectComments } from '../kubernetes/model';
import { Range } from '../model';

export type KeyPair = Pair<Scalar, unknown>;

/** One step of a job. */
export interface StepInfo {
  node: YAMLMap;
  uses?: Scalar;
  run?: Scalar;
  with?: YAMLMap;
  env?: YAMLMap;
}

/** One job of the workflow. */
export interface JobInfo {
  id: string;
  key: Scalar;
  node: YAMLMap;
  permissions?: KeyPair;
  /** A job that calls a reusable workflow (`jobs.<id>.uses`). */
  uses?: Scalar;
  env?: YAMLMap;
  steps: StepInfo[];
}

export interface WorkflowModel {
  text: string;
  lines: LineIndex;
  comments: SourceComment[];
  /** Event names the workflow runs on. */
  triggers: Set<string>;
  permissions?: KeyPair;
  /** Workflow-level `env`. */
  env?: YAMLMap;
  /** Undefined when the file does not parse (see `problems`). */
  jobsKey?: Scalar;
  jobs: JobInfo[];
  /** YAML errors of a file that does not parse: GitHub rejects it, and nothing else is checked. */
  problems: Array<{ message: string; start: number; end: number }>;
  /** What several rules share, computed on first use (see ARCHITECTURE.md: per-model, never module-level). */
  memo: { commands?: ReadonlyArray<{ words: ShellWord[] }> };
}

function pairOf(map: YAMLMap | undefined, key: string): KeyPair | undefined {
  if (!map) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key) return item as KeyPair;
  }
  return undefined;
}

/** The map under a key, if it is one. */
export function mapAt(map: YAMLMap | undefined, key: string): YAMLMap | undefined {
  const v = pairOf(map, key)?.value;
  return isMap(v) ? v : undefined;
}

/** The scalar under a key, if it is one with a source range. */
export function scalarAt(map: YAMLMap | undefined, key: string): Scalar | undefined {
  const v = pairOf(map, key)?.value;
  return isScalar(v) && v.range ? v : undefined;
}

/** A string scalar's value, else undefined. */
export function stringOf(node: Scalar | undefined): string | undefined {
  return node && typeof node.value === 'string' ? node.value : undefined;
}

export { pairOf };

function triggersOf(value: unknown): Set<string> {
  const out = new Set<string>();
  if (isScalar(value) && typeof value.value === 'string') {
    out.add(value.value);
  } else if (isSeq(value)) {
    for (const item of value.items) if (isScalar(item) && typeof item.value === 'string') out.add(item.value);
  } else if (isMap(value)) {
    for (const item of value.items) if (isPair(item) && isScalar(item.key) && typeof item.key.value === 'string') out.add(item.key.value);
  }
  return out;
}

function stepsOf(job: YAMLMap): StepInfo[] {
  const steps = pairOf(job, 'steps')?.value;
  if (!isSeq(steps)) return [];
  const out: StepInfo[] = [];
  for (const item of steps.items) {
    if (!isMap(item)) continue;
    out.push({ node: item, uses: scalarAt(item, 'uses'), run: scalarAt(item, 'run'), with: mapAt(item, 'with'), env: mapAt(item, 'env') });
  }
  return out;
}

/**
 * Parses a workflow; undefined when the text is not one (no `jobs` map at the top). A text that
 * does not parse gives a model with its `problems` and nothing else. Never throws.
 */
export function parseWorkflow(text: string): WorkflowModel | undefined {
  const lineCounter = new LineCounter();
  const tokens: CST.Token[] | undefined = text.includes('shipshape-ignore') ? [] : undefined;
  let root: unknown;
  let errors: Array<{ message: string; pos: [number, number] }> = [];
  try {
    const parser = new Parser(lineCounter.addNewLine);
    const composer = new Composer();
    let docs = 0;
    for (const token of parser.parse(text)) {
      tokens?.push(token);
      for (const doc of composer.next(token)) {
        if (docs++ === 0) ({ root, errors } = firstDocument(doc));
      }
    }
    for (const doc of composer.end()) if (docs++ === 0) ({ root, errors } = firstDocument(doc));
  } catch {
    return undefined;
  }
  if (errors.length) {
    const e = errors[0];
    return {
      text, lines: new LineIndex(text), comments: [], triggers: new Set(), jobs: [], memo: {},
      problems: [{ message: e.message.split('\n')[0], start: e.pos[0], end: Math.max(e.pos[0], e.pos[1]) }],
    };
  }
  if (!isMap(root)) return undefined;
  const jobsPair = pairOf(root, 'jobs');
  if (!jobsPair || !isMap(jobsPair.value) || !jobsPair.key.range) return undefined;
  const jobs: JobInfo[] = [];
  for (const item of jobsPair.value.items) {
    if (!isPair(item) || !isScalar(item.key) || !item.key.range || !isMap(item.value)) continue;
    const node = item.value;
    jobs.push({ id: String(item.key.value), key: item.key, node, permissions: pairOf(node, 'permissions'), uses: scalarAt(node, 'uses'), env: mapAt(node, 'env'), steps: stepsOf(node) });
  }
  let comments: SourceComment[] = [];
  if (tokens) {
    try {
      comments = collectComments(tokens, text, lineCounter);
    } catch {
      comments = [];
    }
  }
  return {
    text,
    lines: new LineIndex(text),
    comments,
    triggers: triggersOf(pairOf(root, 'on')?.value),
    permissions: pairOf(root, 'permissions'),
    env: mapAt(root, 'env'),
    jobsKey: jobsPair.key,
    jobs,
    problems: [],
    memo: {},
  };
}

function firstDocument(doc: { errors: Array<{ message: string; pos: [number, number] }>; contents: unknown }): { root: unknown; errors: Array<{ message: string; pos: [number, number] }> } {
  return { root: doc.errors.length ? undefined : doc.contents, errors: doc.errors };
}

/** Range of a node's value in the file. */
export function nodeRange(model: WorkflowModel, node: { range?: [number, number, number] | null }): Range {
  const [start, end] = node.range ?? [0, 0];
  return model.lines.rangeOf(start, end);
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * The text of a scalar as it is written, each character mapped to its offset in the file: a block
 * scalar's lines without their indentation (what `run: |` hands the shell), a quoted scalar
 * without its quotes. Expressions (`${{ … }}`) and shell words are found in this text.
 */
export function scalarSource(model: WorkflowModel, node: Scalar): MappedText {
  const [start, end] = node.range ?? [0, 0];
  const text = model.text;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // Content starts on the line after the header (`|`, `>-`, `|2` and a comment).
    LINE_BREAK.lastIndex = start;
    const header = LINE_BREAK.exec(text);
    if (!header || header.index >= end) return contiguousText('', end);
    let at = header.index + header[0].length;
    let indent = -1;
    let out = '';
    const pieces: Array<[number, number]> = [];
    while (at < end) {
      LINE_BREAK.lastIndex = at;
      const m = LINE_BREAK.exec(text);
      const lineEnd = m && m.index < end ? m.index : end;
      const line = text.slice(at, lineEnd);
      const lead = /^ */.exec(line)![0].length;
      if (indent < 0 && lead < line.length) indent = lead;
      const skip = Math.min(lead, indent < 0 ? lead : indent);
      if (out.length > 0) out += '\n';
      pieces.push([out.length, at + skip]);
      out += line.slice(skip);
      if (!m || m.index >= end) break;
      at = m.index + m[0].length;
    }
    return pieces.length ? piecewiseText(out, pieces) : contiguousText('', end);
  }
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    return contiguousText(text.slice(start + 1, Math.max(start + 1, end - 1)), start + 1);
  }
  return contiguousText(text.slice(start, end), start);
}

/** Range in the file of `src.text[from, to)`. */
export function mappedRange(model: WorkflowModel, src: MappedText, from: number, to: number): Range {
  const start = src.offsetAt(from);
  const end = to > from ? src.offsetAt(to - 1) + 1 : start;
  return model.lines.rangeOf(start, end);
}
