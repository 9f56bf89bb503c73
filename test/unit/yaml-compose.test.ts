import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, Scalar, YAMLMap, YAMLSeq, isPair, parseAllDocuments } from 'yaml';
import { ComposedDocument, composeDocuments } from '../../src/core/yamlCompose';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The first difference between two composed trees (class, range, value, type, source, flow, format, tag, anchor, items), or undefined. */
function difference(a: unknown, b: unknown, at: string): string | undefined {
  if (a === b) return undefined;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b) ? undefined : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  if (a.constructor !== b.constructor) return `${at}: ${a.constructor.name} vs ${b.constructor.name}`;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (JSON.stringify(x.range) !== JSON.stringify(y.range)) return `${at}.range: ${JSON.stringify(x.range)} vs ${JSON.stringify(y.range)}`;
  for (const k of ['type', 'source', 'flow', 'format', 'minFractionDigits', 'tag', 'anchor']) {
    if (!Object.is(x[k], y[k])) return `${at}.${k}: ${JSON.stringify(x[k])} vs ${JSON.stringify(y[k])}`;
  }
  if (isPair(a)) return difference(a.key, (b as typeof a).key, `${at}.key`) ?? difference(a.value, (b as typeof a).value, `${at}.value`);
  if (a instanceof Scalar) return Object.is(a.value, (b as Scalar).value) ? undefined : `${at}.value: ${String(a.value)} vs ${String((b as Scalar).value)}`;
  const ia = (a as YAMLMap | YAMLSeq).items as unknown[] | undefined;
  const ib = (b as YAMLMap | YAMLSeq).items as unknown[];
  // An alias: its source (compared above) is all it has.
  if (!ia) return undefined;
  if (ia.length !== ib.length) return `${at}: ${ia.length} items vs ${ib.length}`;
  for (let i = 0; i < ia.length; i++) {
    const d = difference(ia[i], ib[i], `${at}[${i}]`);
    if (d) return d;
  }
  return undefined;
}

function composed(text: string): ComposedDocument[] {
  return composeDocuments(text).docs;
}

/** How the two composers differ on a text (undefined: not at all), and how many documents were composed here. */
function compare(text: string): { diff?: string; fast: number; docs: number } {
  const reference = parseAllDocuments(text, { lineCounter: new LineCounter(), uniqueKeys: false, prettyErrors: false });
  const expected = (Array.isArray(reference) ? reference : [reference]) as Document[];
  const actual = composed(text);
  const fast = actual.filter((d) => !(d instanceof Document)).length;
  if (expected.length !== actual.length) return { diff: `${expected.length} documents vs ${actual.length}`, fast, docs: expected.length };
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i].errors.map((x) => `${x.code}@${x.pos.join('-')}: ${x.message}`);
    const a = actual[i].errors.map((x) => `${x.code}@${x.pos.join('-')}: ${x.message}`);
    if (e.join('\n') !== a.join('\n')) return { diff: `document ${i} errors: ${e.join('; ')} vs ${a.join('; ')}`, fast, docs: expected.length };
    const d = difference(expected[i].contents, actual[i].contents, `document ${i}`);
    if (d) return { diff: d, fast, docs: expected.length };
  }
  return { fast, docs: expected.length };
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(f, out);
    else if (/\.ya?ml$/i.test(e.name)) out.push(f);
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scalars of plain manifests (composed here) and of everything else (anchors, tags, escapes, errors…). */
const PLAIN_SCALARS = [
  'web', 'nginx:1.25', 'a b', 'a:b', 'true', 'False', 'yes', '~', 'null', 'NULL', '0', '-12', '+7', '0o17', '0x1F', '1.50', '2.0',
  '.5', '1e3', '-1.2E-3', '.inf', '-.Inf', '.NaN', '100m', '"quoted"', '"tab\tinside"', "'single'", "''", '""', 'a #comment',
  '[]', '{}', '[a, b]', '{a: 1, b}', '[a,]', '[ ]', '{a: [1, {b: c}]}', '[\n  a,\n  b\n]',
];
const OTHER_SCALARS = [
  '"with \\"escape\\""', '"a\\nb"', "'it''s'", '"unterminated', "'also", '@at', '`tick', '%pct', '|\n  block', '>-\n  folded',
  '&anchor value', '*alias', '!!str 12', '!custom x', '"x"#tight', '[a, , b]', '[a: b]', '{? a : b}', '[a # c\n]', '{a: 1 # c\n}',
  'multi\n  line', '"multi\n  line"', '- x', 'k: v',
];
const PLAIN_KEYS = ['name', 'image', '<<', 'true', '1', '"quoted key"', "'single key'", 'a b', 'x'];
const OTHER_KEYS = ['x'.repeat(1030), '? explicit', '', '&k key', '[flow, key]', '!!str k', '"multi\n key"'];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

/** A random YAML document: block and flow collections, every scalar style, comments, blank lines, empty values. */
function generate(rnd: () => number, depth: number, indent: number, unit: number): string {
  const pad = ' '.repeat(indent);
  const r = rnd();
  if (depth > 2 || r < 0.25) return pick(rnd, rnd() < 0.85 ? PLAIN_SCALARS : OTHER_SCALARS);
  const lines: string[] = [];
  const n = 1 + Math.floor(rnd() * 4);
  const seq = r < 0.5;
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.15) lines.push(`${pad}# note ${i}`);
    if (rnd() < 0.1) lines.push('');
    const value = rnd() < 0.1 ? '' : generate(rnd, depth + 1, indent + unit, unit);
    const nested = value.includes('\n') && !/^["'[{]/.test(value) && !value.startsWith('multi');
    const comment = rnd() < 0.15 ? ' # trailing' : '';
    const head = seq ? '-' : `${pick(rnd, rnd() < 0.9 ? PLAIN_KEYS : OTHER_KEYS)}:`;
    if (nested) lines.push(`${pad}${head}${comment}\n${value}`);
    else lines.push(`${pad}${head}${value === '' ? '' : ' '}${value}${comment}`);
  }
  if (rnd() < 0.1) lines.push(`${pad}# end`);
  return lines.join('\n');
}

/** Changes one character: the kind of typo that makes YAML invalid in an unusual place. */
function mutate(rnd: () => number, text: string): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const ch = pick(rnd, [' ', '\t', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '\n', '&', '*', '!', '?', '|', '']);
  return rnd() < 0.5 ? text.slice(0, at) + ch + text.slice(at) : text.slice(0, at) + ch + text.slice(at + 1);
}

describe('YAML composition from the CST', () => {
  it('composes exactly as yaml does every YAML file of the repository (examples and test fixtures)', () => {
    const files = [...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, 'test', 'fixtures'))];
    assert.ok(files.length > 100, `found only ${files.length} YAML files`);
    let fast = 0;
    let docs = 0;
    const diffs: string[] = [];
    for (const f of files) {
      const r = compare(fs.readFileSync(f, 'utf8'));
      if (r.diff) diffs.push(`${path.relative(ROOT, f)}: ${r.diff}`);
      fast += r.fast;
      docs += r.docs;
    }
    assert.deepStrictEqual(diffs, []);
    // Many fixtures are odd on purpose (templates, anchors, broken YAML); still, much is composed here.
    assert.ok(fast > docs * 0.4, `${fast} of ${docs} documents composed here`);
  });

  it('composes exactly as yaml does on generated documents, valid and broken, LF and CRLF', () => {
    const rnd = random(20261201);
    const diffs: string[] = [];
    let fast = 0;
    let docs = 0;
    for (let i = 0; i < 600; i++) {
      let text = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => generate(rnd, 0, 0, pick(rnd, [2, 4]))).join(pick(rnd, ['\n---\n', '\n...\n---\n', '\n--- # c\n', '\n']));
      if (rnd() < 0.4) text = mutate(rnd, text);
      if (rnd() < 0.2) text = text.replace(/\n/g, '\r\n');
      if (rnd() < 0.05) text = '\uFEFF' + text;
      if (rnd() < 0.05) text = `%YAML 1.2\n---\n${text}`;
      if (rnd() < 0.1) text += '\n...\n';
      const r = compare(text);
      if (r.diff && diffs.length < 5) diffs.push(`case ${i}: ${r.diff}\n${JSON.stringify(text)}`);
      fast += r.fast;
      docs += r.docs;
    }
    assert.deepStrictEqual(diffs, []);
    assert.ok(fast > 100 && fast < docs, `${fast} of ${docs} generated documents composed here`);
  });

  it('composes plain documents itself, with yaml\'s nodes, tags and ranges', () => {
    const text = 'a: 1\nb: [x, "y", {c: 0o17}]\nc:\n  - 1.50\n  -\n  - ~\nd: # why\ne: .inf\n';
    const [doc] = composed(text);
    assert.ok(!(doc instanceof Document), 'composed here');
    assert.deepStrictEqual(doc.errors, []);
    const root = doc.contents as YAMLMap<Scalar, unknown>;
    assert.ok(root instanceof YAMLMap);
    assert.deepStrictEqual(root.range, [0, text.length, text.length]);
    const b = root.items[1].value as YAMLSeq;
    assert.strictEqual(b.flow, true);
    assert.deepStrictEqual(b.range, [8, 27, 28]);
    const quoted = b.items[1] as Scalar;
    assert.strictEqual(quoted.type, Scalar.QUOTE_DOUBLE);
    assert.strictEqual(quoted.value, 'y');
    const oct = (b.items[2] as YAMLMap<Scalar, Scalar>).items[0].value!;
    assert.strictEqual(oct.value, 15);
    assert.strictEqual(oct.format, 'OCT');
    const c = root.items[2].value as YAMLSeq<Scalar>;
    assert.strictEqual(c.items[0].value, 1.5);
    assert.strictEqual(c.items[0].minFractionDigits, 2);
    assert.strictEqual(c.items[1].value, null);
    assert.deepStrictEqual(c.items[1].range, [43, 43, 43]);
    // An empty value followed by a comment ends after the comment, as in yaml.
    const d = root.items[3].value as Scalar;
    assert.strictEqual(d.value, null);
    assert.deepStrictEqual(d.range, [53, 53, 59]);
    assert.strictEqual((root.items[4].value as Scalar).value, Infinity);
    assert.strictEqual(compare(text).diff, undefined);
  });

  it('leaves to yaml what it does not compose: anchors, tags, block scalars, escapes, errors, directives', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  text\n', 'a: "x\\ty"\n', "a: 'it''s'\n", 'a: b\n c\n', 'a:\tb: c\n', '- [a: b]\n', 'a: [b, # c\n  d]\n', 'a: "x\n']) {
      const docs = composed(text);
      assert.ok(docs[0] instanceof Document, `${JSON.stringify(text)} goes to yaml's Composer`);
      assert.strictEqual(compare(text).diff, undefined, JSON.stringify(text));
    }
    // A directive, an error token or a second `...` concerns the documents around it: yaml's Parser
    // and Composer read the whole text again, with a line counter and tokens of their own.
    for (const text of ['a: 1\n---\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n', '%TAG ! tag:example.com,2000:\n---\na: 1\n', 'a: 1\n... x\n---\nb: 2\n']) {
      const again = composeDocuments(text, true);
      assert.ok(again.docs.every((d) => d instanceof Document), JSON.stringify(text));
      assert.strictEqual(compare(text).diff, undefined, JSON.stringify(text));
      assert.deepStrictEqual(again.lineCounter.lineStarts, text.split('\n').slice(0, -1).reduce((acc, line) => [...acc, acc[acc.length - 1] + line.length + 1], [0]));
      assert.strictEqual(again.tokens!.map((t) => ('source' in t ? t.source : '')).join('').length > 0, true);
    }
    // A document yaml reports an error in keeps the error and its position.
    const broken = composed('a: 1\n---\nb: [1, 2\n---\nc: 3\n');
    assert.deepStrictEqual(broken.map((d) => d instanceof Document), [false, true, false]);
    assert.ok(broken[1].errors.length > 0);
  });

  it('gives the line starts and, when asked, the CST tokens it read', () => {
    const text = 'a: 1\r\n---\r\nb: [x]\r\n';
    const plain = composeDocuments(text);
    assert.strictEqual(plain.tokens, undefined);
    assert.deepStrictEqual(plain.lineCounter.lineStarts, [0, 6, 11, 19]);
    const kept = composeDocuments(text, true);
    assert.deepStrictEqual(kept.tokens!.map((t) => t.type), ['document', 'document']);
    assert.ok(kept.docs.every((d) => !(d instanceof Document)));
  });

  it('the comparison finds a difference (the checks can fail)', () => {
    const [a] = composed('a: [1, 2]\n');
    const [b] = composed('a: [1, 2]\n');
    ((b.contents as YAMLMap).items[0].value as YAMLSeq<Scalar>).items[1].range = [7, 8, 9];
    assert.match(difference(a.contents, b.contents, 'doc') ?? '', /doc\[0\]\.value\[1\]\.range/);
    const [c] = composed("a: 'x'\n");
    assert.match(difference(composed('a: "x"\n')[0].contents, c.contents, 'doc') ?? '', /doc\[0\]\.value\.type/);
  });
});
