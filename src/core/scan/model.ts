/**
 * The one shape every scanner's output is normalised into. Pure data, no I/O.
 */
import { LocalizedError, Text } from '../l10n/text';

/** Scanners Shipshape can drive. `scout` runs as the `docker scout` plugin. */
export type ScannerId = 'trivy' | 'grype' | 'scout' | 'snyk';

/** Every scanner, in the order `auto` tries them. */
export const SCANNER_IDS: readonly ScannerId[] = ['trivy', 'grype', 'scout', 'snyk'];

/** Severity of a vulnerability, normalised across the tools' spellings. */
export type VulnSeverity = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

/** Severities from most to least severe. */
export const VULN_SEVERITIES: readonly VulnSeverity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/** Fix status as the scanners report it (Trivy's vocabulary, which is the richest). */
export type VulnStatus =
  | 'fixed'
  | 'affected'
  | 'will_not_fix'
  | 'fix_deferred'
  | 'end_of_life'
  | 'not_affected'
  | 'under_investigation'
  | 'unknown';

export interface Cvss {
  score?: number;
  vector?: string;
  /** Who scored it, e.g. `nvd`, `redhat`. */
  source?: string;
}

/** One vulnerability in one package of an image. */
export interface Vulnerability {
  /** The scanner's id: `CVE-…`, `GHSA-…`, `SNYK-…`. */
  id: string;
  /** Other ids of the same issue (CVE of a Snyk id, vendor advisories). */
  aliases: string[];
  severity: VulnSeverity;
  pkg: string;
  /** Ecosystem/package type: `apk`, `deb`, `jar`, `npm`… */
  pkgType?: string;
  installed: string;
  /** Versions that fix it, comma-separated when there are several. */
  fixedIn?: string;
  status?: VulnStatus;
  title: string;
  description?: string;
  cvss?: Cvss;
  urls: string[];
  /** Layer digest / diff id the package comes from. */
  layer?: string;
  /** What the scanner scanned for this finding: OS, a lock file, a jar. */
  target?: string;
  /** File path of the package inside the image, when known. */
  path?: string;
  /** The package URL the scanner gave (`pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=3.10.2`). */
  purl?: string;
}

/** What was scanned. */
export interface ScannedImage {
  reference: string;
  digest?: string;
  id?: string;
}

/** One scanner's results for one image. */
export interface ScanReport {
  image: ScannedImage;
  /** `trivy`, `grype`, `scout`, `snyk`, or the SARIF driver name of another tool. */
  scanner: string;
  scannerVersion?: string;
  /** ISO 8601. */
  scannedAt: string;
  vulns: Vulnerability[];
}

/** Options passed to a scanner (and applied again after parsing, so every tool behaves alike). */
export interface ScanOptions {
  /** Keep only these severities; empty or absent keeps all. */
  severities?: VulnSeverity[];
  /** Drop vulnerabilities without a fixed version. */
  ignoreUnfixed?: boolean;
  /**
   * A configuration file of ours given to the scanner (`trivy --config`, `grype --config`), so a
   * `trivy.yaml` / `.grype.yaml` in the working directory does not configure the scan.
   */
  configFile?: string;
  /** Trivy's ignore file, when the workspace's `.trivyignore` is not a plain file we let it read. */
  ignoreFile?: string;
}

/** What a parser needs to know beyond the tool's output. */
export interface ParseContext {
  /** The reference the user asked to scan; wins over what the tool echoes back (often a tar path). */
  reference?: string;
  /** When the report has no time of its own. Defaults to now. */
  scannedAt?: string;
}

/** Rank of a severity: higher is more severe (critical = 5, unknown = 0). */
export function vulnSeverityRank(s: VulnSeverity): number {
  return SEVERITY_RANK[s];
}

const SEVERITY_RANK: Readonly<Record<VulnSeverity, number>> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

/** True when `s` is at least as severe as `min`. */
export function atLeast(s: VulnSeverity, min: VulnSeverity): boolean {
  return vulnSeverityRank(s) >= vulnSeverityRank(min);
}

/** Whether a string names one of our severities exactly (lower case). */
export function isVulnSeverity(s: string): s is VulnSeverity {
  return (VULN_SEVERITIES as readonly string[]).includes(s);
}

const EXACT_SEVERITY: Record<string, VulnSeverity | undefined> = Object.assign(Object.create(null), {
  CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', UNKNOWN: 'unknown', NEGLIGIBLE: 'negligible',
  Critical: 'critical', High: 'high', Medium: 'medium', Low: 'low', Unknown: 'unknown', Negligible: 'negligible',
  critical: 'critical', high: 'high', medium: 'medium', low: 'low', unknown: 'unknown', negligible: 'negligible',
});

/**
 * Maps any tool's severity spelling to ours: Trivy `CRITICAL`, Grype `Negligible`, Snyk `high`,
 * Scout `UNSPECIFIED`, SARIF-ish `info`/`none`.
 */
export function normalizeSeverity(raw: unknown): VulnSeverity {
  if (typeof raw !== 'string') return 'unknown';
  // Large reports repeat a handful of spellings: skip the string work for them.
  const fast = EXACT_SEVERITY[raw];
  if (fast) return fast;
  const s = raw.trim().toLowerCase();
  if (isVulnSeverity(s)) return s;
  if (s === 'moderate') return 'medium';
  if (s === 'important') return 'high';
  if (s === 'info' || s === 'informational' || s === 'none' || s === 'minimal') return 'negligible';
  return 'unknown';
}

/** Severity for a CVSS base score (the qualitative scale of CVSS v3). */
export function severityFromScore(score: number): VulnSeverity {
  if (!Number.isFinite(score) || score < 0) return 'unknown';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/** What tools write where there is no fixed version. */
const NO_FIX = /^(not fixed|none|n\/a|unknown)$/i;

/** A fixed-version field in any form (`"1.2.3, 1.3.0"`, `["1.2"]`, `"not fixed"`) as one tidy string, or undefined. */
export function normalizeFixedIn(raw: unknown): string | undefined {
  if (typeof raw === 'string' && !raw.includes(',')) {
    const t = raw.trim();
    return t && !NO_FIX.test(t) ? t : undefined;
  }
  const parts: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v !== 'string') return;
    for (const p of v.split(',')) {
      const t = p.trim();
      if (t && !NO_FIX.test(t) && !parts.includes(t)) parts.push(t);
    }
  };
  if (Array.isArray(raw)) raw.forEach(add);
  else add(raw);
  return parts.length ? parts.join(', ') : undefined;
}

/** The individual versions of a `fixedIn` string. */
export function fixedVersions(v: Pick<Vulnerability, 'fixedIn'>): string[] {
  return normalizeFixedIn(v.fixedIn)?.split(', ') ?? [];
}

const KNOWN_STATUS = new Set<string>(['fixed', 'affected', 'will_not_fix', 'fix_deferred', 'end_of_life', 'not_affected', 'under_investigation', 'unknown']);

/** Maps Trivy/Grype/Scout status spellings to ours. */
export function normalizeStatus(raw: unknown): VulnStatus | undefined {
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  if (KNOWN_STATUS.has(raw)) return raw as VulnStatus;
  const s = raw.trim().toLowerCase().replace(/[-\s]/g, '_');
  switch (s) {
    case 'fixed':
    case 'affected':
    case 'will_not_fix':
    case 'fix_deferred':
    case 'end_of_life':
    case 'not_affected':
    case 'under_investigation':
    case 'unknown':
      return s;
    case 'not_fixed':
      return 'affected';
    case 'wont_fix':
      return 'will_not_fix';
    default:
      return 'unknown';
  }
}

/** Error raised by a parser for output it cannot read; the message names the tool. */
export class ScanParseError extends LocalizedError {
  constructor(message: string | Text) {
    super(message);
    this.name = 'ScanParseError';
  }
}

/** Parses JSON, turning a syntax error into a message that says which tool's output it was. */
export function parseJsonOutput(text: string, what: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) throw new ScanParseError(`${what} printed no output (expected JSON)`);
  try {
    return JSON.parse(body);
  } catch {
    const start = body.trimStart().slice(0, 80).replace(/\s+/g, ' ');
    throw new ScanParseError(`${what} did not print JSON; output starts with: ${start}`);
  }
}

/** Plain-object guard for untrusted JSON. */
export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field or undefined (empty strings count as absent). */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Strings of an array field, skipping anything else. May return the input array itself: never mutate the result. */
export function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  // Usually every item is a string already: share the array instead of copying it.
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string' || v[i] === '') return v.filter((x): x is string => typeof x === 'string' && x !== '');
  }
  return v as string[];
}

/** Appends items not already present, in order (a Set once the list is long: reports can be hostile). */
export function pushUnique(into: string[], items: Iterable<string>): string[] {
  let seen: Set<string> | undefined;
  for (const i of items) {
    if (!i) continue;
    if (!seen && into.length > 16) seen = new Set(into);
    if (seen ? seen.has(i) : into.includes(i)) continue;
    into.push(i);
    seen?.add(i);
  }
  return into;
}
