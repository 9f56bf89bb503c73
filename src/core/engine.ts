import { ShipshapeConfig, DEFAULT_CONFIG, settingSeverity } from './config';
import { FileKind, Finding, Rule, RuleMeta, Severity, Report } from './model';
import { SourceComment, collectSuppressions, isSuppressed, normalizeRuleKey } from './suppress';

/** A file kind's parser and rules. The parse result is shared by all rules of the kind. */
export interface Analyzer<M> {
  kind: FileKind;
  /** Parses text into the model the rules read; undefined = not this kind (e.g. non-Kubernetes YAML). */
  parse(text: string, config: ShipshapeConfig): M | undefined;
  comments(model: M): SourceComment[];
  rules: readonly Rule<M>[];
}

/** Outcome of analysing one text. */
export interface AnalysisResult {
  findings: Finding[];
  /** Set when the text was not analysed (too large, binary); a reason for people. */
  skipped?: string;
  /** True when the text is not of the analyser's kind (YAML that is not Kubernetes, a Helm template). */
  notApplicable?: boolean;
  /** Rules that threw (a bug of ours); the other rules still ran. */
  errors: Array<{ ruleId: string; message: string }>;
}

/** Larger texts are not analysed: an editor must stay responsive and a CLI must not hang. */
export const MAX_TEXT_LENGTH = 8 * 1024 * 1024;

const RULE_KEYS = new WeakMap<RuleMeta, string[]>();

/** Public keys (our id and references, normalised) under which a rule can be configured. */
export function ruleKeys(rule: RuleMeta): string[] {
  let keys = RULE_KEYS.get(rule);
  if (!keys) RULE_KEYS.set(rule, (keys = [normalizeRuleKey(rule.id), ...rule.references.map(normalizeRuleKey)]));
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

/** Looks like binary content: a NUL byte among the first 8 KB. */
function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

/**
 * Runs one analyser over a text. Never throws: a parser failure gives no findings, a rule
 * failure is recorded in `errors` and the other rules still report.
 */
export function runAnalyzer<M>(analyzer: Analyzer<M>, text: string, config: ShipshapeConfig = DEFAULT_CONFIG): AnalysisResult {
  const result: AnalysisResult = { findings: [], errors: [] };
  if (text.length > MAX_TEXT_LENGTH) {
    result.skipped = `file larger than ${MAX_TEXT_LENGTH / (1024 * 1024)} MB`;
    return result;
  }
  if (looksBinary(text)) {
    result.skipped = 'binary content';
    return result;
  }
  let model: M | undefined;
  try {
    model = analyzer.parse(text, config);
  } catch (e) {
    result.errors.push({ ruleId: '(parser)', message: String((e as Error)?.message ?? e) });
    return result;
  }
  if (model === undefined) {
    result.notApplicable = true;
    return result;
  }
  let suppressions = collectSuppressions([]);
  // Reading comments costs a pass over the text; a file without the directive has none to read.
  if (text.includes('shipshape-ignore')) {
    try {
      suppressions = collectSuppressions(analyzer.comments(model));
    } catch {
      // Unreadable comments suppress nothing.
    }
  }
  for (const rule of analyzer.rules) {
    const severity = effectiveSeverity(rule, config);
    if (!severity) continue;
    const keys = ruleKeys(rule);
    const report = (r: Report): void => {
      if (isSuppressed(suppressions!, r.range.start.line, keys)) return;
      const finding: Finding = { ruleId: rule.id, severity, message: r.message, range: r.range, references: rule.references };
      if (r.related?.length) finding.related = r.related;
      if (r.fixes?.length) finding.fixes = r.fixes;
      if (r.tags?.length) finding.tags = r.tags;
      result.findings.push(finding);
    };
    try {
      rule.check(model, report);
    } catch (e) {
      result.errors.push({ ruleId: rule.id, message: String((e as Error)?.message ?? e) });
    }
  }
  result.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return result;
}
