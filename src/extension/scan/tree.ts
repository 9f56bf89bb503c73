/**
 * The "Image Findings" tree: scanned image → severity (or package) → vulnerability, over the core
 * tree model; below the scans, inspected images ("Inspect Image…") → layers / findings.
 */
import * as vscode from 'vscode';
import type { ImageFinding, ImageLayer } from '../../core/inspect/types';
import type { ScanReport, Vulnerability, VulnSeverity } from '../../core/scan/model';
import { ScanTreeGroup, ScanTreeImage, vulnLabel } from '../../core/scan/tree';
import { SignatureStatusStore } from '../signing';
import { escapeMarkdown } from './detailsHtml';
import { countsSummary, severityName } from './labels';
import { ScanResultsStore } from './store';
import type { Inspection, InspectionStore } from '../inspect/store';

export const SCAN_VIEW_ID = 'shipshape.imageFindings';
export const SHOW_DETAILS_COMMAND = 'shipshape.showVulnerabilityDetails';

export interface ImageNode { kind: 'image'; image: ScanTreeImage }
export interface GroupNode { kind: 'group'; group: ScanTreeGroup; report: ScanReport; byPackage: boolean }
export interface VulnNode { kind: 'vuln'; vuln: Vulnerability; report: ScanReport }
export interface InspectImageNode { kind: 'inspectImage'; inspection: Inspection }
export interface InspectGroupNode { kind: 'inspectGroup'; inspection: Inspection; group: 'layers' | 'findings' }
export interface InspectLayerNode { kind: 'inspectLayer'; inspection: Inspection; layer: ImageLayer }
export interface InspectFindingNode { kind: 'inspectFinding'; inspection: Inspection; finding: ImageFinding }
export type InspectNode = InspectImageNode | InspectGroupNode | InspectLayerNode | InspectFindingNode;
export type ScanNode = ImageNode | GroupNode | VulnNode | InspectNode;

/** Opens a Dockerfile at a 1-based line (a layer or finding node's command). */
export const OPEN_DOCKERFILE_LINE_COMMAND = 'shipshape.openInspectedInstruction';

const INSPECT_SEVERITY_ICON: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'info', info: 'lightbulb' };

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

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
  private inspections: InspectionStore | undefined;

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

  /** Shows the inspected images below the scanned ones (registered by the inspect feature). */
  attachInspections(store: InspectionStore): vscode.Disposable {
    this.inspections = store;
    const sub = store.onDidChange(() => this.emitter.fire(undefined));
    this.emitter.fire(undefined);
    return { dispose: () => { sub.dispose(); if (this.inspections === store) this.inspections = undefined; this.emitter.fire(undefined); } };
  }

  /** The image nodes, built once per change of the store. */
  roots(): ImageNode[] {
    this.model ??= this.store.tree();
    return this.model.map((image) => ({ kind: 'image', image }));
  }

  getChildren(node?: ScanNode): ScanNode[] {
    if (!node) return [...this.roots(), ...(this.inspections?.inspections ?? []).map((inspection): InspectImageNode => ({ kind: 'inspectImage', inspection }))];
    if (node.kind === 'inspectImage') {
      const groups: InspectGroupNode[] = [{ kind: 'inspectGroup', inspection: node.inspection, group: 'findings' }, { kind: 'inspectGroup', inspection: node.inspection, group: 'layers' }];
      return node.inspection.report.findings.length ? groups : groups.slice(1);
    }
    if (node.kind === 'inspectGroup') {
      return node.group === 'layers'
        ? node.inspection.report.layers.map((layer): InspectLayerNode => ({ kind: 'inspectLayer', inspection: node.inspection, layer }))
        : node.inspection.report.findings.map((finding): InspectFindingNode => ({ kind: 'inspectFinding', inspection: node.inspection, finding }));
    }
    if (node.kind === 'inspectLayer' || node.kind === 'inspectFinding') return [];
    if (node.kind === 'image') return node.image.groups.map((group) => ({ kind: 'group', group, report: node.image.report, byPackage: this.store.view.grouping === 'package' }));
    if (node.kind === 'group') return node.group.vulns.map((vuln) => ({ kind: 'vuln', vuln, report: node.report }));
    return [];
  }

  getTreeItem(node: ScanNode): vscode.TreeItem {
    switch (node.kind) {
      case 'image': return this.imageItem(node.image);
      case 'group': return this.groupItem(node);
      case 'vuln': return this.vulnItem(node);
      default: return this.inspectItem(node);
    }
  }

  private inspectItem(node: InspectNode): vscode.TreeItem {
    const report = node.inspection.report;
    switch (node.kind) {
      case 'inspectImage': {
        const item = new vscode.TreeItem(report.image, vscode.TreeItemCollapsibleState.Expanded);
        const total = report.layers.reduce((n, l) => n + l.size, 0);
        item.description = vscode.l10n.t('inspected · {0} layers, {1} · {2} findings', report.layers.length, formatSize(total), report.findings.length);
        item.iconPath = new vscode.ThemeIcon('layers');
        item.contextValue = 'shipshapeInspectImage';
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMarkdown(report.image)}**\n\n`);
        md.appendMarkdown(escapeMarkdown(vscode.l10n.t('Inspected at {0}', new Date(node.inspection.inspectedAt).toLocaleString())));
        if (node.inspection.dockerfile) md.appendMarkdown(`\n\n${escapeMarkdown(vscode.l10n.t('Layers mapped to {0}', vscode.workspace.asRelativePath(node.inspection.dockerfile)))}`);
        item.tooltip = md;
        return item;
      }
      case 'inspectGroup': {
        const layers = node.group === 'layers';
        const item = new vscode.TreeItem(layers ? vscode.l10n.t('Layers ({0})', report.layers.length) : vscode.l10n.t('Findings ({0})', report.findings.length), layers ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(layers ? 'layers' : 'warning');
        item.contextValue = layers ? 'shipshapeInspectLayers' : 'shipshapeInspectFindings';
        return item;
      }
      case 'inspectLayer': {
        const l = node.layer;
        const item = new vscode.TreeItem(vscode.l10n.t('Layer {0} · {1}', l.index, formatSize(l.size)), vscode.TreeItemCollapsibleState.None);
        const by = l.createdBy?.replace(/\s+/g, ' ').trim();
        item.description = [l.instruction ? vscode.l10n.t('line {0}', l.instruction.line) : undefined, by ? (by.length > 80 ? `${by.slice(0, 79)}…` : by) : undefined].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('file-binary');
        item.contextValue = 'shipshapeInspectLayer';
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMarkdown(vscode.l10n.t('Layer {0}', l.index))}** · ${escapeMarkdown(formatSize(l.size))}\n\n${escapeMarkdown(l.digest)}`);
        if (by) md.appendMarkdown(`\n\n${escapeMarkdown(by.length > 500 ? `${by.slice(0, 499)}…` : by)}`);
        item.tooltip = md;
        const target = this.instructionTarget(node.inspection, l.index);
        if (target) item.command = { title: vscode.l10n.t('Go to Instruction'), command: OPEN_DOCKERFILE_LINE_COMMAND, arguments: [target.uri, target.line] };
        return item;
      }
      default: {
        const f = node.finding;
        const item = new vscode.TreeItem(f.message, vscode.TreeItemCollapsibleState.None);
        item.description = vscode.l10n.t('layer {0} · {1}', f.layer, f.ruleId);
        item.iconPath = new vscode.ThemeIcon(INSPECT_SEVERITY_ICON[f.severity] ?? 'info');
        item.contextValue = 'shipshapeInspectFinding';
        const md = new vscode.MarkdownString();
        const severity = f.severity === 'info' ? vscode.l10n.t('Info') : severityName(f.severity);
        md.appendMarkdown(`**${escapeMarkdown(f.ruleId)}** · ${escapeMarkdown(severity)}\n\n${escapeMarkdown(f.message)}\n\n${escapeMarkdown(f.path)}`);
        if (f.references.length) md.appendMarkdown(`\n\n${escapeMarkdown(f.references.join(', '))}`);
        item.tooltip = md;
        const target = this.instructionTarget(node.inspection, f.layer);
        if (target) item.command = { title: vscode.l10n.t('Go to Instruction'), command: OPEN_DOCKERFILE_LINE_COMMAND, arguments: [target.uri, target.line] };
        return item;
      }
    }
  }

  /** The Dockerfile line that made a layer (1-based), when the inspection mapped it. */
  private instructionTarget(inspection: Inspection, layerIndex: number): { uri: vscode.Uri; line: number } | undefined {
    const line = inspection.report.layers.find((l) => l.index === layerIndex)?.instruction?.line;
    return inspection.dockerfile && line ? { uri: inspection.dockerfile, line } : undefined;
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
