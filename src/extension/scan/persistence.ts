/**
 * What the findings view keeps in workspace storage between sessions: the normalised reports
 * (our JSON export shape, read back through the same validating reader) and the view options.
 * No `vscode` import: the size guard is unit-tested in plain Node.
 */
// Only the light modules of core/scan: this runs at activation.
import { fromShipshapeJson, toJsonDocument } from '../../core/scan/export';
import { isVulnSeverity, ScanReport, VulnSeverity } from '../../core/scan/model';
import type { TreeGrouping } from '../../core/scan/tree';

/** How the findings view is cut and grouped. */
export interface ScanViewOptions {
  grouping: TreeGrouping;
  /** Severities shown; empty shows all. */
  severities: VulnSeverity[];
  fixableOnly: boolean;
}

export const DEFAULT_VIEW_OPTIONS: ScanViewOptions = { grouping: 'severity', severities: [], fixableOnly: false };

export interface PersistedScanState {
  version: 1;
  /** `toJsonDocument(reports)`. */
  results: Record<string, unknown>;
  view: ScanViewOptions;
}

/**
 * Workspace storage is one SQLite value per key, read at every start: keep it small. 4 MB of JSON
 * holds several thousand vulnerabilities with descriptions.
 */
export const MAX_PERSISTED_CHARS = 4 * 1024 * 1024;

export interface StorageCut {
  state: PersistedScanState;
  /** Descriptions were dropped to fit. */
  withoutDescriptions: boolean;
  /** Oldest reports left out to fit. */
  droppedReports: number;
}

function stateOf(reports: readonly ScanReport[], view: ScanViewOptions): PersistedScanState {
  return { version: 1, results: toJsonDocument(reports), view };
}

function sizeOf(state: PersistedScanState): number {
  return JSON.stringify(state).length;
}

/**
 * The state to store, within `maxChars`: first without the long descriptions (the details view
 * then shows the title and links only), then without the oldest reports.
 */
export function stateForStorage(reports: readonly ScanReport[], view: ScanViewOptions, maxChars = MAX_PERSISTED_CHARS): StorageCut {
  let state = stateOf(reports, view);
  if (sizeOf(state) <= maxChars) return { state, withoutDescriptions: false, droppedReports: 0 };
  const lean = reports.map((r) => ({ ...r, vulns: r.vulns.map(({ description: _dropped, ...v }) => v) }));
  // Newest first, so the oldest are the ones left out.
  const byAge = lean.map((r, i) => ({ r, i })).sort((a, b) => (a.r.scannedAt < b.r.scannedAt ? 1 : a.r.scannedAt > b.r.scannedAt ? -1 : a.i - b.i));
  let kept = byAge.length;
  for (;;) {
    const keep = new Set(byAge.slice(0, kept).map((x) => x.i));
    state = stateOf(lean.filter((_, i) => keep.has(i)), view);
    if (sizeOf(state) <= maxChars || kept === 0) return { state, withoutDescriptions: true, droppedReports: reports.length - kept };
    kept--;
  }
}

/** Reads stored state back; anything unreadable gives no reports rather than an error at startup. */
export function restoreState(raw: unknown): { reports: ScanReport[]; view: ScanViewOptions } {
  const none = { reports: [], view: { ...DEFAULT_VIEW_OPTIONS } };
  if (typeof raw !== 'object' || raw === null) return none;
  const s = raw as Partial<PersistedScanState>;
  if (s.version !== 1) return none;
  let reports: ScanReport[] = [];
  try {
    reports = fromShipshapeJson(s.results);
  } catch {
    reports = [];
  }
  const v = (s.view ?? {}) as Partial<ScanViewOptions>;
  const view: ScanViewOptions = {
    grouping: v.grouping === 'package' ? 'package' : 'severity',
    severities: Array.isArray(v.severities) ? v.severities.filter((x): x is VulnSeverity => typeof x === 'string' && isVulnSeverity(x)) : [],
    fixableOnly: v.fixableOnly === true,
  };
  return { reports, view };
}

/** Reports are one per image and scanner: a rescan replaces the earlier report. */
export function reportKey(report: Pick<ScanReport, 'image' | 'scanner'>): string {
  return `${report.image.reference}\u0000${report.scanner}`;
}

/** `reports` with `incoming` merged in: same image and scanner replaced in place, new ones appended. */
export function mergeReports(reports: readonly ScanReport[], incoming: readonly ScanReport[]): ScanReport[] {
  const out = [...reports];
  for (const r of incoming) {
    const i = out.findIndex((x) => reportKey(x) === reportKey(r));
    if (i >= 0) out[i] = r;
    else out.push(r);
  }
  return out;
}
