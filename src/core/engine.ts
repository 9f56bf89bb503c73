import { ShipshapeConfig, DEFAULT_CONFIG, settingSeverity } from './config';
import { FileKind, Finding, Range, RelatedInfo, Rule, RuleMeta, RuleRun, RunFacts, Severity, Report, severityRank } from './model';
import { Text, english } from './l10n/text';
import { SourceComment, collectSuppressions, isSuppressed, normalizeRuleKey } from './suppress';
import { textLimitReason, mayBeOfKind, MAX_TEXT_LENGTH, textLimitProblem } from './limits';

/**
 * Why a text was not analysed: `size`, `binary` and `limit` (nesting beyond what is parsed
 * safely) could hide anything and fail a CI run unless skips are allowed; a `template` (Helm)
 * is not a manifest until it is rendered.
 */
export type SkipKind = 'size' | 'binary' | 'limit' | 'template';

/** A parser's answer for a text of its kind that it will not analyse (instead of a model). */
export class Skip {
  readonly reason: string;
  /** The reason as a template, for other locales (`core/l10n`). */
  readonly l10n?: Text;
  constructor(readonly kind: SkipKind, reason: string | Text) {
    if (typeof reason === 'string') this.reason = reason;
    else {
      this.reason = english(reason);
      this.l10n = reason;
    }
  }
}

/** Whether a skip of this kind fails a CI run unless skips are explicitly allowed. */
export function skipFails(kind: SkipKind): boolean {
  return kind !== 'template';
}

/** What the caller knows about a text beyond its content. */
export interface AnalyzeOptions {
  /** The run this text belongs to: texts analysed together share facts (see AnalysisRun). */
  run?: AnalysisRun;
  /** The file sits in the `templates/` directory of a Helm chart (the caller sees the file system). */
  chartTemplate?: boolean;
  /** A YAML text analysed as Compose because of its content, not its name: the parse then requires the Compose shape. */
  composeByContent?: boolean;
  /** Texts of local files the text refers to (a Compose `extends.file`), keyed by the path as written in it. */
  related?: ReadonlyMap<string, string>;
  /**
   * `safe`: the caller reads only fixes marked safe (`shipshape check` says whether a finding is
   * fixable and applies none), so an analyser may leave the others out of its findings.
   */
  fixes?: 'safe';
  /** The name (a path) the text's facts are cited by in other texts' findings (a policy "in policies/kyverno.yaml"). */
  source?: string;
}

/** A file kind's parser and rules. The parse result is shared by all rules of the kind. */
export interface Analyzer<M> {
  kind: FileKind;
  /** Parses text into the model the rules read; undefined = not this kind (e.g. non-Kubernetes YAML) or not analysed. */
  parse(text: string, config: ShipshapeConfig): M | undefined;
  /**
   * Like `parse`, but a Skip says why a text of this kind is not analysed (a Helm template,
   * nesting over the limit). The engine prefers it when present.
   */
  parseOrSkip?(text: string, config: ShipshapeConfig, options?: AnalyzeOptions): M | Skip | undefined;
  comments(model: M): SourceComment[];
  rules: readonly Rule<M>[];
  /** Facts a text states for the other texts of its run (e.g. a ServiceAccount that turns the token off). */
  facts?(model: M): readonly string[];
  /**
   * Findings that follow from the rules' findings but stand only where a text of the run states
   * a fact (a Pod the API server will reject because a Namespace, maybe in another file, enforces
   * a Pod Security Standard). Run once after the rules, over their findings; each report names
   * the rule it belongs to (for severity, settings and suppression) and the fact it requires.
   * `mayStand`, when given, says which facts can hold (a text analysed alone: only its own), so
   * the others need not be built; without it any fact may come from another text of the run.
   */
  derive?(model: M, findings: readonly Finding[], rules: readonly RuleMeta[], mayStand?: (fact: string) => boolean): readonly DerivedReport[];
}

/** A finding an analyser derives from the rules' findings (see Analyzer.derive). */
export interface DerivedReport extends Report {
  ruleId: string;
  /** The fact a text of the run must state for the finding to stand. */
  requires: string;
}

/** Outcome of analysing one text. */
export interface AnalysisResult {
  findings: Finding[];
  /** Set when the text was not analysed (too large, binary, a template…); a reason for people. */
  skipped?: string;
  /** What kind of skip `skipped` is. */
  skipKind?: SkipKind;
  /** `skipped` as a template, for other locales (`core/l10n`). */
  skippedL10n?: Text;
  /** True when the text is not of the analyser's kind (YAML that is not Kubernetes). */
  notApplicable?: boolean;
  /** Rules that threw (a bug of ours); the other rules still ran. */
  errors: Array<{ ruleId: string; message: string }>;
  /** The facts the text states for other texts (see Analyzer.facts), for a caller that keeps them (the language server's index). */
  facts?: readonly string[];
}

/**
 * Texts analysed together (the files of one CLI run). Each text adds the facts it states;
 * findings a fact waives, and findings that need a fact, are held until every text was analysed,
 * then `settle` drops those whose waiving fact turned up anywhere in the run and those whose
 * required fact did not. One per run, never module-level.
 */
export class AnalysisRun {
  /** The fact every run of several texts states (not a text analysed alone): findings only a run can place require it. */
  static readonly CHECKED_TOGETHER = '(checked together)';
  private readonly facts = new Set<string>();
  private readonly onceKeys = new Set<string>();
  private readonly repeated = new Set<Finding>();
  private readonly held = new Map<Finding, string>();
  private readonly required = new Map<Finding, string>();
  private readonly heldAll = new Map<Finding, readonly string[]>();
  private readonly sources = new Map<string, string | undefined>();
  private readonly resolved = new Map<Finding, NonNullable<Report['settle']>>();

  /** `alone`: the run of one text analysed by itself (runAnalyzer without a run). */
  constructor(alone = false) {
    if (!alone) this.facts.add(AnalysisRun.CHECKED_TOGETHER);
  }

  private readonly ruledOut: string[] = [];

  /**
   * Tells the run that none of its texts states a fact starting with `prefix` (the caller looked
   * at every text first: no file has a Pod Security label). Derived findings that would need such
   * a fact are then not built at all (Analyzer.derive's `mayStand`); facts already added still hold.
   */
  ruleOut(prefix: string): void {
    this.ruledOut.push(prefix);
  }

  /** Whether a text of the run may state a fact starting with `prefix` (one was added, or the prefix was not ruled out). */
  mayState(prefix: string): boolean {
    if (!this.ruledOut.some((p) => prefix.startsWith(p))) return true;
    for (const fact of this.facts) if (fact.startsWith(prefix)) return true;
    return false;
  }

  /** Which facts can hold once every text was analysed, when some were ruled out; undefined when any can. */
  get mayStand(): ((fact: string) => boolean) | undefined {
    if (this.ruledOut.length === 0) return undefined;
    return (fact) => this.facts.has(fact) || !this.ruledOut.some((p) => fact.startsWith(p));
  }

  /** Keeps the first finding reported under a key in the run; later ones are dropped when settled. */
  once(finding: Finding, key: string): void {
    if (this.onceKeys.has(key)) this.repeated.add(finding);
    else this.onceKeys.add(key);
  }

  /** `source`: the name (a path) of the text that states them, for findings that cite it. */
  addFacts(facts: readonly string[], source?: string): void {
    for (const f of facts) {
      this.facts.add(f);
      if (source !== undefined || !this.sources.has(f)) this.sources.set(f, source);
    }
  }

  /** Holds a finding that stands as its `settle` says once the run's facts are known (see Report.settle). */
  resolve(finding: Finding, settle: NonNullable<Report['settle']>): void {
    this.resolved.set(finding, settle);
  }

  /** Holds a finding that a fact of the run would make moot. */
  hold(finding: Finding, fact: string): void {
    this.held.set(finding, fact);
  }

  /** Holds a finding that the facts of the run make moot when they state every one of `facts`. */
  holdAll(finding: Finding, facts: readonly string[]): void {
    this.heldAll.set(finding, facts);
  }

  /** Holds a finding that stands only when a text of the run states a fact (see Analyzer.derive). */
  require(finding: Finding, fact: string): void {
    this.required.set(finding, fact);
  }

  /** Whether a finding of the run waits on facts (held, required, resolved or kept once): only then can other texts' facts change what stands. */
  get waiting(): boolean {
    return this.held.size > 0 || this.required.size > 0 || this.heldAll.size > 0 || this.repeated.size > 0 || this.resolved.size > 0 || this.onceKeys.size > 0;
  }

  /** The findings of one text without those waived by a fact of any text of the run, nor those whose required fact none states. */
  settle(findings: Finding[]): Finding[] {
    if (this.held.size === 0 && this.required.size === 0 && this.heldAll.size === 0 && this.repeated.size === 0 && this.resolved.size === 0) return findings;
    const view = this.resolved.size ? this.view() : undefined;
    // Most findings wait on nothing: each table is read only when it holds something.
    const { resolved, repeated, held, heldAll, required } = this;
    const anyResolved = resolved.size > 0, anyRepeated = repeated.size > 0, anyHeld = held.size > 0, anyHeldAll = heldAll.size > 0, anyRequired = required.size > 0;
    return findings.filter((f) => {
      const resolve = anyResolved ? resolved.get(f) : undefined;
      if (resolve) {
        let r: { message: string; l10n?: Text; related?: RelatedInfo[] } | undefined;
        try { r = resolve(view!); } catch { r = undefined; }
        if (!r) return false;
        f.message = r.message;
        // The message is new: its own template, else none (the reported one no longer renders it).
        // Set, not deleted: a finding keeps the one shape every finding has (findingOf).
        f.l10n = r.l10n;
        if (r.related?.length) f.related = r.related;
      }
      if (anyRepeated && repeated.has(f)) return false;
      const fact = anyHeld ? held.get(f) : undefined;
      if (fact !== undefined && this.facts.has(fact)) return false;
      const all = anyHeldAll ? heldAll.get(f) : undefined;
      if (all && all.every((x) => this.facts.has(x))) return false;
      const needs = anyRequired ? required.get(f) : undefined;
      return needs === undefined || this.facts.has(needs);
    });
  }

  private viewCache: { size: number; view: RunFacts } | undefined;

  /**
   * The facts as a finding's `settle` reads them, grouped by prefix (up to the first ':'); built
   * again only when facts were added since (a run settles each of its texts in turn).
   */
  private view(): RunFacts {
    if (this.viewCache?.size === this.facts.size) return this.viewCache.view;
    const byHead = new Map<string, Array<{ fact: string; source?: string }>>();
    for (const fact of this.facts) {
      const head = fact.slice(0, fact.indexOf(':') + 1);
      let list = byHead.get(head);
      if (!list) byHead.set(head, (list = []));
      const source = this.sources.get(fact);
      list.push(source === undefined ? { fact } : { fact, source });
    }
    const view: RunFacts = {
      has: (fact) => this.facts.has(fact),
      withPrefix: (prefix) => {
        const head = prefix.slice(0, prefix.indexOf(':') + 1);
        const list = byHead.get(head) ?? [];
        return head === prefix ? list : list.filter((x) => x.fact.startsWith(prefix));
      },
    };
    this.viewCache = { size: this.facts.size, view };
    return view;
  }
}

export { MAX_TEXT_LENGTH };

const RULE_KEYS = new WeakMap<RuleMeta, string[]>();

/** Public keys (our id and references, normalised) under which a rule can be configured. */
export function ruleKeys(rule: RuleMeta): string[] {
  let keys = RULE_KEYS.get(rule);
  // A rule that combines others answers to its own id only: their ids and references stay theirs.
  if (!keys) RULE_KEYS.set(rule, (keys = rule.combines ? [normalizeRuleKey(rule.id)] : [normalizeRuleKey(rule.id), ...rule.references.map(normalizeRuleKey), ...(rule.partOf ? [normalizeRuleKey(rule.partOf)] : [])]));
  return keys;
}

const SETTINGS_BY_KEY = new WeakMap<ShipshapeConfig['rules'], Map<string, string>>();

/** A config's rule settings keyed by normalised rule key, built once per rules object (treated as immutable once analysed). */
function settingsByKey(rules: ShipshapeConfig['rules']): Map<string, string> {
  let byKey = SETTINGS_BY_KEY.get(rules);
  if (!byKey) {
    byKey = new Map();
    for (const [k, v] of Object.entries(rules)) byKey.set(normalizeRuleKey(k), v);
    SETTINGS_BY_KEY.set(rules, byKey);
  }
  return byKey;
}

const SEVERITIES_BY_RULES = new WeakMap<readonly RuleMeta[], WeakMap<ShipshapeConfig['rules'], Map<string, ReadonlyArray<Severity | undefined>>>>();

/**
 * The effective severity of each rule of an analyser under a config (undefined: off), computed
 * once per rule list, rules object and profile: a session analyses every file with the same ones.
 */
function severitiesOf(rules: readonly RuleMeta[], config: ShipshapeConfig): ReadonlyArray<Severity | undefined> {
  let byRules = SEVERITIES_BY_RULES.get(rules);
  if (!byRules) SEVERITIES_BY_RULES.set(rules, (byRules = new WeakMap()));
  let byProfile = byRules.get(config.rules);
  if (!byProfile) byRules.set(config.rules, (byProfile = new Map()));
  let list = byProfile.get(config.profile);
  if (!list) byProfile.set(config.profile, (list = rules.map((r) => effectiveSeverity(r, config))));
  return list;
}

/**
 * The effective setting of a rule under a config: undefined when it is off, else its severity.
 * Our id wins over public references; among references, the first configured one wins.
 */
export function effectiveSeverity(rule: RuleMeta, config: ShipshapeConfig): Severity | undefined {
  const byKey = settingsByKey(config.rules);
  let setting: string | undefined;
  for (const key of ruleKeys(rule)) {
    setting = byKey.get(key);
    if (setting) break;
  }
  if (setting === 'off') return undefined;
  if (!setting && rule.defaultEnabled === false) return undefined;
  if (rule.pss && !profileIncludes(config.profile, rule.pss)) return undefined;
  return settingSeverity(setting as never) ?? rule.severity;
}

function profileIncludes(profile: ShipshapeConfig['profile'], level: 'baseline' | 'restricted'): boolean {
  if (profile === 'all' || profile === 'restricted') return true;
  return level === 'baseline';
}

/**
 * Runs one analyser over a text. Never throws: a parser failure gives no findings, a rule
 * failure is recorded in `errors` and the other rules still report. Findings waived by a fact
 * are settled at once against the text's own facts, or left to `options.run` to settle.
 */
export function runAnalyzer<M>(analyzer: Analyzer<M>, text: string, config: ShipshapeConfig = DEFAULT_CONFIG, options?: AnalyzeOptions): AnalysisResult {
  const result: AnalysisResult = { findings: [], errors: [] };
  // The limits shared with every other reader of user text (core/limits.ts).
  const problem = textLimitProblem(text);
  if (problem) return skipped(result, new Skip(problem === 'tooLarge' ? 'size' : 'binary', textLimitReason(problem)));
  if (!mayBeOfKind(text, analyzer.kind)) {
    result.notApplicable = true;
    return result;
  }
  let model: M | Skip | undefined;
  try {
    model = analyzer.parseOrSkip ? analyzer.parseOrSkip(text, config, options) : analyzer.parse(text, config);
  } catch (e) {
    result.errors.push({ ruleId: '(parser)', message: String((e as Error)?.message ?? e) });
    return result;
  }
  if (model === undefined) {
    result.notApplicable = true;
    return result;
  }
  if (model instanceof Skip) return skipped(result, model);
  let suppressions = collectSuppressions([]);
  // Reading comments costs a pass over the text; a file without the directive has none to read.
  if (text.includes('shipshape-ignore')) {
    try {
      suppressions = collectSuppressions(analyzer.comments(model));
    } catch {
      // Unreadable comments suppress nothing.
    }
  }
  // Most texts have no directive: their findings skip the lookups (a large manifest has thousands).
  const anySuppression = suppressions.lines.size > 0 || suppressions.file.size > 0;
  let about: Map<Finding, Range> | undefined;
  let waived: Array<[Finding, string]> | undefined;
  let waivedAll: Array<[Finding, readonly string[]]> | undefined;
  let required: Array<[Finding, string]> | undefined;
  let once: Array<[Finding, string]> | undefined;
  let resolved: Array<[Finding, NonNullable<Report['settle']>]> | undefined;
  let covered = false;
  let combined = false;
  // Reports of a rule another one combines, kept aside for foldCombined: most fold into
  // the combining rule's finding at their node, and only the others become findings.
  let parts: Part[] | undefined;
  let divert = false;
  const folds = foldTables(analyzer.rules);
  // The text's own facts: what it states for the other texts of a run, and, analysed alone, all
  // its findings can settle against.
  let ownFacts: readonly string[] | undefined;
  if (analyzer.facts) {
    try {
      ownFacts = analyzer.facts(model);
    } catch (e) {
      result.errors.push({ ruleId: '(facts)', message: String((e as Error)?.message ?? e) });
    }
  }
  // A text analysed alone settles against its own facts: without any, nothing derived can stand.
  const alone = options?.run ? undefined : new Set(ownFacts ?? []);
  const severities = severitiesOf(analyzer.rules, config);
  // Which facts can be stated where this text is analysed (undefined: any), for the rules' reports
  // and the derived ones alike.
  const mayStand = alone ? (f: string) => alone.has(f) : options?.run?.mayStand;
  const ruleRun: RuleRun = { mayStand: (fact) => mayStand === undefined || mayStand(fact) };
  // One reporter for every rule (no closure per rule and analysis); it reads the rule being run.
  let rule: Rule<M> = analyzer.rules[0];
  let severity: Severity = 'info';
  let keys: readonly string[] = [];
  const report = (r: Report): void => {
    if (anySuppression && isSuppressed(suppressions!, r.range.start.line, keys)) return;
    if (divert && !(r.waivedBy || r.waivedByAll || r.requires || r.once || r.settle)) {
      (parts ??= []).push({ rule, severity, report: r });
      return;
    }
    const finding = findingOf(rule, severity, r);
    if (r.about) (about ??= new Map()).set(finding, r.about);
    if (r.waivedBy) (waived ??= []).push([finding, r.waivedBy]);
    if (r.waivedByAll?.length) (waivedAll ??= []).push([finding, r.waivedByAll]);
    if (r.requires) (required ??= []).push([finding, r.requires]);
    if (r.once) (once ??= []).push([finding, r.once]);
    if (r.settle) (resolved ??= []).push([finding, r.settle]);
    if (rule.coveredBy) covered = true;
    if (rule.combines) combined = true;
    result.findings.push(finding);
  };
  for (let ri = 0; ri < analyzer.rules.length; ri++) {
    const ruleSeverity = severities[ri];
    if (!ruleSeverity) continue;
    rule = analyzer.rules[ri];
    // A rule whose findings settle on facts no text of the run states builds nothing.
    if (rule.settlesOn !== undefined && !ownFacts?.some((f) => f.startsWith(rule.settlesOn!)) && (alone || !options!.run!.mayState(rule.settlesOn))) continue;
    severity = ruleSeverity;
    keys = ruleKeys(rule);
    divert = folds.combinerOf.has(rule.id) && rule.coveredBy === undefined && !folds.coverers.has(rule.id);
    try {
      rule.check(model, report, ruleRun);
    } catch (e) {
      result.errors.push({ ruleId: rule.id, message: String((e as Error)?.message ?? e) });
    }
  }
  if (covered) result.findings = foldCovered(result.findings, analyzer.rules, about);
  if (combined || parts) result.findings = foldCombined(result.findings, parts ?? [], analyzer.rules, about, config);
  if (analyzer.derive && result.findings.length > 0 && (!alone || alone.size > 0)) {
    try {
      // A file can derive a few reports per workload, all of a few rules: each rule looked up once.
      const derivedRules = new Map<string, { rule: Rule<M>; severity: Severity } | undefined>();
      for (const d of analyzer.derive(model, result.findings, analyzer.rules, mayStand)) {
        let entry = derivedRules.get(d.ruleId);
        if (!derivedRules.has(d.ruleId)) {
          const r = analyzer.rules.find((x) => x.id === d.ruleId);
          const s = r && effectiveSeverity(r, config);
          derivedRules.set(d.ruleId, (entry = r && s ? { rule: r, severity: s } : undefined));
        }
        if (!entry) continue;
        const { rule, severity } = entry;
        if (anySuppression && isSuppressed(suppressions, d.range.start.line, ruleKeys(rule))) continue;
        const finding = findingOf(rule, severity, d);
        (required ??= []).push([finding, d.requires]);
        result.findings.push(finding);
      }
    } catch (e) {
      result.errors.push({ ruleId: '(derive)', message: String((e as Error)?.message ?? e) });
    }
  }
  if (ownFacts?.length) result.facts = ownFacts;
  if (analyzer.facts || waived || waivedAll || required || once || resolved) {
    const run = options?.run ?? new AnalysisRun(true);
    if (ownFacts) run.addFacts(ownFacts, options?.source);
    if (resolved) for (const [finding, settle] of resolved) run.resolve(finding, settle);
    if (waived) for (const [finding, fact] of waived) run.hold(finding, fact);
    if (required) for (const [finding, fact] of required) run.require(finding, fact);
    if (waivedAll) for (const [finding, facts] of waivedAll) run.holdAll(finding, facts);
    if (once) for (const [finding, key] of once) run.once(finding, key);
    if (!options?.run) result.findings = run.settle(result.findings);
  }
  result.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return result;
}

/** The finding of a rule's report (what it says, where, the fixes it offers). */
function findingOf(rule: RuleMeta, severity: Severity, r: Report): Finding {
  // Every field in the literal, absent ones undefined: one shape for every finding, one allocation.
  return {
    ruleId: rule.id, severity, message: r.message ?? english(r.l10n!), l10n: r.l10n, range: r.range, references: rule.references,
    related: r.related?.length ? r.related : undefined, fixes: r.fixes?.length ? r.fixes : undefined, tags: r.tags?.length ? r.tags : undefined,
  };
}

/** A report of a rule that another combines, kept aside until the fold (see runAnalyzer). */
interface Part { rule: RuleMeta; severity: Severity; report: Report }

function skipped(result: AnalysisResult, skip: Skip): AnalysisResult {
  result.skipped = skip.reason;
  result.skipKind = skip.kind;
  if (skip.l10n) result.skippedL10n = skip.l10n;
  return result;
}

/** Which rules cover and combine which, per rule list (an analyser's rules never change). */
interface FoldTables {
  coverOf: Map<string, readonly string[]>;
  coverers: Set<string>;
  combinerOf: Map<string, string>;
  combiners: Set<string>;
}
const FOLD_TABLES = new WeakMap<readonly RuleMeta[], FoldTables>();

function foldTables(rules: readonly RuleMeta[]): FoldTables {
  let t = FOLD_TABLES.get(rules);
  if (t) return t;
  t = { coverOf: new Map(), coverers: new Set(), combinerOf: new Map(), combiners: new Set() };
  for (const r of rules) {
    if (r.coveredBy) {
      t.coverOf.set(r.id, r.coveredBy);
      for (const id of r.coveredBy) t.coverers.add(id);
    }
    if (r.combines) {
      t.combiners.add(r.id);
      for (const id of r.combines) t.combinerOf.set(id, r.id);
    }
  }
  FOLD_TABLES.set(rules, t);
  return t;
}

/**
 * One problem, one finding: a finding of a rule with `coveredBy` is folded into a finding of one
 * of those rules about the same node. The survivor keeps the higher severity and gains the folded
 * rule's references (so every public id still names it); its own fixes address the node (the
 * folded finding's may not: a container's fix does not change the pod value it inherits).
 */
function foldCovered(findings: Finding[], rules: readonly RuleMeta[], about: Map<Finding, Range> | undefined): Finding[] {
  const { coverOf, coverers } = foldTables(rules);
  const nodeOf = (f: Finding): Range => about?.get(f) ?? f.range;
  const byLine = findingsByLine(findings, (f) => coverers.has(f.ruleId), nodeOf);
  if (byLine.size === 0) return findings;
  const dropped = new Set<Finding>();
  for (const f of findings) {
    const cover = coverOf.get(f.ruleId);
    if (!cover) continue;
    const node = nodeOf(f);
    const host = byLine.get(node.start.line)?.find((g) => g !== f && !dropped.has(g) && cover.includes(g.ruleId) && sameRange(nodeOf(g), node));
    if (!host) continue;
    if (severityRank(f.severity) > severityRank(host.severity)) host.severity = f.severity;
    const refs = f.references.filter((r) => !host.references.includes(r));
    if (refs.length) host.references = [...host.references, ...refs];
    dropped.add(f);
  }
  return dropped.size ? findings.filter((f) => !dropped.has(f)) : findings;
}

function sameRange(a: Range, b: Range): boolean {
  return a === b || (a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character);
}

/**
 * The findings that pass `keep`, by the start line of the node they are about, in order: the
 * folds compare a finding with the few on its line instead of building a key of every range
 * (a large manifest has tens of thousands of findings).
 */
function findingsByLine(findings: readonly Finding[], keep: (f: Finding) => boolean, nodeOf: (f: Finding) => Range): Map<number, Finding[]> {
  const byLine = new Map<number, Finding[]>();
  for (const f of findings) {
    if (!keep(f)) continue;
    const line = nodeOf(f).start.line;
    const list = byLine.get(line);
    if (list) list.push(f);
    else byLine.set(line, [f]);
  }
  return byLine;
}

/**
 * Reports of rules that another rule `combines` (`parts`, kept aside by runAnalyzer), on the node
 * of one of its findings, become that finding: it takes their references and (unless its own id
 * sets a severity) their highest severity. The other parts become findings of their own. A
 * combining finding that no part backs (all of them off, suppressed or silent there) is dropped.
 */
function foldCombined(findings: Finding[], parts: readonly Part[], rules: readonly RuleMeta[], about: Map<Finding, Range> | undefined, config: ShipshapeConfig): Finding[] {
  const { combinerOf, combiners } = foldTables(rules);
  interface Host { ruleId: string; node: Range; host: Finding; parts: Part[] }
  // Combining findings by rule and place (the last one at a place wins), by their node's line.
  const byLine = new Map<number, Host[]>();
  for (const f of findings) {
    if (!combiners.has(f.ruleId)) continue;
    const entry: Host = { ruleId: f.ruleId, node: about?.get(f) ?? f.range, host: f, parts: [] };
    const list = byLine.get(entry.node.start.line);
    if (!list) {
      byLine.set(entry.node.start.line, [entry]);
      continue;
    }
    const earlier = list.findIndex((h) => h.ruleId === entry.ruleId && sameRange(h.node, entry.node));
    if (earlier >= 0) list[earlier] = entry;
    else list.push(entry);
  }
  const alone: Finding[] = [];
  for (const part of parts) {
    const combiner = combinerOf.get(part.rule.id);
    const node = part.report.about ?? part.report.range;
    const entry = combiner === undefined ? undefined : byLine.get(node.start.line)?.find((h) => h.ruleId === combiner && sameRange(h.node, node));
    if (entry) entry.parts.push(part);
    else alone.push(findingOf(part.rule, part.severity, part.report));
  }
  if (byLine.size === 0) return alone.length ? findings.concat(alone) : findings;
  const dropped = new Set<Finding>();
  const byKey = settingsByKey(config.rules);
  // Whether the config sets a combining rule's own severity: looked up once per rule.
  const ownSeverity = new Map<string, boolean>();
  for (const list of byLine.values()) {
    for (const { host, parts: backing } of list) {
      if (backing.length === 0) {
        dropped.add(host);
        continue;
      }
      const references: string[] = [];
      for (const p of backing) for (const ref of p.rule.references) if (!references.includes(ref)) references.push(ref);
      host.references = references;
      let own = ownSeverity.get(host.ruleId);
      if (own === undefined) ownSeverity.set(host.ruleId, (own = !!settingSeverity(byKey.get(normalizeRuleKey(host.ruleId)) as never)));
      if (!own) {
        host.severity = backing.reduce((s, p) => (severityRank(p.severity) > severityRank(s) ? p.severity : s), backing[0].severity);
      }
    }
  }
  const kept = dropped.size ? findings.filter((f) => !dropped.has(f)) : findings;
  return alone.length ? kept.concat(alone) : kept;
}
