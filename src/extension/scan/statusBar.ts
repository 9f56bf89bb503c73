/**
 * A status bar item naming a scanned image and its counts; clicking it shows the findings view.
 * It summarises an image referenced by an open Dockerfile or manifest (the last scanned one when
 * it is, else one the active editor names), and hides when no open editor names a scanned image:
 * its file closed, or the reference edited away.
 */
import * as vscode from 'vscode';
import type { ScanReport } from '../../core/scan/model';
import { statusReportFor } from '../../core/scan/status';
import { countBySeverity } from '../../core/scan/tree';
import { documentKind } from '../documents';
import { imageReferencesOf } from './imageReferenceIndex';
import { countsSummary } from './labels';
import { ScanResultsStore } from './store';
import { SCAN_VIEW_ID } from './tree';

const DEBOUNCE_MS = 300;
const MAX_SHOWN_REFERENCE = 60;
const MAX_RETRIES = 3;
const RETRY_MS = 2000;

/** The URIs shown in editor tabs (text and the modified side of diffs). */
function tabUris(): Set<string> {
  const out = new Set<string>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputText) out.add(input.uri.toString());
      else if (input instanceof vscode.TabInputTextDiff) out.add(input.modified.toString());
    }
  }
  return out;
}

export class ScanStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('shipshape.scanStatus', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];
  private shown: ScanReport | undefined;
  private generation = 0;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly store: ScanResultsStore) {
    this.item.name = vscode.l10n.t('Shipshape Image Scan');
    this.item.command = `${SCAN_VIEW_ID}.focus`;
    const soon = () => this.schedule();
    this.subscriptions = [
      store.onDidChange(() => void this.update()),
      vscode.window.onDidChangeActiveTextEditor(soon),
      vscode.window.tabGroups.onDidChangeTabs(soon),
      vscode.workspace.onDidOpenTextDocument(soon),
      vscode.workspace.onDidCloseTextDocument(soon),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length && documentKind(e.document)) soon(); }),
    ];
    void this.update();
  }

  /** The text shown (for tests), or undefined when hidden. */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  /** The image reference the item summarises, or undefined when hidden. */
  get image(): string | undefined {
    return this.shown?.image.reference;
  }

  /** Resolves when the updates asked for so far are done. */
  async settled(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, DEBOUNCE_MS));
    await this.running;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.update(); }, DEBOUNCE_MS);
  }

  /** Recomputes which image is shown; a later update supersedes one still waiting for references. */
  update(retryOf?: number): Promise<void> {
    if (retryOf === undefined) this.retries = 0;
    const run = this.compute(++this.generation);
    this.running = run;
    return run;
  }

  private async compute(generation: number): Promise<void> {
    const reports = this.store.reports;
    let report: ScanReport | undefined;
    if (reports.length) {
      const inTabs = tabUris();
      const activeUri = vscode.window.activeTextEditor?.document.uri.toString();
      const docs = vscode.workspace.textDocuments.filter((d) => !d.isClosed && documentKind(d) && (inTabs.has(d.uri.toString()) || d.uri.toString() === activeUri));
      const active: string[] = [];
      const open: string[] = [];
      for (const doc of docs) {
        const refs = (await imageReferencesOf(doc)).map((r) => r.reference);
        (doc.uri.toString() === activeUri ? active : open).push(...refs);
      }
      if (generation !== this.generation) return;
      report = statusReportFor(reports, this.store.lastReport, active, open);
      // Open files without any reference: the language server may not have been ready yet
      // (nothing tells the item when it is), so look again a few times.
      if (docs.length && !active.length && !open.length && this.retries < MAX_RETRIES) {
        this.retries++;
        this.retryTimer = setTimeout(() => { this.retryTimer = undefined; if (generation === this.generation) void this.update(generation); }, RETRY_MS);
      } else if (active.length || open.length) this.retries = 0;
    }
    this.render(report);
  }

  private render(report: ScanReport | undefined): void {
    this.shown = report;
    if (!report) {
      this.item.hide();
      return;
    }
    const c = countBySeverity(report.vulns);
    // `$(…)` in a reference would render as an icon.
    const ref = report.image.reference.replace(/\$\(/g, '$\u200b(');
    const name = ref.length > MAX_SHOWN_REFERENCE ? `${ref.slice(0, MAX_SHOWN_REFERENCE - 1)}…` : ref;
    this.item.text = `$(shield) ${vscode.l10n.t('{0}: {1}C {2}H {3}M {4}L', name, c.critical, c.high, c.medium, c.low)}`;
    this.item.tooltip = vscode.l10n.t('{0} ({1} scan): {2}. Click to show the findings.', ref, report.scanner, countsSummary(c));
    this.item.backgroundColor = c.critical > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : c.high > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.subscriptions.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
