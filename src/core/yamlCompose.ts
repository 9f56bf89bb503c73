/**
 * Composes YAML documents from the `yaml` package's CST, quicker than its `Composer` for the
 * plain YAML that manifests are made of, and with the same nodes.
 *
 * `yaml`'s Composer is general: every node goes through property resolution (anchors, tags,
 * comments, spacing), a per-document schema and error bookkeeping. Most Kubernetes and Compose
 * documents use none of that: block and flow collections of plain and simply quoted scalars. This
 * module builds those documents itself, with `yaml`'s own node classes (`YAMLMap`, `YAMLSeq`,
 * `Pair`, `Scalar`), `yaml`'s own scalar tags (the core schema's tests and resolvers) and the
 * Composer's ranges, so a rule or a fix cannot tell the difference. Whatever it does not handle —
 * an anchor, an alias, a tag, a block scalar, a multi-line or escaped scalar, a comment between
 * the items of a flow collection, a tab in indentation, anything the Composer would report as an
 * error — sends that document to `yaml`'s Composer, which then decides exactly as before (a
 * directive, the whole text). The documents composed here therefore never carry errors.
 *
 * What it leaves out: comments and blank lines are not attached to the nodes (`commentBefore`,
 * `comment`, `spaceBefore` stay unset). The analysers read comments from the CST (suppression
 * directives); test/unit/yaml-compose.test.ts compares both composers on every YAML file of the
 * repository's examples and test fixtures and on generated documents, valid and broken.
 */
import { Composer, CST, Document, LineCounter, Pair, Parser, Scalar, YAMLMap, YAMLSeq, isScalar } from 'yaml';

/** A composed document: what the analysers read of a `yaml` Document. */
export interface ComposedDocument {
  contents: unknown;
  errors: Document['errors'];
}

/** The Composer's options here: duplicate keys are the caller's to find (in linear time). */
const OPTIONS = { uniqueKeys: false } as const;

/** Deeper collections than this go to `yaml`'s Composer (which has its own limits). */
const MAX_DEPTH = 200;

/** The schema, parse options and default scalar tags of `yaml`'s core schema, made once. */
interface Core {
  schema: Document['schema'];
  options: Document['options'];
  /** The default scalar tags that test a plain scalar, in the schema's order. */
  tests: Array<{ test: RegExp; resolve: (value: string, onError: (message: string) => void, options: Document['options']) => unknown; format?: string }>;
  /** The tag of strings (quoted scalars, and plain ones no test matches). */
  str: { resolve: (value: string, onError: (message: string) => void, options: Document['options']) => unknown; format?: string };
}

let core: Core | undefined;

function coreOf(): Core {
  if (core) return core;
  const doc = new Document(undefined, OPTIONS);
  const tests: Core['tests'] = [];
  let str: Core['str'] | undefined;
  for (const tag of doc.schema.tags as unknown as Array<Core['tests'][number] & { default?: unknown; collection?: string; tag: string; test?: RegExp }>) {
    if (tag.collection) continue;
    if (tag.default === true && tag.test) tests.push(tag as Core['tests'][number]);
    if (tag.tag === 'tag:yaml.org,2002:str') str = tag;
  }
  if (!str) throw new Error('yaml: the core schema has no string tag');
  return (core = { schema: doc.schema, options: doc.options, tests, str });
}

/** Thrown (and caught here) when a document needs `yaml`'s Composer. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

function unsupported(): never {
  throw UNSUPPORTED;
}

/** What the properties before a node or an item say (the part of the Composer's that matters here). */
interface Props {
  /** The indicator looked for (`-`, `:`, `?`, `---`), when present. */
  found: CST.SourceToken | null;
  comma: CST.SourceToken | null;
  hasNewline: boolean;
  hasComment: boolean;
  /** The offset after the last token. */
  end: number;
}

/**
 * Reads the source tokens before a node or an item. Gives up on anchors, tags, tabs in block
 * context, a repeated indicator, a comma outside a flow collection, a comment not preceded by
 * white space and any other token: those are for the Composer.
 */
function propsOf(tokens: readonly CST.SourceToken[], indicator: string, inFlow: boolean, startOnNewline: boolean, offset: number): Props {
  let hasSpace = startOnNewline;
  let hasNewline = false;
  let hasComment = false;
  let found: CST.SourceToken | null = null;
  let comma: CST.SourceToken | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const type = t.type;
    if (type === 'space') {
      if (!inFlow && t.source.includes('\t')) unsupported();
      hasSpace = true;
    } else if (type === 'newline') {
      hasNewline = true;
      hasSpace = true;
    } else if (type === 'comment') {
      if (!hasSpace) unsupported();
      hasComment = true;
    } else if (type === indicator) {
      if (found) unsupported();
      found = t;
      hasSpace = false;
    } else if (type === 'comma' && inFlow) {
      if (comma) unsupported();
      comma = t;
      hasSpace = false;
    } else {
      unsupported();
    }
  }
  const last = tokens.length > 0 ? tokens[tokens.length - 1] : undefined;
  return { found, comma, hasNewline, hasComment, end: last ? last.offset + last.source.length : offset };
}

/** The offset after the white space and comments that end a node (a comment needs white space before it when `strict`). */
function endOf(tokens: readonly CST.SourceToken[] | undefined, offset: number, strict: boolean): number {
  if (!tokens) return offset;
  let hasSpace = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'space' || t.type === 'newline') hasSpace = true;
    else if (t.type !== 'comment' || (strict && !hasSpace)) unsupported();
    offset += t.source.length;
  }
  return offset;
}

/**
 * Where the Composer places an empty value: after the last token before it that is not white
 * space, a newline or a comment, and after the spaces that directly follow that token; with no
 * such token, before all of them.
 */
function emptyPosition(offset: number, before: readonly CST.SourceToken[] | undefined): number {
  if (!before) return offset;
  let i = before.length - 1;
  while (i >= 0 && (before[i].type === 'space' || before[i].type === 'comment' || before[i].type === 'newline')) {
    offset -= before[i].source.length;
    i--;
  }
  if (i < 0) return offset;
  for (let j = i + 1; j < before.length && before[j].type === 'space'; j++) offset += before[j].source.length;
  return offset;
}

/** Plain scalars may not start with these (the Composer reports them). */
function badPlainStart(code: number): boolean {
  // \t , % | > @ `
  return code === 9 || code === 44 || code === 37 || code === 124 || code === 62 || code === 64 || code === 96;
}

/** A scalar node with the tag that `yaml` would give it, from its value as written. */
function makeScalar(value: string, plain: boolean, type: Scalar.Type, offset: number, valueEnd: number, end: number): Scalar {
  const c = coreOf();
  let tag: Core['str'] = c.str;
  if (plain) {
    for (let i = 0; i < c.tests.length; i++) {
      if (c.tests[i].test.test(value)) {
        tag = c.tests[i];
        break;
      }
    }
  }
  const res = tag.resolve(value, unsupported, c.options);
  const scalar = isScalar(res) ? res : new Scalar(res);
  scalar.range = [offset, valueEnd, end];
  scalar.source = value;
  scalar.type = type;
  if (tag.format) scalar.format = tag.format;
  return scalar;
}

/** A plain or quoted scalar on one line, without escapes; anything else is for the Composer. */
function flowScalar(token: CST.FlowScalar): Scalar {
  const src = token.source;
  const valueEnd = token.offset + src.length;
  if (src.includes('\n') || src.includes('\r')) unsupported();
  let value: string;
  let type: Scalar.Type;
  if (token.type === 'scalar') {
    if (src.length > 0 && badPlainStart(src.charCodeAt(0))) unsupported();
    value = src;
    type = Scalar.PLAIN;
  } else {
    const quote = token.type === 'single-quoted-scalar' ? "'" : '"';
    if (src.length < 2 || src[src.length - 1] !== quote) unsupported();
    value = src.slice(1, -1);
    // '' in single quotes and any escape in double quotes need the Composer's unescaping.
    if (value.includes(quote) || (quote === '"' && value.includes('\\'))) unsupported();
    type = quote === "'" ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE;
  }
  return makeScalar(value, token.type === 'scalar', type, token.offset, valueEnd, endOf(token.end, valueEnd, true));
}

/** The empty (null) value of an item, as the Composer places it. */
function emptyScalar(offset: number, before: readonly CST.SourceToken[] | undefined, props: Props): Scalar {
  const at = emptyPosition(offset, before);
  const scalar = makeScalar('', true, Scalar.PLAIN, at, at, at);
  if (props.hasComment) scalar.range![2] = props.end;
  return scalar;
}

function isScalarToken(token: CST.Token): token is CST.FlowScalar {
  return token.type === 'scalar' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar';
}

function node(token: CST.Token, depth: number): Scalar | YAMLMap | YAMLSeq {
  if (depth > MAX_DEPTH) unsupported();
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      return flowScalar(token);
    case 'block-map':
      return blockMap(token, depth + 1);
    case 'block-seq':
      return blockSeq(token, depth + 1);
    case 'flow-collection':
      return flowCollection(token, depth + 1);
    default:
      return unsupported();
  }
}

function blockMap(bm: CST.BlockMap, depth: number): YAMLMap {
  const map = new YAMLMap(coreOf().schema);
  let offset = bm.offset;
  let commentEnd: number | undefined;
  for (let i = 0; i < bm.items.length; i++) {
    const { start, key, sep, value } = bm.items[i];
    const keyProps = propsOf(start, 'explicit-key-ind', false, true, offset);
    if (keyProps.found) unsupported();
    if (!sep) {
      // An item of comments only (at the end of the mapping).
      if (key) unsupported();
      commentEnd = keyProps.end;
      continue;
    }
    if (!key || !isScalarToken(key) || key.indent !== bm.indent) unsupported();
    if (key.end) for (const t of key.end) if (t.type === 'newline') unsupported();
    const keyNode = flowScalar(key);
    const valueProps = propsOf(sep, 'map-value-ind', false, false, keyNode.range![2]);
    if (!valueProps.found) unsupported();
    if (value?.type === 'block-map' && !valueProps.hasNewline) unsupported();
    // The `:` of an implicit key must be within 1024 characters of the key's start.
    if (keyProps.end < valueProps.found.offset - 1024) unsupported();
    offset = valueProps.end;
    const valueNode = value ? node(value, depth) : emptyScalar(offset, sep, valueProps);
    offset = valueNode.range![2];
    map.items.push(new Pair(keyNode, valueNode));
  }
  if (commentEnd !== undefined && commentEnd < offset) unsupported();
  map.range = [bm.offset, offset, commentEnd ?? offset];
  return map;
}

function blockSeq(bs: CST.BlockSequence, depth: number): YAMLSeq {
  const seq = new YAMLSeq(coreOf().schema);
  let offset = bs.offset;
  let commentEnd: number | undefined;
  for (let i = 0; i < bs.items.length; i++) {
    const { start, value } = bs.items[i];
    const props = propsOf(start, 'seq-item-ind', false, true, offset);
    if (!props.found) {
      if (value) unsupported();
      commentEnd = props.end;
      continue;
    }
    const item = value ? node(value, depth) : emptyScalar(props.end, start, props);
    offset = item.range![2];
    seq.items.push(item);
  }
  seq.range = [bs.offset, offset, commentEnd ?? offset];
  return seq;
}

/** A flow value: a scalar or a nested flow collection (block collections inside flow are errors). */
function flowValue(token: CST.Token, depth: number): Scalar | YAMLMap | YAMLSeq {
  if (token.type === 'flow-collection') return flowCollection(token, depth + 1);
  if (!isScalarToken(token)) unsupported();
  return flowScalar(token);
}

function flowCollection(fc: CST.FlowCollection, depth: number): YAMLMap | YAMLSeq {
  if (depth > MAX_DEPTH) unsupported();
  const isMap = fc.start.source === '{';
  const coll = isMap ? new YAMLMap(coreOf().schema) : new YAMLSeq(coreOf().schema);
  coll.flow = true;
  let offset = fc.offset + fc.start.source.length;
  const n = fc.items.length;
  for (let i = 0; i < n; i++) {
    const { start, key, sep, value } = fc.items[i];
    const props = propsOf(start, 'explicit-key-ind', true, false, offset);
    // Comments inside a flow collection belong to neighbouring items: the Composer's business.
    if (props.found || props.hasComment) unsupported();
    if (!sep && !value) {
      // Only the last item may be empty (after a trailing comma, or the space of `[ ]`).
      if (key || (i === 0 && props.comma) || i < n - 1) unsupported();
      offset = props.end;
      continue;
    }
    if (i === 0 ? props.comma : !props.comma) unsupported();
    if (!isMap) {
      // A pair inside a flow sequence (`[a: b]`) is for the Composer.
      if (key || sep || !value) unsupported();
      const item = flowValue(value, depth);
      (coll as YAMLSeq).items.push(item);
      offset = item.range![2];
      continue;
    }
    if (!key || !isScalarToken(key)) unsupported();
    const keyNode = flowScalar(key);
    const valueProps = propsOf(sep ?? [], 'map-value-ind', true, false, keyNode.range![2]);
    if (valueProps.hasComment || valueProps.comma || (!valueProps.found && value)) unsupported();
    const valueNode = value ? flowValue(value, depth) : valueProps.found ? emptyScalar(valueProps.end, sep, valueProps) : null;
    (coll as YAMLMap).items.push(new Pair(keyNode, valueNode));
    offset = valueNode ? valueNode.range![2] : valueProps.end;
  }
  const [close, ...rest] = fc.end;
  if (!close || close.source !== (isMap ? '}' : ']')) unsupported();
  const closeEnd = close.offset + close.source.length;
  coll.range = [fc.offset, closeEnd, rest.length > 0 ? endOf(rest, closeEnd, true) : closeEnd];
  return coll;
}

/** A document, or undefined when it is for the Composer. */
function composeDocument(doc: CST.Document): ComposedDocument | undefined {
  try {
    const props = propsOf(doc.start, 'doc-start', false, true, doc.offset);
    const value = doc.value;
    if (props.found && value && (value.type === 'block-map' || value.type === 'block-seq') && !props.hasNewline) unsupported();
    const contents = value ? node(value, 0) : emptyScalar(props.end, doc.start, props);
    endOf(doc.end, contents.range![2], false);
    return { contents, errors: [] };
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

/** Whether the Composer would take a `...` after a document without an error. */
function cleanDocEnd(token: CST.DocumentEnd): boolean {
  try {
    endOf(token.end, token.offset + token.source.length, true);
    return true;
  } catch (e) {
    if (e === UNSUPPORTED) return false;
    throw e;
  }
}

/** What a text parses into. */
export interface ComposedText {
  docs: ComposedDocument[];
  lineCounter: LineCounter;
  /** The CST's top-level tokens, when asked for. */
  tokens?: CST.Token[];
}

/** Adds what a Composer yields (its `Document`s) to a list of composed documents. */
function take(docs: ComposedDocument[], yielded: Iterable<unknown>): void {
  for (const d of yielded) docs.push(d as ComposedDocument);
}

/** Parser and Composer, as `parseAllDocuments` runs them. */
function viaComposer(text: string, keepTokens: boolean): ComposedText {
  const lineCounter = new LineCounter();
  const tokens: CST.Token[] | undefined = keepTokens ? [] : undefined;
  const docs: ComposedDocument[] = [];
  const composer = new Composer(OPTIONS);
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    tokens?.push(token);
    take(docs, composer.next(token));
  }
  take(docs, composer.end());
  return { docs, lineCounter, tokens };
}

/**
 * Parses a text into its documents, as `parseAllDocuments` with `uniqueKeys: false` and a line
 * counter would (same nodes, same ranges, same errors; no comments on the nodes). Each document
 * is composed as soon as the parser gives it, so its CST dies young. A document this module does
 * not compose goes to a Composer of its own (documents do not depend on each other without
 * directives). A directive, a stray token or a `...` the Composer would complain about affects
 * the documents around it: then the whole text is parsed again by yaml's Parser and Composer.
 * Throws what the Composer throws (pathological nesting can exhaust its recursion).
 */
export function composeDocuments(text: string, keepTokens = false): ComposedText {
  const lineCounter = new LineCounter();
  const tokens: CST.Token[] | undefined = keepTokens ? [] : undefined;
  const docs: ComposedDocument[] = [];
  // The Composer of the last document when it is not composed here (it holds the document until its `...`).
  let composer: Composer | undefined;
  let open = false;
  let ended = false;
  const close = (): void => {
    if (composer) take(docs, composer.end());
    composer = undefined;
  };
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    tokens?.push(token);
    switch (token.type) {
      case 'document': {
        close();
        const composed = composeDocument(token);
        if (composed) {
          docs.push(composed);
        } else {
          composer = new Composer(OPTIONS);
          take(docs, composer.next(token));
        }
        open = true;
        ended = false;
        continue;
      }
      case 'doc-end':
        if (!open || ended) return viaComposer(text, keepTokens);
        if (composer) take(docs, composer.next(token));
        else if (!cleanDocEnd(token)) return viaComposer(text, keepTokens);
        ended = true;
        continue;
      case 'comment':
      case 'newline':
      case 'space':
      case 'byte-order-mark':
        // Comments before a document become its `commentBefore` in the Composer: not kept here.
        continue;
      default:
        // A directive or an error token: the Composer reads the whole text.
        return viaComposer(text, keepTokens);
    }
  }
  close();
  return { docs, lineCounter, tokens };
}
