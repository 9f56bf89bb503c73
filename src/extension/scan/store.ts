/**
 * The scan results of this workspace and how the findings view shows them. Persisted in
 * workspace storage, so the view survives a restart; a rescan of an image replaces its report.
 */
import * as vscode from 'vscode';
import type { ScanReport, Vulnerability } from '../../core/scan/model';
import { buildScanTree, ScanTreeImage, VulnFilter } from '../../core/scan/tree';
import { DEFAULT_VIEW_OPTIONS, mergeReports, reportKey, restoreState, ScanViewOptions, stateForStorage } from './persistence';

/** workspaceState key of the stored results. */
export const SCAN_STATE_KEY = 'shipshape.scan.results';

export class ScanResultsStore implements vscode.Disposable {
  private reportList: ScanReport[] = [];
  private viewOptions: ScanViewOptions = { ...DEFAULT_VIEW_OPTIONS };
  private lastScanKey: string | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after reports or view options changed. */
  readonly onDidChange = this.emitter.event;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly state: vscode.Memento, private readonly log?: vscode.LogOutputChannel) {
    const restored = restoreState(state.get(SCAN_STATE_KEY));
    this.reportList = restored.reports;
    this.viewOptions = restored.view;
    this.lastScanKey = this.reportList.length ? reportKey(this.reportList[this.reportList.length - 1]) : undefined;
  }

  get reports(): readonly ScanReport[] {
    return this.reportList;
  }

  get view(): Readonly<ScanViewOptions> {
    return this.viewOptions;
  }

  get filter(): VulnFilter {
    return { severities: this.viewOptions.severities, fixableOnly: this.viewOptions.fixableOnly };
  }

  /** The image → group → vulnerability model as the view currently shows it. */
  tree(): ScanTreeImage[] {
    return buildScanTree(this.reportList, this.viewOptions.grouping, this.filter);
  }

  /** The report scanned or imported last, for Rescan and the status bar. */
  get lastReport(): ScanReport | undefined {
    return this.reportList.find((r) => reportKey(r) === this.lastScanKey) ?? this.reportList[this.reportList.length - 1];
  }

  /** Adds reports, replacing earlier reports of the same image and scanner. */
  add(reports: readonly ScanReport[]): Promise<void> {
    if (!reports.length) return this.saving;
    this.reportList = mergeReports(this.reportList, reports);
    this.lastScanKey = reportKey(reports[reports.length - 1]);
    return this.changed();
  }

  /** Removes one vulnerability (after it was ignored) from a report. */
  removeVulnerability(report: ScanReport, vuln: Vulnerability): Promise<void> {
    const key = reportKey(report);
    this.reportList = this.reportList.map((r) => (reportKey(r) !== key ? r : {
      ...r,
      vulns: r.vulns.filter((v) => !(v.id === vuln.id && v.pkg === vuln.pkg && v.installed === vuln.installed)),
    }));
    return this.changed();
  }

  /** Puts back a vulnerability removed by removeVulnerability (after an ignore was undone), if its report is still there. */
  restoreVulnerability(report: ScanReport, vuln: Vulnerability): Promise<void> {
    const key = reportKey(report);
    const same = (v: Vulnerability) => v.id === vuln.id && v.pkg === vuln.pkg && v.installed === vuln.installed;
    this.reportList = this.reportList.map((r) => (reportKey(r) !== key || r.vulns.some(same) ? r : { ...r, vulns: [...r.vulns, vuln] }));
    return this.changed();
  }

  clear(): Promise<void> {
    this.reportList = [];
    this.lastScanKey = undefined;
    return this.changed();
  }

  setView(change: Partial<ScanViewOptions>): Promise<void> {
    this.viewOptions = { ...this.viewOptions, ...change };
    return this.changed();
  }

  /** Resolves when everything changed so far is in workspace storage. */
  flushed(): Promise<void> {
    return this.saving;
  }

  private changed(): Promise<void> {
    this.emitter.fire();
    const cut = stateForStorage(this.reportList, this.viewOptions);
    if (cut.withoutDescriptions) {
      this.log?.warn(`Scan results are large: stored without descriptions${cut.droppedReports ? `, ${cut.droppedReports} oldest report(s) not stored` : ''}`);
    }
    // Saves run one after another so an older state never overwrites a newer one.
    this.saving = this.saving.then(() => this.state.update(SCAN_STATE_KEY, cut.state)).then(undefined, (e) => {
      this.log?.error(`Could not store scan results: ${e}`);
    });
    return this.saving;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
