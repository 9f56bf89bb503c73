/** The vulnerability details view: one webview panel, reused, with no script and a strict CSP. */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ScanReport, Vulnerability } from '../../core/scan/model';
import { DetailsLabels, htmlLang, vulnerabilityDetailsHtml } from './detailsHtml';

function labels(): DetailsLabels {
  return {
    lang: htmlLang(vscode.env.language),
    severity: vscode.l10n.t('Severity'),
    package: vscode.l10n.t('Package'),
    installed: vscode.l10n.t('Installed'),
    fixedIn: vscode.l10n.t('Fixed in'),
    noFix: vscode.l10n.t('no fixed version yet'),
    status: vscode.l10n.t('Status'),
    cvss: vscode.l10n.t('CVSS'),
    aliases: vscode.l10n.t('Also known as'),
    image: vscode.l10n.t('Image'),
    scanner: vscode.l10n.t('Scanner'),
    layer: vscode.l10n.t('Layer'),
    target: vscode.l10n.t('Found in'),
    links: vscode.l10n.t('Links'),
    noDescription: vscode.l10n.t('The scanner gave no description.'),
  };
}

export class VulnerabilityDetailsView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  /** Shows a vulnerability, in the existing panel when there is one. Returns the panel (for tests). */
  show(vuln: Vulnerability, report: ScanReport): vscode.WebviewPanel {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('shipshape.vulnerabilityDetails', vuln.id, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
        enableScripts: false,
        enableCommandUris: false,
        enableFindWidget: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => { this.panel = undefined; });
    } else {
      this.panel.reveal(undefined, false);
    }
    this.panel.title = vuln.id;
    this.panel.webview.html = vulnerabilityDetailsHtml(vuln, report, labels(), randomBytes(16).toString('base64'));
    return this.panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
