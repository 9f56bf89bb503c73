import * as assert from 'assert';
import { Analyzer, AnalysisRun, effectiveSeverity, runAnalyzer, MAX_TEXT_LENGTH } from '../../src/core/engine';
import { DEFAULT_CONFIG, normalizeConfig, parseConfigText, ShipshapeConfig } from '../../src/core/config';
import { Rule, range } from '../../src/core/model';
import { SourceComment, normalizeRuleKey } from '../../src/core/suppress';
import { frag } from '../../src/core/l10n/text';

/** A toy file kind: every line `bad` is a finding of `toy-bad`; `#` lines are comments. */
interface ToyModel { lines: string[] }
const toyRule: Rule<ToyModel> = {
  id: 'toy-bad', title: 'Bad line', severity: 'high', appliesTo: 'dockerfile', references: ['DS-0002', 'DL3002'],
  description: 'd', remediation: 'r',
  check(model, report) {
    model.lines.forEach((l, i) => { if (l.replace(/#.*/, '').trim() === 'bad') report({ message: 'bad line', range: range(i, 0, i, 3) }); });
  },
};
const pssRule: Rule<ToyModel> = { ...toyRule, id: 'toy-restricted', references: ['KSV-0012'], pss: 'restricted', severity: 'medium' };
const offRule: Rule<ToyModel> = { ...toyRule, id: 'toy-off', references: [], defaultEnabled: false };
const throwingRule: Rule<ToyModel> = { ...toyRule, id: 'toy-throws', references: [], check() { throw new Error('boom'); } };

const toy: Analyzer<ToyModel> = {
  kind: 'dockerfile',
  parse: (text) => (text.startsWith('not-toy') ? undefined : { lines: text.split('\n') }),
  comments: (m) => m.lines.flatMap((l, i): SourceComment[] => {
    const idx = l.indexOf('#');
    return idx < 0 ? [] : [{ line: i, text: l.slice(idx + 1), trailing: l.slice(0, idx).trim() !== '' }];
  }),
  rules: [toyRule, pssRule, offRule, throwingRule],
};

const config = (over: Partial<ShipshapeConfig>): ShipshapeConfig => ({ ...DEFAULT_CONFIG, ...over });
const ids = (text: string, c = DEFAULT_CONFIG) => runAnalyzer(toy, text, c).findings.map((f) => `${f.ruleId}@${f.range.start.line}`);

describe('engine', () => {
  it('reports findings with the rule metadata and keeps going when a rule throws', () => {
    const r = runAnalyzer(toy, 'ok\nbad\n');
    assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.severity, f.references]), [
      ['toy-bad', 'high', ['DS-0002', 'DL3002']],
      ['toy-restricted', 'medium', ['KSV-0012']],
    ]);
    assert.deepStrictEqual(r.errors, [{ ruleId: 'toy-throws', message: 'boom' }]);
  });

  it('marks text of another kind as not applicable, without findings or errors', () => {
    const r = runAnalyzer(toy, 'not-toy\nbad');
    assert.strictEqual(r.notApplicable, true);
    assert.deepStrictEqual(r.findings, []);
  });

  it('skips binary and oversized text with a reason', () => {
    assert.match(runAnalyzer(toy, 'bad\u0000\u0001').skipped ?? '', /binary/);
    assert.match(runAnalyzer(toy, 'x'.repeat(MAX_TEXT_LENGTH + 1)).skipped ?? '', /larger/);
  });

  describe('a rule that settles on facts (settlesOn)', () => {
    // Lines `policy` state the fact `policy:here`; the rule's findings stand only where a policy fact is in the run.
    let checked = 0;
    const settling: Rule<ToyModel> = {
      ...toyRule, id: 'toy-settles', references: [], settlesOn: 'policy:',
      check(model, report) {
        checked++;
        model.lines.forEach((l, i) => {
          if (l === 'bad') report({ range: range(i, 0, i, 3), settle: (facts) => (facts.withPrefix('policy:').length ? { message: 'bad under a policy' } : undefined), message: 'bad line' });
        });
      },
    };
    const withFacts: Analyzer<ToyModel> = { ...toy, rules: [settling], facts: (m) => (m.lines.includes('policy') ? ['policy:here'] : []) };

    it('is not run for a text analysed alone that states no such fact', () => {
      checked = 0;
      assert.deepStrictEqual(runAnalyzer(withFacts, 'bad\n').findings, []);
      assert.strictEqual(checked, 0);
    });
    it('runs, and its findings stand, where the text itself states the fact', () => {
      checked = 0;
      const r = runAnalyzer(withFacts, 'policy\nbad\n');
      assert.strictEqual(checked, 1);
      assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.message, f.range.start.line]), [['toy-settles', 'bad under a policy', 1]]);
    });
    it('runs in a run of several texts, where another text may state the fact', () => {
      checked = 0;
      const run = new AnalysisRun();
      const first = runAnalyzer(withFacts, 'bad\n', DEFAULT_CONFIG, { run });
      assert.strictEqual(checked, 1);
      runAnalyzer(withFacts, 'policy\n', DEFAULT_CONFIG, { run });
      assert.deepStrictEqual(run.settle(first.findings).map((f) => f.message), ['bad under a policy']);
    });
    it('is not run in a run that ruled the prefix out, unless a text already stated such a fact', () => {
      checked = 0;
      const run = new AnalysisRun();
      run.ruleOut('policy:');
      assert.deepStrictEqual(runAnalyzer(withFacts, 'bad\n', DEFAULT_CONFIG, { run }).findings, []);
      assert.strictEqual(checked, 0);
      assert.strictEqual(run.mayState('policy:'), false);
      runAnalyzer(withFacts, 'policy\n', DEFAULT_CONFIG, { run });
      assert.strictEqual(run.mayState('policy:'), true);
      const later = runAnalyzer(withFacts, 'bad\n', DEFAULT_CONFIG, { run });
      assert.strictEqual(checked, 2);
      assert.deepStrictEqual(run.settle(later.findings).map((f) => f.message), ['bad under a policy']);
    });
  });

  describe('what a rule may ask of its run (RuleRun.mayStand)', () => {
    // Lines `fact X` state the fact `X`; the rule records what mayStand answered for `a` and `b`.
    let asked: Array<[string, boolean]> = [];
    const asking: Rule<ToyModel> = {
      ...toyRule, id: 'toy-asks', references: [],
      check(_model, _report, run) {
        asked = ['a', 'b'].map((f) => [f, run!.mayStand(f)]);
      },
    };
    const withFacts: Analyzer<ToyModel> = { ...toy, rules: [asking], facts: (m) => m.lines.filter((l) => l.startsWith('fact ')).map((l) => l.slice(5)) };

    it('a text analysed alone: only the facts it states itself can stand', () => {
      runAnalyzer(withFacts, 'fact a\n');
      assert.deepStrictEqual(asked, [['a', true], ['b', false]]);
      runAnalyzer(withFacts, 'ok\n');
      assert.deepStrictEqual(asked, [['a', false], ['b', false]]);
    });
    it('in a run, any fact can stand unless the run ruled its prefix out', () => {
      const run = new AnalysisRun();
      runAnalyzer(withFacts, 'ok\n', DEFAULT_CONFIG, { run });
      assert.deepStrictEqual(asked, [['a', true], ['b', true]]);
      run.ruleOut('b');
      runAnalyzer(withFacts, 'ok\n', DEFAULT_CONFIG, { run });
      assert.deepStrictEqual(asked, [['a', true], ['b', false]]);
    });
  });

  describe('a report that gives only its template', () => {
    const templated: Analyzer<ToyModel> = {
      ...toy,
      rules: [{
        ...toyRule, id: 'toy-templated',
        check(model, report) {
          model.lines.forEach((l, i) => {
            if (l === 'bad') report({ range: range(i, 0, i, 3), l10n: frag('toy.bad', '{^what} on line {n}', { what: frag('toy.what', 'a bad word'), n: i + 1 }) });
            if (l === 'worse') report({ range: range(i, 0, i, 5), message: 'as the rule wrote it', l10n: frag('toy.worse', 'Worse') });
          });
        },
      }],
    };
    it('gets its English message from the engine, rendered with its arguments', () => {
      const [f] = runAnalyzer(templated, 'ok\nbad\n').findings;
      assert.strictEqual(f.message, 'A bad word on line 2');
      assert.deepStrictEqual(f.l10n, { id: 'toy.bad', en: '{^what} on line {n}', args: { what: { id: 'toy.what', en: 'a bad word' }, n: 2 } });
    });
    it('keeps a message the rule gave as it is', () => {
      assert.deepStrictEqual(runAnalyzer(templated, 'worse\n').findings.map((f) => f.message), ['as the rule wrote it']);
    });
  });

  describe('a rule that combines others (combines)', () => {
    // `whole` combines `part-a` and `part-b` on the same node: line `none` is reported by all three.
    // `part-a` reports the very range object of the combining finding, `part-b` an equal copy.
    const shared = new Map<number, ReturnType<typeof range>>();
    const at = (i: number) => { let r = shared.get(i); if (!r) shared.set(i, (r = range(i, 0, i, 4))); return r; };
    const onNone = (id: string, rangeOf: (i: number) => ReturnType<typeof range>, refs: string[]): Rule<ToyModel> => ({
      ...toyRule, id, references: refs, severity: id === 'part-b' ? 'critical' : 'low',
      check(model, report) { model.lines.forEach((l, i) => { if (l === 'none') report({ message: `${id} here`, range: rangeOf(i) }); }); },
    });
    const whole: Rule<ToyModel> = { ...onNone('whole', at, ['W-1', 'W-2']), combines: ['part-a', 'part-b'] };
    const combining: Analyzer<ToyModel> = {
      ...toy,
      rules: [whole, onNone('part-a', at, ['W-1']), onNone('part-b', (i) => range(i, 0, i, 4), ['W-2'])],
    };

    it('folds parts into the combining finding, by the shared range object or by an equal range', () => {
      shared.clear();
      const r = runAnalyzer(combining, 'ok\nnone\n');
      assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.severity, f.references, f.range.start.line]), [['whole', 'critical', ['W-1', 'W-2'], 1]]);
    });
    it('keeps only the parts that still report: a part turned off leaves the other, with its references', () => {
      shared.clear();
      const r = runAnalyzer(combining, 'none\n', config({ rules: { 'part-b': 'off' } }));
      assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.severity, f.references]), [['whole', 'low', ['W-1']]]);
      shared.clear();
      const alone = runAnalyzer(combining, 'none\n', config({ rules: { 'part-a': 'off' } }));
      assert.deepStrictEqual(alone.findings.map((f) => [f.ruleId, f.severity, f.references]), [['whole', 'critical', ['W-2']]]);
    });
    it('leaves a part where the combining rule does not report as a finding of its own', () => {
      shared.clear();
      const r = runAnalyzer(combining, 'ok\nnone\n', config({ rules: { whole: 'off' } }));
      assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.severity, f.references, f.message, f.range]), [
        ['part-a', 'low', ['W-1'], 'part-a here', range(1, 0, 1, 4)],
        ['part-b', 'critical', ['W-2'], 'part-b here', range(1, 0, 1, 4)],
      ]);
    });
    it('drops the combining finding where no part reports', () => {
      shared.clear();
      assert.deepStrictEqual(runAnalyzer(combining, 'none\n', config({ rules: { 'part-a': 'off', 'part-b': 'off' } })).findings, []);
    });
  });

  describe('suppression comments', () => {
    it('suppresses the next line by our id', () => {
      assert.deepStrictEqual(ids('# shipshape-ignore toy-bad\nbad', config({ profile: 'baseline' })), []);
    });
    it('suppresses the same line when trailing', () => {
      assert.deepStrictEqual(ids('bad # shipshape-ignore toy-bad because', config({ profile: 'baseline' })), []);
    });
    it('accepts public ids in any spelling (DS002, AVD-DS-0002, DL3002)', () => {
      for (const key of ['DS002', 'AVD-DS-0002', 'ds-0002', 'DL3002']) {
        assert.deepStrictEqual(ids(`# shipshape-ignore ${key}\nbad`, config({ profile: 'baseline' })), [], key);
      }
    });
    it('suppresses a whole file with shipshape-ignore-file, and lists of rules', () => {
      assert.deepStrictEqual(ids('bad\n# shipshape-ignore-file toy-restricted,toy-bad\nbad'), []);
    });
    it('does not suppress other lines or other rules', () => {
      assert.deepStrictEqual(ids('# shipshape-ignore toy-bad\nok\nbad', config({ profile: 'baseline' })), ['toy-bad@2']);
      assert.deepStrictEqual(ids('# shipshape-ignore other-rule\nbad', config({ profile: 'baseline' })), ['toy-bad@1']);
    });
  });

  describe('configuration', () => {
    it('turns a rule off by our id or by a public id', () => {
      assert.deepStrictEqual(ids('bad', config({ rules: { 'toy-bad': 'off' }, profile: 'baseline' })), []);
      assert.deepStrictEqual(ids('bad', config({ rules: { DS002: 'off' }, profile: 'baseline' })), []);
    });
    it('overrides severity with core or editor severities', () => {
      assert.strictEqual(effectiveSeverity(toyRule, config({ rules: { 'toy-bad': 'low' } })), 'low');
      assert.strictEqual(effectiveSeverity(toyRule, config({ rules: { 'DL3002': 'warning' } })), 'medium');
      assert.strictEqual(effectiveSeverity(toyRule, config({ rules: { 'toy-bad': 'hint' } })), 'info');
    });
    it('prefers our id over a public reference', () => {
      assert.strictEqual(effectiveSeverity(toyRule, config({ rules: { 'DS-0002': 'off', 'toy-bad': 'critical' } })), 'critical');
    });
    it('enables default-off rules only when asked', () => {
      assert.strictEqual(effectiveSeverity(offRule, DEFAULT_CONFIG), undefined);
      assert.strictEqual(effectiveSeverity(offRule, config({ rules: { 'toy-off': 'on' } })), 'high');
    });
    it('reports restricted PSS rules under restricted and all, not baseline', () => {
      assert.strictEqual(effectiveSeverity(pssRule, config({ profile: 'baseline' })), undefined);
      assert.strictEqual(effectiveSeverity(pssRule, config({ profile: 'restricted' })), 'medium');
      assert.strictEqual(effectiveSeverity(pssRule, config({ profile: 'all' })), 'medium');
      assert.strictEqual(effectiveSeverity(toyRule, config({ profile: 'baseline' })), 'high');
    });
  });
});

describe('config files', () => {
  it('reads .shipshape.yaml', () => {
    const { config: c, problems } = parseConfigText('profile: restricted\nrules:\n  DS-0026: off\n  docker-root-user: low\ntrustedRegistries: [ghcr.io]\nexclude: ["charts/**"]\n');
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(c.profile, 'restricted');
    assert.deepStrictEqual(c.rules, { 'DS-0026': 'off', 'docker-root-user': 'low' });
    assert.deepStrictEqual(c.trustedRegistries, ['ghcr.io']);
    assert.deepStrictEqual(c.exclude, ['charts/**']);
  });
  it('reports bad entries and keeps the good ones', () => {
    const { config: c, problems } = normalizeConfig({ profile: 'strict', rules: { a: 'loud', b: false }, exclude: 3 });
    assert.strictEqual(c.profile, 'all');
    assert.deepStrictEqual(c.rules, { b: 'off' });
    assert.strictEqual(problems.length, 3);
  });
  it('turns invalid YAML into a problem, not an exception', () => {
    const { problems } = parseConfigText('rules: [\n');
    assert.ok(problems.length > 0);
  });
  it('normalises public rule keys', () => {
    assert.strictEqual(normalizeRuleKey('ksv017'), 'KSV-0017');
    assert.strictEqual(normalizeRuleKey('AVD-KSV-0017'), 'KSV-0017');
    assert.strictEqual(normalizeRuleKey('KSV-01010'), 'KSV-1010');
    assert.strictEqual(normalizeRuleKey('docker-root-user'), 'DOCKER-ROOT-USER');
  });
});
