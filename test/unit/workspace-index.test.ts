import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { analyzeAgainst, FactSource, textFacts, WorkspaceIndex } from '../../src/server/workspaceIndex';
import { DEFAULT_CONFIG } from '../../src/core';

const NS = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {${labels}}\n`;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/web:1\n      securityContext: {privileged: true}\n';
const SA = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\nautomountServiceAccountToken: false\n';

interface Harness {
  dir: string;
  index: WorkspaceIndex;
  computed: string[];
  changes: string[][];
  setIdle(v: boolean): void;
}

function harness(files: Record<string, string>, options: { maxFiles?: number; maxFileBytes?: number } = {}, excluded?: (file: string) => boolean): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-index-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  let idle = true;
  const computed: string[] = [];
  const changes: string[][] = [];
  const index = new WorkspaceIndex({
    facts: async (text) => { computed.push(text); return textFacts(text); },
    idle: () => idle,
    changed: (f) => changes.push([...f].map((x) => path.relative(dir, x)).sort()),
    ...(excluded ? { excluded: async () => (file: string) => excluded(path.relative(dir, file)) } : {}),
  }, { startDelayMs: 0, pollMs: 10, batchMs: 10, ...options });
  return { dir, index, computed, changes, setIdle: (v) => { idle = v; } };
}

const sources = (list: FactSource[]) => list.map((s) => s.source).sort();
const settle = () => new Promise((r) => setTimeout(r, 60));

describe('workspace index (language server)', () => {
  it('indexes the YAML manifests of the folder, bounded, and gives each file the facts of the others', async () => {
    const h = harness({
      'ns.yaml': NS('pod-security.kubernetes.io/enforce: restricted'),
      'apps/pod.yml': POD,
      'apps/sa.yaml': SA,
      'node_modules/x/ns.yaml': NS('a: b'),
      '.git/ns.yaml': NS('a: b'),
      'README.md': 'kind: Namespace',
      '.shipshape.yaml': 'profile: restricted\n',
      'notes.yaml': 'just: data\n',
    });
    h.index.start([h.dir]);
    await settle();
    await h.index.whenIdle();
    assert.deepStrictEqual(sources(h.index.factsFor(path.join(h.dir, 'apps/pod.yml'))), ['apps/sa.yaml', 'ns.yaml']);
    assert.ok(h.index.factsFor(undefined).find((s) => s.source === 'ns.yaml')!.facts.includes('pss:enforce:shop:restricted'));
    assert.strictEqual(h.computed.length, 3, 'a YAML file without kind/apiVersion goes to no worker');
    assert.strictEqual(h.index.size, 4, 'the notes file is indexed (it states nothing)');
    await settle();
    assert.deepStrictEqual(h.changes.flat().sort(), ['apps/pod.yml', 'apps/sa.yaml', 'ns.yaml']);
  });

  it('stops at the file and size limits', async () => {
    const files: Record<string, string> = { 'big.yaml': NS('a: b') + '#'.repeat(3000) };
    for (let i = 0; i < 5; i++) files[`f${i}.yaml`] = NS(`n: "${i}"`);
    const h = harness(files, { maxFiles: 3, maxFileBytes: 2000 });
    h.index.start([h.dir]);
    await settle();
    await h.index.whenIdle();
    assert.ok(h.index.size <= 3, `at most 3 files (${h.index.size})`);
    assert.ok(!h.computed.some((t) => t.length > 2000), 'the large file is not read');
  });

  it('leaves out the files the user excludes, and forgets them when a new scan excludes them', async () => {
    let pattern = /^vendor\//;
    const h = harness({ 'ns.yaml': NS('x: y'), 'vendor/ns.yaml': NS('v: w'), 'sa.yaml': SA }, {}, (rel) => pattern.test(rel));
    h.index.start([h.dir]);
    await settle();
    await h.index.whenIdle();
    assert.deepStrictEqual(sources(h.index.factsFor(undefined)), ['ns.yaml', 'sa.yaml']);
    h.index.onWatchedFiles([{ uri: pathToFileURL(path.join(h.dir, 'vendor/ns.yaml')).href, type: 2 }]);
    await h.index.whenIdle();
    assert.deepStrictEqual(sources(h.index.factsFor(undefined)), ['ns.yaml', 'sa.yaml'], 'a change of an excluded file is not read');
    const read = h.computed.length;
    pattern = /^sa\.yaml$/;
    h.index.start([h.dir]);
    await settle();
    await h.index.whenIdle();
    assert.deepStrictEqual(sources(h.index.factsFor(undefined)), ['ns.yaml', 'vendor/ns.yaml']);
    assert.strictEqual(h.computed.length, read + 1, 'a new scan reads only the files it did not have');
    h.index.dispose();
  });

  it('works only while the pool is idle', async () => {
    const h = harness({ 'ns.yaml': NS('x: y') });
    h.setIdle(false);
    h.index.start([h.dir]);
    await new Promise((r) => setTimeout(r, 120));
    assert.strictEqual(h.computed.length, 0, 'nothing while the pool is busy');
    h.setIdle(true);
    await new Promise((r) => setTimeout(r, 60));
    await h.index.whenIdle();
    assert.strictEqual(h.computed.length, 1);
  });

  it('follows watched-file events and open documents, reporting only real changes', async () => {
    const h = harness({ 'ns.yaml': NS('pod-security.kubernetes.io/enforce: baseline'), 'pod.yaml': POD });
    h.index.start([h.dir]);
    await settle();
    await h.index.whenIdle();
    await settle();
    h.changes.length = 0;
    const ns = path.join(h.dir, 'ns.yaml');
    const uri = pathToFileURL(ns).href;
    fs.writeFileSync(ns, NS('pod-security.kubernetes.io/enforce: restricted'));
    assert.strictEqual(h.index.onWatchedFiles([{ uri, type: 2 }]), true);
    await h.index.whenIdle();
    await settle();
    assert.deepStrictEqual(h.changes, [['ns.yaml']]);
    assert.ok(h.index.factsFor(undefined).find((s) => s.source === 'ns.yaml')!.facts.includes('pss:enforce:shop:restricted'));
    h.changes.length = 0;
    h.index.onWatchedFiles([{ uri, type: 2 }]);
    await h.index.whenIdle();
    await settle();
    assert.deepStrictEqual(h.changes, [], 'the same facts again: no change');
    assert.strictEqual(h.index.onWatchedFiles([{ uri: pathToFileURL(path.join(h.dir, '.shipshape.yaml')).href, type: 2 }]), false, 'configuration is the server\'s');
    // An open document's text wins over the disk until it is closed.
    h.index.setOpen(ns, textFacts(NS('pod-security.kubernetes.io/warn: restricted')));
    const open = h.index.factsFor(path.join(h.dir, 'pod.yaml')).find((s) => s.source === 'ns.yaml')!.facts;
    assert.ok(open.includes('pss:warn:shop:restricted') && !open.includes('pss:enforce:shop:restricted'));
    h.index.closed(ns);
    await h.index.whenIdle();
    assert.ok(h.index.factsFor(undefined).find((s) => s.source === 'ns.yaml')!.facts.includes('pss:enforce:shop:restricted'));
    h.index.onWatchedFiles([{ uri, type: 3 }]);
    assert.deepStrictEqual(sources(h.index.factsFor(undefined)), ['pod.yaml'], 'a deleted file states nothing');
    h.index.dispose();
  });

  it('settles an analysis against the other files\' facts (worker side)', () => {
    const others: FactSource[] = [{ source: 'ns.yaml', facts: textFacts(NS('pod-security.kubernetes.io/enforce: restricted')) }, { source: 'sa.yaml', facts: textFacts(SA) }];
    const r = analyzeAgainst(POD, 'kubernetes', DEFAULT_CONFIG, { source: 'pod.yaml' }, others);
    const rejected = r.findings.filter((f) => f.ruleId === 'k8s-admission-rejected');
    assert.strictEqual(rejected.length, 1);
    assert.strictEqual(rejected[0].severity, 'critical');
    assert.match(rejected[0].message, /^The API server will reject Pod "web" \(namespace shop enforces restricted\)/);
    assert.deepStrictEqual(r.findings.filter((f) => f.ruleId === 'k8s-sa-token-automount'), [], 'the ServiceAccount in another file turns the token off');
    const alone = analyzeAgainst(POD, 'kubernetes', DEFAULT_CONFIG, {}, []);
    assert.deepStrictEqual(alone.findings.filter((f) => f.ruleId === 'k8s-admission-rejected'), []);
    assert.strictEqual(alone.findings.filter((f) => f.ruleId === 'k8s-sa-token-automount').length, 1);
    assert.ok((r.facts ?? []).includes('workloads:shop'), 'the text\'s own facts come back');
    assert.strictEqual(r.readsOthers, true, 'a Pod has findings other files decide');
    assert.strictEqual(analyzeAgainst('just: data\n', 'kubernetes', DEFAULT_CONFIG, {}, others).readsOthers, false, 'YAML that is no manifest reads nothing');
  });

  it('a Namespace file is told about workloads and default-deny policies of other files', () => {
    const ns = NS('pod-security.kubernetes.io/enforce: baseline');
    const deny = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n';
    const rule = (others: FactSource[]) => analyzeAgainst(ns, 'kubernetes', DEFAULT_CONFIG, {}, others).findings.filter((f) => f.ruleId === 'k8s-namespace-default-deny');
    assert.deepStrictEqual(rule([]), [], 'no workloads known');
    const workloads = { source: 'pod.yaml', facts: textFacts(POD) };
    assert.deepStrictEqual(rule([workloads]).map((f) => f.range.start.line), [3], 'on the Namespace name');
    assert.deepStrictEqual(rule([workloads, { source: 'deny.yaml', facts: textFacts(deny) }]), [], 'the policy of deny.yaml satisfies it');
  });

  it('knows which open documents read the other files', () => {
    const h = harness({});
    assert.strictEqual(h.index.readsOthers('/x/a.yaml'), true, 'not analysed against the index yet: it may');
    h.index.setOpen('/x/a.yaml', [], false);
    assert.strictEqual(h.index.readsOthers('/x/a.yaml'), false);
    h.index.setOpen('/x/a.yaml', [], true);
    assert.strictEqual(h.index.readsOthers('/x/a.yaml'), true);
    h.index.setOpen('/x/a.yaml', [], false);
    h.index.closed('/x/a.yaml');
    assert.strictEqual(h.index.readsOthers('/x/a.yaml'), true, 'forgotten once closed');
    h.index.dispose();
  });
});
