/**
 * k8s-resources-missing: a container with no resource request or limit is one finding with one
 * fix, not four; the four single rules (KSV-0011/0015/0016/0018) stay addressable by their ids.
 */
import * as assert from 'assert';
import { DEFAULT_CONFIG, ShipshapeConfig } from '../../src/core/config';
import { Finding, Range } from '../../src/core/model';
import { applyFix, findings, pod } from './kubernetes-helpers';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const config = (rules: ShipshapeConfig['rules']): ShipshapeConfig => ({ ...DEFAULT_CONFIG, rules });
const SINGLE = ['k8s-cpu-limit', 'k8s-cpu-request', 'k8s-memory-limit', 'k8s-memory-request'];
const ALL = ['k8s-resources-missing', ...SINGLE];
/** Resource findings as [rule, range, severity, references]. */
const resourceFindings = (text: string, c?: ShipshapeConfig): Array<[string, Range, string, string[]]> =>
  findings(text, c).filter((f) => ALL.includes(f.ruleId)).map((f) => [f.ruleId, f.range, f.severity, f.references]);

const bare = pod('  containers:', '    - name: app', '      image: app:1');

describe('k8s-resources-missing: one finding for a container without resources', () => {
  it('reports one finding at the container\'s name, naming the four public IDs, instead of four', () => {
    assert.deepStrictEqual(resourceFindings(bare), [
      ['k8s-resources-missing', r(6, 6, 6, 15), 'low', ['KSV-0011', 'KSV-0015', 'KSV-0016', 'KSV-0018']],
    ]);
    const f = findings(bare).find((x) => x.ruleId === 'k8s-resources-missing')!;
    assert.strictEqual(f.message, 'No resource requests or limits for container "app".');
    assert.deepStrictEqual(f.fixes!.map((x) => x.title), ['Add resource requests and limits']);
  });

  it('points at an empty resources key, and counts empty sections as nothing set', () => {
    const empty = pod('  containers:', '    - name: app', '      image: app:1', '      resources: {}');
    assert.deepStrictEqual(resourceFindings(empty).map(([id, range]) => [id, range]), [['k8s-resources-missing', r(8, 6, 8, 15)]]);
    const sections = pod('  containers:', '    - name: app', '      image: app:1', '      resources:', '        limits: {}', '        requests: {}');
    assert.deepStrictEqual(resourceFindings(sections).map(([id, range]) => [id, range]), [['k8s-resources-missing', r(8, 6, 8, 15)]]);
  });

  it('keeps the single findings when only some settings are missing, and reports nothing when all are set', () => {
    const partial = pod('  containers:', '    - name: app', '      image: app:1', '      resources:', '        limits: {memory: 128Mi}');
    assert.deepStrictEqual(resourceFindings(partial).map(([id, range, , refs]) => [id, range, refs]), [
      ['k8s-cpu-request', r(8, 6, 8, 15), ['KSV-0015']],
      ['k8s-memory-request', r(8, 6, 8, 15), ['KSV-0016']],
      ['k8s-cpu-limit', r(9, 8, 9, 14), ['KSV-0011']],
    ]);
    const full = pod('  containers:', '    - name: app', '      image: app:1', '      resources:',
      '        requests: {cpu: 100m, memory: 64Mi}', '        limits: {cpu: 500m, memory: 128Mi}');
    assert.deepStrictEqual(resourceFindings(full), []);
  });

  it('reports each bare container of a pod once', () => {
    const two = pod('  initContainers:', '    - name: init', '      image: i:1', '  containers:', '    - name: app', '      image: app:1',
      '      resources: {limits: {cpu: 1}}');
    assert.deepStrictEqual(resourceFindings(two).map(([id, range]) => [id, range.start.line]), [
      ['k8s-resources-missing', 6],
      ['k8s-cpu-request', 11], ['k8s-memory-request', 11], ['k8s-memory-limit', 11],
    ]);
  });

  it('its fix adds all four, and the result has no resource finding left', () => {
    const fix = findings(bare).find((x) => x.ruleId === 'k8s-resources-missing')!.fixes![0];
    assert.strictEqual(fix.snippet, true);
    assert.strictEqual(fix.safe, false);
    const fixed = applyFix(bare, fix);
    assert.strictEqual(fixed, pod('  containers:', '    - name: app', '      image: app:1', '      resources:',
      '        requests:', '          cpu: 100m', '          memory: 128Mi', '        limits:', '          cpu: 500m', '          memory: 256Mi'));
    assert.deepStrictEqual(resourceFindings(fixed), []);
  });
});

describe('k8s-resources-missing: settings and suppression by any of the five ids', () => {
  it('its own id turns all five off, or sets the severity of the combined finding', () => {
    assert.deepStrictEqual(resourceFindings(bare, config({ 'k8s-resources-missing': 'off' })), []);
    const partial = pod('  containers:', '    - name: app', '      image: app:1', '      resources: {limits: {cpu: 1}}');
    assert.deepStrictEqual(resourceFindings(partial, config({ 'k8s-resources-missing': 'off' })), [], 'the single rules answer to it too');
    assert.deepStrictEqual(resourceFindings(bare, config({ 'k8s-resources-missing': 'medium' })).map(([id, , s]) => [id, s]), [['k8s-resources-missing', 'medium']]);
  });

  it('turning off one single rule, by id or public ID, leaves the others in the one finding', () => {
    for (const key of ['k8s-cpu-limit', 'KSV-0011', 'ksv0011']) {
      assert.deepStrictEqual(resourceFindings(bare, config({ [key]: 'off' })), [
        ['k8s-resources-missing', r(6, 6, 6, 15), 'low', ['KSV-0015', 'KSV-0016', 'KSV-0018']],
      ], key);
    }
    const none = config(Object.fromEntries(SINGLE.map((id) => [id, 'off'])));
    assert.deepStrictEqual(resourceFindings(bare, none), [], 'with all four off there is nothing to report');
  });

  it('takes the highest severity of the single rules it stands for, unless its own id sets one', () => {
    assert.deepStrictEqual(resourceFindings(bare, config({ 'KSV-0018': 'high' })).map(([, , s]) => s), ['high']);
    assert.deepStrictEqual(resourceFindings(bare, config({ 'KSV-0018': 'high', 'k8s-resources-missing': 'info' })).map(([, , s]) => s), ['info']);
  });

  it('a suppression comment with its id hides it (and the four); with a single id, only that one', () => {
    const withComment = (ids: string): string => pod('  containers:', `    - name: app # shipshape-ignore ${ids}`, '      image: app:1');
    assert.deepStrictEqual(resourceFindings(withComment('k8s-resources-missing')), []);
    assert.deepStrictEqual(resourceFindings(withComment('KSV-0015')).map(([id, , , refs]) => [id, refs]), [['k8s-resources-missing', ['KSV-0011', 'KSV-0016', 'KSV-0018']]]);
    assert.deepStrictEqual(resourceFindings(withComment(SINGLE.join(','))), []);
    const fileWide = '# shipshape-ignore-file k8s-resources-missing\n' + pod('  containers:', '    - name: app', '      image: app:1', '      resources: {limits: {cpu: 1}}');
    assert.deepStrictEqual(resourceFindings(fileWide), []);
  });

  it('the combined finding is what the editor and CLI see: one diagnostic per bare container', () => {
    const list: Finding[] = findings(bare).filter((f) => f.references.some((ref) => /^KSV-00(11|15|16|18)$/.test(ref)));
    assert.deepStrictEqual(list.map((f) => f.ruleId), ['k8s-resources-missing']);
  });
});
