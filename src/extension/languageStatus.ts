/** A language status item for Dockerfile/YAML: what the language server did with the active document (its document states). */
import * as vscode from 'vscode';
import { DiagnosticsManager } from './diagnostics';
import { documentKind } from './documents';

export class ShipshapeLanguageStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('shipshape.status', [{ language: 'dockerfile' }, { language: 'yaml' }]);
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly diagnostics: DiagnosticsManager) {
    this.item.name = vscode.l10n.t('Shipshape');
    this.item.command = { command: 'workbench.actions.view.problems', title: vscode.l10n.t('Show Problems') };
    this.disposables = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      diagnostics.onDidUpdate((uri) => { if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) this.update(); }),
    ];
    this.update();
  }

  /** The text currently shown (for tests and the output channel). */
  get text(): string { return this.item.text; }

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const kind = doc ? documentKind(doc) : undefined;
    const state = doc ? this.diagnostics.summaryOf(doc) : undefined;
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.detail = undefined;
    if (!doc || !kind) {
      this.item.text = vscode.l10n.t('Shipshape');
      return;
    }
    if (!state) {
      this.item.text = vscode.l10n.t('Shipshape: analysing…');
      this.item.busy = true;
      return;
    }
    this.item.busy = false;
    switch (state.skipped) {
      case 'disabled': this.item.text = vscode.l10n.t('Shipshape: disabled'); return;
      case 'excluded': this.item.text = vscode.l10n.t('Shipshape: excluded'); this.item.detail = vscode.l10n.t('matches shipshape.exclude'); return;
      case 'tooLarge': this.item.text = vscode.l10n.t('Shipshape: file too large'); this.item.severity = vscode.LanguageStatusSeverity.Warning; return;
      case 'binary': this.item.text = vscode.l10n.t('Shipshape: not a text file'); return;
      case 'notApplicable': this.item.text = vscode.l10n.t('Shipshape: not a Kubernetes manifest'); this.item.detail = vscode.l10n.t('no apiVersion and kind'); return;
      // The hint (trust the workspace, install helm, rendering…) comes from the server in the editor's locale.
      case 'template': this.item.text = vscode.l10n.t('Helm template: not analysed'); this.item.detail = state.hint ?? vscode.l10n.t('Shipshape checks what helm template renders from it'); return;
      case 'limit': this.item.text = vscode.l10n.t('Shipshape: not analysed'); this.item.detail = vscode.l10n.t('nested deeper than Shipshape reads safely'); this.item.severity = vscode.LanguageStatusSeverity.Warning; return;
      // The server's reason (a time budget, an exception's text) goes to the Shipshape output; the status says it in the editor's language.
      case 'timedOut':
        this.item.text = vscode.l10n.t('Shipshape: not analysed'); this.item.detail = vscode.l10n.t('took longer than the time budget (see the Shipshape output)'); this.item.severity = vscode.LanguageStatusSeverity.Warning; return;
      case 'failed':
        this.item.text = vscode.l10n.t('Shipshape: not analysed'); this.item.detail = vscode.l10n.t('the analysis failed (see the Shipshape output)'); this.item.severity = vscode.LanguageStatusSeverity.Warning; return;
    }
    const n = state.problems;
    const high = state.highProblems;
    this.item.text = n === 0 ? vscode.l10n.t('Shipshape: no problems') : n === 1 ? vscode.l10n.t('Shipshape: 1 problem') : vscode.l10n.t('Shipshape: {0} problems', n);
    if (high > 0) {
      this.item.severity = vscode.LanguageStatusSeverity.Warning;
      this.item.detail = vscode.l10n.t('{0} critical or high', high);
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
