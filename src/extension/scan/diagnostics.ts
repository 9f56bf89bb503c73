/**
 * After a scan, the `FROM` / `image:` lines that name a scanned image carry an Information
 * diagnostic with its critical/high counts. Which lines name which image is the core's
 * findImageReferences; this class only decides when and for which documents.
 */
import * as vscode from 'vscode';
import { imageKey } from '../../core/imageRef';
import { forgetImageReferences, imageReferencesOf } from './imageReferenceIndex';
import type { ScanReport } from '../../core/scan/model';
import { countBySeverity } from '../../core/scan/tree';
import { toRange } from '../convert';
import { documentKind } from '../documents';
import { ScanResultsStore } from './store';

export const SCAN_DIAGNOSTIC_SOURCE = 'Shipshape Scan';
const DEBOUNCE_MS = 300;

export class ScanDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('shipshape-scan');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly store: ScanResultsStore) {
    this.disposables = [
      this.collection,
      store.onDidChange(() => this.refreshAll()),
      vscode.workspace.onDidOpenTextDocument((d) => void this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document); }),
      vscode.workspace.onDidCloseTextDocument((d) => { this.cancel(d.uri); this.collection.delete(d.uri); forgetImageReferences(d.uri); }),
    ];
    this.refreshAll();
  }

  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) void this.update(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    this.cancel(doc.uri);
    this.timers.set(doc.uri.toString(), setTimeout(() => { this.timers.delete(doc.uri.toString()); void this.update(doc); }, DEBOUNCE_MS));
  }

  private cancel(uri: vscode.Uri): void {
    const t = this.timers.get(uri.toString());
    if (t) clearTimeout(t);
    this.timers.delete(uri.toString());
  }

  /** Recomputes one document's scan diagnostics now (the image references come from the language server). */
  async update(doc: vscode.TextDocument): Promise<void> {
    const kind = documentKind(doc);
    if (!kind || doc.isClosed) return;
    const reports = this.store.reports;
    if (!reports.length) {
      this.collection.delete(doc.uri);
      return;
    }
    const byImage = new Map<string, ScanReport[]>();
    for (const r of reports) {
      const key = imageKey(r.image.reference);
      byImage.set(key, [...(byImage.get(key) ?? []), r]);
    }
    const version = doc.version;
    const refs = await imageReferencesOf(doc);
    // A newer edit, a close or new results while the server answered: that update wins.
    if (doc.isClosed || doc.version !== version || this.store.reports !== reports) return;
    const diagnostics: vscode.Diagnostic[] = [];
    for (const ref of refs) {
      for (const report of byImage.get(imageKey(ref.reference)) ?? []) {
        const counts = countBySeverity(report.vulns);
        const message = counts.critical + counts.high > 0
          ? vscode.l10n.t('{0}: {1} critical and {2} high vulnerabilities ({3} in total, {4} scan)', ref.reference, counts.critical, counts.high, report.vulns.length, report.scanner)
          : vscode.l10n.t('{0}: no critical or high vulnerabilities ({1} in total, {2} scan)', ref.reference, report.vulns.length, report.scanner);
        const d = new vscode.Diagnostic(toRange(ref.range), message, vscode.DiagnosticSeverity.Information);
        d.source = SCAN_DIAGNOSTIC_SOURCE;
        diagnostics.push(d);
      }
    }
    this.collection.set(doc.uri, diagnostics);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
  }
}
