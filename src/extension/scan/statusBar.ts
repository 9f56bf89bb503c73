/** A status bar item with the last scan's counts; clicking it shows the findings view. */
import * as vscode from 'vscode';
import { countBySeverity } from '../../core/scan/tree';
import { countsSummary } from './labels';
import { ScanResultsStore } from './store';
import { SCAN_VIEW_ID } from './tree';

export class ScanStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('shipshape.scanStatus', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ScanResultsStore) {
    this.item.name = vscode.l10n.t('Shipshape Image Scan');
    this.item.command = `${SCAN_VIEW_ID}.focus`;
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  /** The text shown (for tests), or undefined when hidden. */
  get text(): string | undefined {
    return this.store.lastReport ? this.item.text : undefined;
  }

  private update(): void {
    const report = this.store.lastReport;
    if (!report) {
      this.item.hide();
      return;
    }
    const c = countBySeverity(report.vulns);
    this.item.text = `$(shield) ${vscode.l10n.t('{0}C {1}H {2}M {3}L', c.critical, c.high, c.medium, c.low)}`;
    this.item.tooltip = vscode.l10n.t('Last scan: {0} ({1}): {2}', report.image.reference, report.scanner, countsSummary(c));
    this.item.backgroundColor = c.critical > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : c.high > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
