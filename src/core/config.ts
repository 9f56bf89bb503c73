import { Range, Severity, SEVERITIES } from './model';
import { english, frag, Text } from './l10n/text';

/**
 * A per-rule setting. `off` disables, `on` enables a rule that is off by default; a severity
 * (docs/SEVERITY.md) overrides the rule's. The editor words `error|warning|information|hint` are
 * what the `shipshape.rules` setting took before it used the severities (see parseRuleSetting).
 */
export type RuleSetting = 'off' | 'on' | Severity | 'error' | 'warning' | 'information' | 'hint';

export type Profile = 'baseline' | 'restricted' | 'all';

/** Everything that changes what the engine reports. Same shape for the CLI and the editor. */
export interface ShipshapeConfig {
  /** Keyed by our rule id or any public reference (e.g. `DS-0002`, `DL3002`, `KSV-0017`). */
  rules: Record<string, RuleSetting>;
  /** Which Pod Security Standards controls are reported. */
  profile: Profile;
  /** Registries a Dockerfile base image may come from; empty = the check is off. */
  trustedRegistries: string[];
  /** Globs of files not to analyse (used by the callers that pick files). */
  exclude: string[];
  /** How Helm charts are rendered, per chart directory (relative to the config file's folder). */
  helm?: HelmConfig;
}

/** `helm: {charts: {"charts/web": {values: [values-prod.yaml], set: {image.tag: "1.2.3"}, releaseName, namespace, kubeVersion}}}`. */
export interface HelmConfig { charts: Record<string, HelmChartConfig> }
export interface HelmChartConfig {
  /** Values files, relative to the config file's folder. */
  values?: string[];
  set?: Record<string, string>;
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
}

export const DEFAULT_CONFIG: ShipshapeConfig = Object.freeze({
  rules: {},
  profile: 'all',
  trustedRegistries: [],
  exclude: [],
}) as ShipshapeConfig;

/** The editor words of `shipshape.rules`, mapped onto the severities that map back to them (critical/high → Error…). */
const EDITOR_SEVERITY: Record<string, Severity> = { error: 'high', warning: 'medium', information: 'low', hint: 'info' };

/** Maps a rule setting to a core severity override, or undefined when it only toggles. */
export function settingSeverity(s: RuleSetting | undefined): Severity | undefined {
  if (!s || s === 'off' || s === 'on') return undefined;
  if ((SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  return EDITOR_SEVERITY[s];
}

/** The words `.shipshape.yaml` and `shipshape.rules` both take for a rule. */
export const RULE_SETTING_WORDS: readonly string[] = ['off', 'on', ...SEVERITIES];
const RULE_SETTINGS = new Set<string>(RULE_SETTING_WORDS);

/**
 * Reads one rule setting as written: `off`, `on` (or a boolean) or a severity, in any case. With
 * `editorWords` (the `shipshape.rules` setting, for compatibility) also `error|warning|information|hint`,
 * read as high|medium|low|info. Undefined when it is none of these.
 */
export function parseRuleSetting(value: unknown, editorWords = false): RuleSetting | undefined {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (RULE_SETTINGS.has(word)) return word as RuleSetting;
  return editorWords ? EDITOR_SEVERITY[word] : undefined;
}
const PROFILES = new Set<string>(['baseline', 'restricted', 'all']);

/** Problems met while reading a config object; the config is still usable. */
export interface ConfigResult {
  config: ShipshapeConfig;
  problems: string[];
  /** The same problems as templates (same order), for other locales. */
  problemTexts?: Text[];
  /** The same problems with where they are in the text (when read from a text), for a diagnostic on the file. */
  issues?: ConfigIssue[];
  /** The text could not be read as YAML at all (syntax error, alias bomb): defaults are used. */
  unreadable?: boolean;
}

/** One problem of a `.shipshape.yaml`, with its range in the file (0-based) when known. */
export interface ConfigIssue { message: string; range: Range; /** `message` as a template. */ l10n?: Text }

/** Most alias expansions read from a `.shipshape.yaml` (a "billion laughs" file is refused). */
const MAX_CONFIG_ALIASES = 50;

/**
 * Validates an untrusted object (parsed `.shipshape.yaml` or VS Code settings) into a config.
 * Unknown or ill-typed entries are dropped and reported, never thrown.
 */
export function normalizeConfig(raw: unknown, base: ShipshapeConfig = DEFAULT_CONFIG): ConfigResult {
  const problems: string[] = [];
  const problemTexts: Text[] = [];
  const problem: Problem = (t) => { problems.push(english(t)); problemTexts.push(t); };
  const config: ShipshapeConfig = {
    rules: { ...base.rules },
    profile: base.profile,
    trustedRegistries: [...base.trustedRegistries],
    exclude: [...base.exclude],
  };
  if (raw === undefined || raw === null) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problem(frag('config.not-mapping', 'configuration must be a mapping'));
    return { config, problems, problemTexts };
  }
  const o = raw as Record<string, unknown>;
  if (o.rules !== undefined) {
    if (typeof o.rules === 'object' && o.rules !== null && !Array.isArray(o.rules)) {
      for (const [k, v] of Object.entries(o.rules as Record<string, unknown>)) {
        const setting = parseRuleSetting(v);
        if (setting) {
          config.rules[k] = setting;
        } else {
          // The editor's words are the `shipshape.rules` setting's old vocabulary: say which severity they were.
          const editor = typeof v === 'string' ? EDITOR_SEVERITY[v.trim().toLowerCase()] : undefined;
          const words = RULE_SETTING_WORDS.join(', ');
          problem(editor
            ? frag('config.rule-setting-editor', 'rules.{rule}: expected one of {words} ({value} is {severity})', { rule: k, words, value: String(v).trim(), severity: editor })
            : frag('config.rule-setting', 'rules.{rule}: expected one of {words}', { rule: k, words }));
        }
      }
    } else problem(frag('config.rules-mapping', 'rules: expected a mapping of rule id to setting'));
  }
  if (o.profile !== undefined) {
    if (typeof o.profile === 'string' && PROFILES.has(o.profile)) config.profile = o.profile as Profile;
    else problem(frag('config.profile', 'profile: expected baseline, restricted or all'));
  }
  for (const key of ['trustedRegistries', 'exclude'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) config[key] = [...v];
    else problem(frag('config.string-list', '{key}: expected a list of strings', { key }));
  }
  if (o.helm !== undefined) {
    const helm = normalizeHelm(o.helm, problem);
    if (helm) config.helm = helm;
  } else if (base.helm) config.helm = base.helm;
  return problems.length ? { config, problems, problemTexts } : { config, problems };
}

/** Reports one problem of a configuration. */
type Problem = (text: Text) => void;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates `helm:`; ill-typed entries are dropped with a problem each. */
function normalizeHelm(raw: unknown, problem: Problem): HelmConfig | undefined {
  if (!isRecord(raw) || (raw.charts !== undefined && !isRecord(raw.charts))) {
    problem(frag('config.helm', 'helm: expected {charts: {<chart dir>: {values, set, releaseName, namespace, kubeVersion}}}'));
    return undefined;
  }
  const charts: Record<string, HelmChartConfig> = {};
  for (const [dir, v] of Object.entries((raw.charts ?? {}) as Record<string, unknown>)) {
    if (!isRecord(v)) { problem(frag('config.helm.chart', 'helm.charts.{dir}: expected a mapping', { dir })); continue; }
    const c: HelmChartConfig = {};
    if (v.values !== undefined) {
      if (Array.isArray(v.values) && v.values.every((x) => typeof x === 'string')) c.values = [...v.values];
      else problem(frag('config.helm.values', 'helm.charts.{dir}.values: expected a list of file names', { dir }));
    }
    if (v.set !== undefined) {
      if (isRecord(v.set) && Object.values(v.set).every((x) => ['string', 'number', 'boolean'].includes(typeof x))) {
        c.set = Object.fromEntries(Object.entries(v.set).map(([k, x]) => [k, String(x)]));
      } else problem(frag('config.helm.set', 'helm.charts.{dir}.set: expected a mapping of key to value', { dir }));
    }
    for (const key of ['releaseName', 'namespace', 'kubeVersion'] as const) {
      const x = v[key];
      if (x === undefined) continue;
      if (typeof x === 'string') c[key] = x;
      // `kubeVersion: 1.30` is the number 1.3 to YAML: refused rather than rendered for the wrong version.
      else problem(typeof x === 'number'
        ? frag('config.helm.string-number', 'helm.charts.{dir}.{key}: expected a string (quote it: "{value}")', { dir, key, value: String(x) })
        : frag('config.helm.string', 'helm.charts.{dir}.{key}: expected a string', { dir, key }));
    }
    charts[dir] = c;
  }
  return { charts };
}

/** File name of the project configuration, read by the CLI (`--config`) and the editor alike. */
export const CONFIG_FILE_NAME = '.shipshape.yaml';

/**
 * Parses the text of a `.shipshape.yaml` into a config. YAML errors become problems, never throws.
 * Example:
 *   profile: restricted
 *   rules: { docker-no-healthcheck: off, DS-0001: low }
 *   trustedRegistries: [ghcr.io, "*.azurecr.io"]
 *   exclude: ["charts/**"]
 */
export function parseConfigText(text: string, base: ShipshapeConfig = DEFAULT_CONFIG): ConfigResult {
  const unreadable = (issues: ConfigIssue[]): ConfigResult => ({
    config: normalizeConfig(undefined, base).config, problems: issues.map((i) => i.message), issues, unreadable: true,
    ...(issues.every((i) => i.l10n) ? { problemTexts: issues.map((i) => i.l10n!) } : {}),
  });
  const cannotRead = (e: unknown): ConfigIssue[] => {
    const t = frag('config.cannot-read', 'cannot be read: {error}', { error: String((e as Error)?.message ?? e) });
    return [{ message: english(t), l10n: t, range: start }];
  };
  const start: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  // Everything that reads the untrusted text is inside the try: the parser, the alias expansion
  // (toJS throws past maxAliasCount) and the normalisation never escape as an exception.
  try {
    // Loaded here, not at the top: the editor reads its config long after activation.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseDocument, isMap, isScalar } = require('yaml') as typeof import('yaml');
    const doc = parseDocument(text, { prettyErrors: false });
    // Line starts, to give each problem a range.
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    const positionAt = (offset: number) => {
      let lo = 0, hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
      }
      return { line: lo, character: offset - lineStarts[lo] };
    };
    if (doc.errors.length > 0) {
      return unreadable(doc.errors.map((e) => {
        const [from, to] = e.pos ?? [0, 0];
        return { message: e.message, range: { start: positionAt(from), end: positionAt(Math.max(from, to)) } };
      }));
    }
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
    } catch (e) {
      return unreadable(cannotRead(e));
    }
    const result = normalizeConfig(raw, base);
    // Each problem names its top-level key first (`rules.X: …`, `profile: …`): point at that key.
    const keyRange = (key: string): Range => {
      const contents = doc.contents;
      if (isMap(contents)) {
        for (const pair of contents.items) {
          if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return { start: positionAt(pair.key.range[0]), end: positionAt(pair.key.range[1]) };
        }
      }
      return start;
    };
    result.issues = result.problems.map((message, i) => {
      const l10n = result.problemTexts?.[i];
      return { message, range: keyRange(message.split(/[.:]/)[0]), ...(l10n ? { l10n } : {}) };
    });
    return result;
  } catch (e) {
    return unreadable(cannotRead(e));
  }
}
