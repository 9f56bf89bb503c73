import { Severity, SEVERITIES } from './model';

/**
 * A per-rule setting. `off` disables, `on` enables a rule that is off by default;
 * a core severity or an editor severity (`error|warning|info|hint`) overrides the severity.
 */
export type RuleSetting = 'off' | 'on' | Severity | 'error' | 'warning' | 'hint';

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
}

export const DEFAULT_CONFIG: ShipshapeConfig = Object.freeze({
  rules: {},
  profile: 'all',
  trustedRegistries: [],
  exclude: [],
}) as ShipshapeConfig;

const EDITOR_SEVERITY: Record<string, Severity> = { error: 'high', warning: 'medium', hint: 'info' };

/** Maps a rule setting to a core severity override, or undefined when it only toggles. */
export function settingSeverity(s: RuleSetting | undefined): Severity | undefined {
  if (!s || s === 'off' || s === 'on') return undefined;
  if ((SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  return EDITOR_SEVERITY[s];
}

const RULE_SETTINGS = new Set<string>(['off', 'on', ...SEVERITIES, 'error', 'warning', 'hint']);
const PROFILES = new Set<string>(['baseline', 'restricted', 'all']);

/** Problems met while reading a config object; the config is still usable. */
export interface ConfigResult { config: ShipshapeConfig; problems: string[] }

/**
 * Validates an untrusted object (parsed `.shipshape.yaml` or VS Code settings) into a config.
 * Unknown or ill-typed entries are dropped and reported, never thrown.
 */
export function normalizeConfig(raw: unknown, base: ShipshapeConfig = DEFAULT_CONFIG): ConfigResult {
  const problems: string[] = [];
  const config: ShipshapeConfig = {
    rules: { ...base.rules },
    profile: base.profile,
    trustedRegistries: [...base.trustedRegistries],
    exclude: [...base.exclude],
  };
  if (raw === undefined || raw === null) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('configuration must be a mapping');
    return { config, problems };
  }
  const o = raw as Record<string, unknown>;
  if (o.rules !== undefined) {
    if (typeof o.rules === 'object' && o.rules !== null && !Array.isArray(o.rules)) {
      for (const [k, v] of Object.entries(o.rules as Record<string, unknown>)) {
        const val = typeof v === 'boolean' ? (v ? 'on' : 'off') : v;
        if (typeof val === 'string' && RULE_SETTINGS.has(val.toLowerCase())) {
          config.rules[k] = val.toLowerCase() as RuleSetting;
        } else {
          problems.push(`rules.${k}: expected one of ${[...RULE_SETTINGS].join(', ')}`);
        }
      }
    } else problems.push('rules: expected a mapping of rule id to setting');
  }
  if (o.profile !== undefined) {
    if (typeof o.profile === 'string' && PROFILES.has(o.profile)) config.profile = o.profile as Profile;
    else problems.push('profile: expected baseline, restricted or all');
  }
  for (const key of ['trustedRegistries', 'exclude'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) config[key] = [...v];
    else problems.push(`${key}: expected a list of strings`);
  }
  return { config, problems };
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
  let doc;
  try {
    // Loaded here, not at the top: the editor reads its config long after activation.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseDocument } = require('yaml') as typeof import('yaml');
    doc = parseDocument(text, { prettyErrors: false });
  } catch (e) {
    return { config: normalizeConfig(undefined, base).config, problems: [String((e as Error).message)] };
  }
  if (doc.errors.length > 0) {
    return { config: normalizeConfig(undefined, base).config, problems: doc.errors.map((e) => e.message) };
  }
  return normalizeConfig(doc.toJS({ maxAliasCount: 50 }), base);
}
