import * as assert from 'assert';
import { LineCounter, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { applyEdits, eolOf, LineIndex } from '../../src/core/text';
import { EditContext, ensureInSeq, patchMap, removePair, removeSeqItems, setKey } from '../../src/core/kubernetes/yamlEdit';
import { TextEdit } from '../../src/core/model';

/** Parses any YAML text into an edit context and its root node (the module is not Kubernetes-specific). */
function open(text: string, indentUnit = 2): { ctx: EditContext; root: YAMLMap; at(path: string[]): YAMLMap | YAMLSeq } {
  const doc = parseDocument(text, { lineCounter: new LineCounter() });
  assert.deepStrictEqual(doc.errors, []);
  const index = new LineIndex(text);
  const ctx: EditContext = { text, eol: eolOf(text), indentUnit, rangeOf: (s, e) => index.rangeOf(s, e) };
  const root = doc.contents as YAMLMap;
  return { ctx, root, at: (path) => doc.getIn(path, true) as YAMLMap | YAMLSeq };
}

function apply(text: string, edits: TextEdit[] | undefined): string {
  assert.ok(edits, 'an edit was possible');
  const out = applyEdits(text, edits);
  assert.deepStrictEqual(parseDocument(out).errors, [], `result parses:\n${out}`);
  return out;
}

describe('yamlEdit', () => {
  it('replaces a scalar value in place, keeping its trailing comment', () => {
    const text = 'a: 1 # one\nb: 2\n';
    const { ctx, root } = open(text);
    assert.strictEqual(apply(text, setKey(ctx, root, 'a', '10')), 'a: 10 # one\nb: 2\n');
  });

  it('adds a key after the last one, at the siblings\' column, after a nested block', () => {
    const text = 'outer:\n    x: 1\n    nested:\n        y: 2\n# trailing comment\n';
    const { ctx, at } = open(text, 4);
    assert.strictEqual(apply(text, setKey(ctx, at(['outer']) as YAMLMap, 'z', 'true')), 'outer:\n    x: 1\n    nested:\n        y: 2\n    z: true\n# trailing comment\n');
  });

  it('merges nested patches into existing mappings and creates the missing levels once', () => {
    const text = 'sc:\n  caps:\n    add: [X]\n';
    const { ctx, root } = open(text);
    const out = apply(text, patchMap(ctx, root, { sc: { caps: { drop: '[ALL]' }, ro: 'true', deep: { a: { b: 'c' } } } }));
    assert.strictEqual(out, 'sc:\n  caps:\n    add: [X]\n    drop: [ALL]\n  ro: true\n  deep:\n    a:\n      b: c\n');
  });

  it('is idempotent: a patch that is already satisfied makes no edits', () => {
    const text = 'sc: {ro: true, caps: {drop: [ALL]}}\n';
    const { ctx, root } = open(text);
    assert.deepStrictEqual(patchMap(ctx, root, { sc: { ro: 'true', caps: { drop: { ensure: 'ALL', present: (v) => v === 'ALL' } } } }), []);
  });

  it('edits flow mappings inside their braces', () => {
    const text = 'm: {a: 1, b: {c: 2}}\ne: {}\n';
    const { ctx, root } = open(text);
    assert.strictEqual(apply(text, patchMap(ctx, root, { m: { b: { d: '3' }, z: 'q' }, e: { k: 'v' } })), 'm: {a: 1, b: {c: 2, d: 3}, z: q}\ne: {k: v}\n');
  });

  it('keeps CRLF in inserted lines', () => {
    const text = 'a:\r\n  b: 1\r\n';
    const { ctx, at } = open(text);
    assert.strictEqual(apply(text, setKey(ctx, at(['a']) as YAMLMap, 'c', '2')), 'a:\r\n  b: 1\r\n  c: 2\r\n');
  });

  it('refuses to put a mapping where a scalar is (no fix rather than a broken file)', () => {
    const text = 'a: scalar\n';
    const { ctx, root } = open(text);
    assert.strictEqual(patchMap(ctx, root, { a: { b: 'c' } }), undefined);
  });

  it('removes a pair: a whole line in block style, "key: value, " in flow style, and the first key of a sequence item', () => {
    const block = 'a: 1\nb: 2 # gone\nc: 3\n';
    let o = open(block);
    assert.strictEqual(apply(block, removePair(o.ctx, o.root, o.root.items[1])), 'a: 1\nc: 3\n');
    const flow = 'm: {a: 1, b: 2}\n';
    o = open(flow);
    const m = o.at(['m']) as YAMLMap;
    assert.strictEqual(apply(flow, removePair(o.ctx, m, m.items[0])), 'm: {b: 2}\n');
    assert.strictEqual(apply(flow, removePair(o.ctx, m, m.items[1])), 'm: {a: 1}\n');
    const single = 'm: {a: 1}\nn:\n  b: 2\nl:\n  - c: 3\n';
    o = open(single);
    const only = o.at(['m']) as YAMLMap;
    assert.strictEqual(apply(single, removePair(o.ctx, only, only.items[0])), 'm: {}\nn:\n  b: 2\nl:\n  - c: 3\n');
    const n = o.at(['n']) as YAMLMap;
    assert.strictEqual(apply(single, removePair(o.ctx, n, n.items[0])), 'm: {a: 1}\nn:\nl:\n  - c: 3\n');
    const c = (o.at(['l']) as YAMLSeq).items[0] as YAMLMap;
    assert.strictEqual(apply(single, removePair(o.ctx, c, c.items[0])), 'm: {a: 1}\nn:\n  b: 2\nl:\n  - {}\n');
    const item = 'l:\n- x: 1\n  y: 2\n';
    o = open(item);
    const first = (o.at(['l']) as YAMLSeq).items[0] as YAMLMap;
    assert.strictEqual(apply(item, removePair(o.ctx, first, first.items[0])), 'l:\n- y: 2\n');
  });

  it('removes sequence items in block and flow style; an emptied sequence becomes []', () => {
    const block = 'l:\n  - a\n  # about b\n  - b\n  - c\n';
    let o = open(block);
    assert.strictEqual(apply(block, removeSeqItems(o.ctx, o.at(['l']) as YAMLSeq, [0, 2])), 'l:\n  # about b\n  - b\n');
    assert.strictEqual(apply(block, removeSeqItems(o.ctx, o.at(['l']) as YAMLSeq, [0, 1, 2])), 'l:\n  []\n');
    const flow = 'l: [a, b, c]\n';
    o = open(flow);
    assert.strictEqual(apply(flow, removeSeqItems(o.ctx, o.at(['l']) as YAMLSeq, [1])), 'l: [a, c]\n');
    assert.strictEqual(apply(flow, removeSeqItems(o.ctx, o.at(['l']) as YAMLSeq, [0, 1, 2])), 'l: []\n');
  });

  it('appends to non-indented and indented block sequences at the dash column', () => {
    for (const [text, expected] of [['l:\n- a\n', 'l:\n- a\n- z\n'], ['l:\n    - a\n', 'l:\n    - a\n    - z\n']]) {
      const o = open(text);
      assert.strictEqual(apply(text, ensureInSeq(o.ctx, o.at(['l']) as YAMLSeq, { ensure: 'z', present: (v) => v === 'z' })), expected);
    }
  });
});
