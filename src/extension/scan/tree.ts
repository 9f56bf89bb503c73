/** The "Image Findings" tree: image → severity (or package) → vulnerability, over the core tree model. */
import * as vscode from 'vscode';
import type { ScanReport, Vulnerability, VulnSeverity } from '../../core/scan/model';
import { ScanTreeGroup, ScanTreeImage, vulnLabel } from '../../core/scan/tree';
import { SignatureStatusStore } from '../signing';
import { escapeMarkdown } from './detailsHtml';
import { countsSummary, severityName } from './labels';
import { ScanResultsStore } from './store';

export const SCAN_VIEW_ID = 'shipshape.imageFindings';
export const SHOW_DETAILS_COMMAND = 'shipshape.showVulnerabilityDetails';

export interface ImageNode { kind: 'image'; image: ScanTreeImage }
export interface GroupNode { kind: 'group'; group: ScanTreeGroup; report: ScanReport; byPackage: boolean }
export interface VulnNode { kind: 'vuln'; vuln: Vulnerability; report: ScanReport }
export type ScanNode = ImageNode | GroupNode | VulnNode;

/** What a command invoked from the tree (or from a test) received, as a vulnerability and its report. */
export function asVulnNode(arg: unknown): VulnNode | undefined {
  const n = arg as Partial<VulnNode> | undefined;
  return n && n.kind === 'vuln' && n.vuln && n.report ? (n as VulnNode) : undefined;
}

export class ScanTreeProvider implements vscode.TreeDataProvider<ScanNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ScanNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private model: ScanTreeImage[] | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly store: ScanResultsStore,
    private readonly extensionUri: vscode.Uri,
    private readonly signatures?: SignatureStatusStore,
  ) {
    this.disposables.push(store.onDidChange(() => this.refresh()));
    if (signatures) this.disposables.push(signatures.onDidVerify(() => this.emitter.fire(undefined)));
  }

  refresh(): void {
    this.model = undefined;
    this.emitter.fire(undefined);
  }

  /** The image nodes, built once per change of the store. */
  roots(): ImageNode[] {
    this.model ??= this.store.tree();
    return this.model.map((image) => ({ kind: 'image', image }));
  }

  getChildren(node?: ScanNode): ScanNode[] {
    if (!node) return this.roots();
    if (node.kind === 'image') return node.image.groups.map((group) => ({ kind: 'group', group, report: node.image.report, byPackage: this.store.view.grouping === 'package' }));
    if (node.kind === 'group') return node.group.vulns.map((vuln) => ({ kind: 'vuln', vuln, report: node.report }));
    return [];
  }

  getTreeItem(node: ScanNode): vscode.TreeItem {
    switch (node.kind) {
      case 'image': return this.imageItem(node.image);
      case 'group': return this.groupItem(node);
      default: return this.vulnItem(node);
    }
  }

  private severityIcon(s: VulnSeverity | undefined): { light: vscode.Uri; dark: vscode.Uri } | vscode.ThemeIcon {
    if (!s) return new vscode.ThemeIcon('pass');
    return {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'severity', `${s}-light.svg`),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'severity', `${s}-dark.svg`),
    };
  }

  private imageItem(image: ScanTreeImage): vscode.TreeItem {
    const r = image.report;
    const item = new vscode.TreeItem(r.image.reference, image.total ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    const signature = this.signatures?.get(r.image.reference);
    const mark = signature ? (signature.result.verified ? '✓ ' : '✗ ') : '';
    item.description = `${mark}${r.scanner} · ${countsSummary(image.counts)}`;
    item.iconPath = new vscode.ThemeIcon('package');
    item.contextValue = 'shipshapeScanImage';
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMarkdown(r.image.reference)}**\n\n`);
    if (r.image.digest) md.appendMarkdown(`${escapeMarkdown(r.image.digest)}\n\n`);
    md.appendMarkdown(escapeMarkdown(vscode.l10n.t('Scanned by {0}{1} at {2}', r.scanner, r.scannerVersion ? ` ${r.scannerVersion}` : '', new Date(r.scannedAt).toLocaleString())));
    md.appendMarkdown(`\n\n${escapeMarkdown(countsSummary(image.counts))}`);
    if (signature) {
      md.appendMarkdown(`\n\n${escapeMarkdown(signature.result.verified ? vscode.l10n.t('Signature verified') : vscode.l10n.t('Signature not verified'))}`);
    }
    item.tooltip = md;
    return item;
  }

  private groupItem(node: GroupNode): vscode.TreeItem {
    const g = node.group;
    const byPackage = node.byPackage;
    const label = byPackage ? g.label : `${severityName(g.severity)} (${g.vulns.length})`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = this.severityIcon(g.severity);
    item.contextValue = byPackage ? 'shipshapeScanPackage' : 'shipshapeScanSeverity';
    item.tooltip = byPackage ? vscode.l10n.t('{0} vulnerabilities, the worst {1}', g.vulns.length, severityName(g.severity).toLowerCase()) : undefined;
    return item;
  }

  private vulnItem(node: VulnNode): vscode.TreeItem {
    const v = node.vuln;
    const item = new vscode.TreeItem(vulnLabel(v), vscode.TreeItemCollapsibleState.None);
    item.iconPath = this.severityIcon(v.severity);
    item.contextValue = 'shipshapeVulnerability';
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMarkdown(v.id)}** · ${escapeMarkdown(severityName(v.severity))}`);
    if (v.cvss?.score !== undefined) md.appendMarkdown(` · CVSS ${escapeMarkdown(String(v.cvss.score))}`);
    if (v.title && v.title !== v.id) md.appendMarkdown(`\n\n${escapeMarkdown(v.title)}`);
    md.appendMarkdown(`\n\n${escapeMarkdown(vscode.l10n.t('{0} {1}, fixed in {2}', v.pkg, v.installed, v.fixedIn ?? vscode.l10n.t('no fixed version yet')))}`);
    item.tooltip = md;
    item.command = { title: vscode.l10n.t('Show Details'), command: SHOW_DETAILS_COMMAND, arguments: [node] };
    return item;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
