/** Filtering, sorting and grouping of vulnerabilities: the model behind the findings tree and the CLI table. */
import { atLeast, ScanOptions, ScanReport, Vulnerability, VulnSeverity, vulnSeverityRank, VULN_SEVERITIES } from './model';

export interface VulnFilter {
  /** Keep vulnerabilities at least this severe. */
  minSeverity?: VulnSeverity;
  /** Keep only these severities (empty keeps all). */
  severities?: readonly VulnSeverity[];
  /** Keep only vulnerabilities with a fixed version. */
  fixableOnly?: boolean;
}

/** True when a fixed version is known. */
export function isFixable(v: Vulnerability): boolean {
  return v.fixedIn !== undefined && v.fixedIn !== '';
}

/** The vulnerabilities the filter keeps, in their original order. */
export function filterVulns(vulns: readonly Vulnerability[], filter: VulnFilter): Vulnerability[] {
  const only = filter.severities && filter.severities.length ? new Set(filter.severities) : undefined;
  return vulns.filter((v) => (!filter.minSeverity || atLeast(v.severity, filter.minSeverity))
    && (!only || only.has(v.severity))
    && (!filter.fixableOnly || isFixable(v)));
}

/** Scan options expressed as a filter, so every scanner's output is cut the same way. */
export function filterFromOptions(options: ScanOptions): VulnFilter {
  return { severities: options.severities, fixableOnly: options.ignoreUnfixed };
}

/** A report with only the vulnerabilities the filter keeps. */
export function filterReport(report: ScanReport, filter: VulnFilter): ScanReport {
  return { ...report, vulns: filterVulns(report.vulns, filter) };
}

/** Most severe first, then highest CVSS, then id and package for a stable order. */
export function compareVulns(a: Vulnerability, b: Vulnerability): number {
  return vulnSeverityRank(b.severity) - vulnSeverityRank(a.severity)
    || (b.cvss?.score ?? -1) - (a.cvss?.score ?? -1)
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    || (a.pkg < b.pkg ? -1 : a.pkg > b.pkg ? 1 : 0);
}

/** A sorted copy. */
export function sortVulns(vulns: readonly Vulnerability[]): Vulnerability[] {
  return [...vulns].sort(compareVulns);
}

export type SeverityCounts = Record<VulnSeverity, number>;

/** How many vulnerabilities there are of each severity (every severity present, zero when none). */
export function countBySeverity(vulns: readonly Vulnerability[]): SeverityCounts {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 };
  for (const v of vulns) counts[v.severity]++;
  return counts;
}

/** The most severe severity among the vulnerabilities, or undefined for none. */
export function maxSeverity(vulns: readonly Vulnerability[]): VulnSeverity | undefined {
  let best: VulnSeverity | undefined;
  for (const v of vulns) if (!best || vulnSeverityRank(v.severity) > vulnSeverityRank(best)) best = v.severity;
  return best;
}

export interface SeverityGroup { severity: VulnSeverity; vulns: Vulnerability[] }
export interface PackageGroup { pkg: string; installed: string; maxSeverity: VulnSeverity; vulns: Vulnerability[] }

/** Non-empty severity groups, most severe first, each sorted. */
export function groupBySeverity(vulns: readonly Vulnerability[]): SeverityGroup[] {
  const buckets = new Map<VulnSeverity, Vulnerability[]>(VULN_SEVERITIES.map((s) => [s, []]));
  for (const v of vulns) buckets.get(v.severity)!.push(v);
  return VULN_SEVERITIES.filter((s) => buckets.get(s)!.length).map((s) => ({ severity: s, vulns: buckets.get(s)!.sort(compareVulns) }));
}

/** One group per package and installed version, worst package first, each sorted. */
export function groupByPackage(vulns: readonly Vulnerability[]): PackageGroup[] {
  const groups = new Map<string, PackageGroup>();
  for (const v of vulns) {
    const key = `${v.pkg}\u0000${v.installed}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { pkg: v.pkg, installed: v.installed, maxSeverity: v.severity, vulns: [] }));
    g.vulns.push(v);
    if (vulnSeverityRank(v.severity) > vulnSeverityRank(g.maxSeverity)) g.maxSeverity = v.severity;
  }
  const list = [...groups.values()];
  for (const g of list) g.vulns.sort(compareVulns);
  return list.sort((a, b) => vulnSeverityRank(b.maxSeverity) - vulnSeverityRank(a.maxSeverity)
    || b.vulns.length - a.vulns.length
    || (a.pkg < b.pkg ? -1 : a.pkg > b.pkg ? 1 : 0));
}

export type TreeGrouping = 'severity' | 'package';

/** A node under an image in the findings tree. */
export interface ScanTreeGroup {
  label: string;
  /** Severity of the group (its own, or the worst inside for a package). */
  severity: VulnSeverity;
  vulns: Vulnerability[];
}

export interface ScanTreeImage {
  report: ScanReport;
  label: string;
  counts: SeverityCounts;
  total: number;
  groups: ScanTreeGroup[];
}

/** `CVE-… pkg installed → fixed` as the tree shows a vulnerability. */
export function vulnLabel(v: Vulnerability): string {
  return `${v.id} ${v.pkg} ${v.installed}${v.fixedIn ? ` → ${v.fixedIn}` : ''}`;
}

/** The image → group → vulnerability model of the findings tree, after filtering. */
export function buildScanTree(reports: readonly ScanReport[], grouping: TreeGrouping = 'severity', filter: VulnFilter = {}): ScanTreeImage[] {
  return reports.map((report) => {
    const vulns = filterVulns(report.vulns, filter);
    const counts = countBySeverity(vulns);
    const groups: ScanTreeGroup[] = grouping === 'severity'
      ? groupBySeverity(vulns).map((g) => ({ label: `${g.severity} (${g.vulns.length})`, severity: g.severity, vulns: g.vulns }))
      : groupByPackage(vulns).map((g) => ({ label: `${g.pkg} ${g.installed} (${g.vulns.length})`, severity: g.maxSeverity, vulns: g.vulns }));
    return { report, label: `${report.image.reference} (${report.scanner})`, counts, total: vulns.length, groups };
  });
}

/** `2 critical, 1 high` — the non-zero counts, most severe first, or `no vulnerabilities`. */
export function summarizeCounts(counts: SeverityCounts): string {
  const parts = VULN_SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no vulnerabilities';
}
