/** The scan commands: one class per command, registered by registerScanSupport. */
import * as vscode from 'vscode';
import { validateImageRef } from '../../core/imageRef';
import type { LocalImage } from '../../core/scan/images';
import { isVulnSeverity, SCANNER_IDS, ScanReport, VulnSeverity, VULN_SEVERITIES } from '../../core/scan/model';
import { filterReport } from '../../core/scan/tree';
import type { ScannerChoice } from '../../node/scanRunner';
import { loadScanCore, loadScanRunner } from './lazy';
import { Command } from '../commands';
import { advisoryUrl } from './detailsHtml';
import { VulnerabilityDetailsView } from './details';
import { severityName } from './labels';
import { ImageScanRunner, refuseUntrusted, ScanOutcome, ScanRequest } from './runner';
import { plainValue } from '../notificationText';
import { MAX_CONFIG_BYTES, MAX_REPORT_BYTES } from '../../core/limits';
import { FileAccessError, readFileInFolder, readRegularFile, writeFileInFolder } from '../../node/files';
import { ScanResultsStore } from './store';
import { readToolPaths } from './toolSettings';
import { asVulnNode, ImageNode, SCAN_VIEW_ID } from './tree';

export const SCAN_COMMANDS = {
  scanImage: 'shipshape.scanImage',
  rescan: 'shipshape.rescanImage',
  openReport: 'shipshape.openScanReport',
  exportResults: 'shipshape.exportScanResults',
  filterBySeverity: 'shipshape.filterScanBySeverity',
  showOnlyFixable: 'shipshape.showOnlyFixable',
  showAllVulnerabilities: 'shipshape.showAllVulnerabilities',
  groupByPackage: 'shipshape.groupScanByPackage',
  groupBySeverity: 'shipshape.groupScanBySeverity',
  clear: 'shipshape.clearScanResults',
  showDetails: 'shipshape.showVulnerabilityDetails',
  copyId: 'shipshape.copyVulnerabilityId',
  openAdvisory: 'shipshape.openVulnerabilityAdvisory',
  ignore: 'shipshape.ignoreVulnerability',
} as const;

/** Arguments of `shipshape.scanImage` that skip the prompts. */
export interface ScanImageArguments {
  reference?: string;
  scanner?: ScannerChoice;
  cancellation?: vscode.CancellationToken;
}

async function focusView(): Promise<void> {
  await vscode.commands.executeCommand(`${SCAN_VIEW_ID}.focus`).then(undefined, () => undefined);
}

/** `3 days ago` from an ISO time, or undefined. */
function ageOf(iso: string | undefined, now = Date.now()): string | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return undefined;
  const minutes = Math.max(0, Math.round((now - t) / 60000));
  if (minutes < 60) return vscode.l10n.t('{0} minutes ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 48) return vscode.l10n.t('{0} hours ago', hours);
  const days = Math.round(hours / 24);
  if (days < 60) return vscode.l10n.t('{0} days ago', days);
  return vscode.l10n.t('{0} months ago', Math.round(days / 30));
}

function isScannerChoice(s: unknown): s is ScannerChoice {
  return s === 'auto' || (typeof s === 'string' && (SCANNER_IDS as readonly string[]).includes(s));
}

interface ImagePick extends vscode.QuickPickItem { reference?: string; enter?: boolean }

export class ScanImageCommand implements Command {
  readonly id = SCAN_COMMANDS.scanImage;
  constructor(private readonly runner: ImageScanRunner, private readonly log: vscode.LogOutputChannel) {}

  async execute(args?: ScanImageArguments | string): Promise<ScanOutcome | undefined> {
    const request: ScanImageArguments = typeof args === 'string' ? { reference: args } : (args ?? {});
    const scanner = isScannerChoice(request.scanner) ? request.scanner : undefined;
    // Nothing is spawned in Restricted Mode, not even `docker image ls` for the picker.
    if (!vscode.workspace.isTrusted) return refuseUntrusted(vscode.l10n.t('Scanning'));
    const reference = request.reference ?? (await this.pickReference());
    if (!reference) return undefined;
    const why = validateImageRef(reference);
    if (why) {
      // The reference may come from a workspace file (a CodeLens): it is not repeated in the notification.
      const message = vscode.l10n.t('Cannot scan: {0}', why);
      this.log.warn(message);
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot scan: that is not a valid image reference (the output says why).'));
      return { status: 'failed', code: 'INVALID_REFERENCE', message, actions: [] };
    }
    const outcome = await this.runner.scan({ reference, scanner, cancellation: request.cancellation });
    if (outcome.status === 'scanned') await focusView();
    return outcome;
  }

  private async pickReference(): Promise<string | undefined> {
    const enter: ImagePick = { label: vscode.l10n.t('$(edit) Enter a reference…'), enter: true, alwaysShow: true };
    const pick = vscode.window.createQuickPick<ImagePick>();
    pick.title = vscode.l10n.t('Scan Image');
    pick.placeholder = vscode.l10n.t('Choose a local image or enter a reference');
    let local: ImagePick[] = [];
    // What the user typed, when it is a reference, can be scanned as is.
    const render = (): void => {
      const typed = pick.value.trim();
      const direct: ImagePick[] = typed && !validateImageRef(typed) && !local.some((i) => i.reference === typed)
        ? [{ label: vscode.l10n.t('$(search) Scan {0}', typed), reference: typed, alwaysShow: true }]
        : [];
      pick.items = [...direct, enter, ...local];
    };
    pick.onDidChangeValue(render);
    render();
    pick.busy = true;
    const abort = new AbortController();
    loadScanRunner().listLocalImages({ toolPaths: readToolPaths(), signal: abort.signal }).then(({ source, images }) => {
      local = images.length
        ? [{ label: source, kind: vscode.QuickPickItemKind.Separator }, ...images.map((i) => this.imageItem(i))]
        : [{ label: vscode.l10n.t('No local images ({0})', source), description: '', alwaysShow: true }];
    }, (e: Error) => {
      this.log.info(`Local images not listed: ${e.message}`);
      local = [{ label: vscode.l10n.t('$(info) Local images unavailable'), detail: e.message.split('\n')[0], alwaysShow: true }];
    }).finally(() => { pick.busy = false; render(); });
    const chosen = await new Promise<ImagePick | undefined>((resolve) => {
      pick.onDidAccept(() => { resolve(pick.selectedItems[0]); pick.hide(); });
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
    abort.abort();
    pick.dispose();
    if (!chosen) return undefined;
    if (chosen.reference) return chosen.reference;
    if (!chosen.enter) return undefined;
    return vscode.window.showInputBox({
      title: vscode.l10n.t('Scan Image'),
      prompt: vscode.l10n.t('Image reference, e.g. alpine:3.19 or ghcr.io/org/app@sha256:…'),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? validateImageRef(value.trim()) : undefined),
    }).then((v) => v?.trim() || undefined);
  }

  private imageItem(image: LocalImage): ImagePick {
    const age = image.createdSince ?? ageOf(image.createdAt);
    return {
      label: image.reference,
      description: [image.sizeText, age].filter(Boolean).join(' · '),
      detail: image.reference === image.id ? undefined : image.id,
      reference: image.reference,
    };
  }
}

export class RescanCommand implements Command {
  readonly id = SCAN_COMMANDS.rescan;
  constructor(private readonly runner: ImageScanRunner, private readonly store: ScanResultsStore) {}

  async execute(target?: ImageNode | ScanRequest): Promise<ScanOutcome | undefined> {
    if (!vscode.workspace.isTrusted) return refuseUntrusted(vscode.l10n.t('Rescanning'));
    let request: ScanRequest | undefined;
    if (target && 'kind' in target && target.kind === 'image') request = this.requestFor(target.image.report);
    else if (target && 'reference' in target && typeof target.reference === 'string') request = target;
    else if (this.store.lastReport) request = this.requestFor(this.store.lastReport);
    if (!request) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to rescan yet: scan an image first.'));
      return undefined;
    }
    return this.runner.scan(request);
  }

  private requestFor(report: ScanReport): ScanRequest {
    // An imported report may come from a tool Shipshape cannot run: rescan it with the configured scanner.
    const known = (SCANNER_IDS as readonly string[]).includes(report.scanner);
    return { reference: report.image.reference, scanner: known ? (report.scanner as ScannerChoice) : undefined };
  }
}

export type OpenReportOutcome = { status: 'imported'; format: string; reports: ScanReport[] } | { status: 'failed'; message: string };

export class OpenScanReportCommand implements Command {
  readonly id = SCAN_COMMANDS.openReport;
  constructor(private readonly store: ScanResultsStore, private readonly log: vscode.LogOutputChannel) {}

  async execute(uri?: vscode.Uri): Promise<OpenReportOutcome | undefined> {
    const file = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Open Report'),
      title: vscode.l10n.t('Open a Trivy, Grype, Snyk or SARIF report'),
      filters: { [vscode.l10n.t('Scan reports')]: ['json', 'sarif'], [vscode.l10n.t('All files')]: ['*'] },
    }))?.[0];
    if (!file) return undefined;
    try {
      const text = await readReportFile(file);
      const { format, reports } = loadScanCore().importReport(text, { scannedAt: new Date().toISOString() });
      await this.store.add(reports);
      this.log.info(`Imported ${reports.length} report(s) (${format}) from ${file.toString(true)}`);
      await focusView();
      return { status: 'imported', format, reports };
    } catch (e) {
      const message = vscode.l10n.t('Could not open the report {0}: {1}', file.toString(true), e instanceof Error ? e.message : String(e));
      this.log.error(message);
      // What the file said (its first bytes, a tool's error string, rule ids) stays in the log: a
      // notification would render a `[label](command:…)` in it as a link that runs the command.
      const show = vscode.l10n.t('Show Output');
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not open that file as a scan report. The output says why.'), show).then((picked) => {
        if (picked === show) this.log.show(true);
      });
      return { status: 'failed', message };
    }
  }
}

export type ExportFormat = 'sarif' | 'json';
export interface ExportArguments { format?: ExportFormat; uri?: vscode.Uri }

export class ExportScanResultsCommand implements Command {
  readonly id = SCAN_COMMANDS.exportResults;
  constructor(private readonly store: ScanResultsStore) {}

  async execute(args?: ExportArguments): Promise<{ status: 'exported'; uri: vscode.Uri; format: ExportFormat } | { status: 'empty' } | { status: 'refused'; message: string } | undefined> {
    // Every write Shipshape makes needs a trusted workspace.
    if (!vscode.workspace.isTrusted) return refuseUntrusted(vscode.l10n.t('Exporting scan results'));
    if (!this.store.reports.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no scan results to export.'));
      return { status: 'empty' };
    }
    const format = args?.format === 'sarif' || args?.format === 'json' ? args.format : (await vscode.window.showQuickPick(
      [{ label: 'SARIF 2.1.0', description: vscode.l10n.t('for code scanning dashboards'), format: 'sarif' as const },
        { label: 'JSON', description: vscode.l10n.t('the shipshape scan --format json document'), format: 'json' as const }],
      { title: vscode.l10n.t('Export Scan Results') },
    ))?.format;
    if (!format) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = format === 'sarif' ? 'shipshape-scan.sarif' : 'shipshape-scan.json';
    const uri = args?.uri ?? (await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: format === 'sarif' ? { SARIF: ['sarif', 'json'] } : { JSON: ['json'] },
      title: vscode.l10n.t('Export Scan Results'),
    }));
    if (!uri) return undefined;
    // What the view shows is what is exported: the severity and fixable filters apply.
    const reports = this.store.reports.map((r) => filterReport(r, this.store.filter));
    // Streamed into bytes: the SARIF of a very large report is longer than a string can be.
    const parts: Buffer[] = [];
    const core = loadScanCore();
    core.streamJson(format === 'sarif' ? core.toSarif(reports) : core.toJsonDocument(reports), (chunk) => parts.push(Buffer.from(chunk, 'utf8')));
    parts.push(Buffer.from('\n'));
    await vscode.workspace.fs.writeFile(uri, Buffer.concat(parts));
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported the scan results to {0}.', plainValue(vscode.workspace.asRelativePath(uri))));
    return { status: 'exported', uri, format };
  }
}

export class FilterBySeverityCommand implements Command {
  readonly id = SCAN_COMMANDS.filterBySeverity;
  constructor(private readonly store: ScanResultsStore) {}

  async execute(severities?: VulnSeverity[]): Promise<VulnSeverity[] | undefined> {
    let chosen = Array.isArray(severities) ? severities.filter((s) => typeof s === 'string' && isVulnSeverity(s)) : undefined;
    if (!chosen) {
      const current = this.store.view.severities;
      const picked = await vscode.window.showQuickPick(
        VULN_SEVERITIES.map((s) => ({ label: severityName(s), severity: s, picked: current.length === 0 || current.includes(s) })),
        { canPickMany: true, title: vscode.l10n.t('Show these severities') },
      );
      if (!picked) return undefined;
      chosen = picked.map((p) => p.severity);
    }
    // Everything (or nothing) checked means no filter.
    const filter = chosen.length === VULN_SEVERITIES.length ? [] : chosen;
    await this.store.setView({ severities: filter });
    return filter;
  }
}

export function viewToggleCommands(store: ScanResultsStore): Command[] {
  return [
    { id: SCAN_COMMANDS.showOnlyFixable, execute: async (on?: unknown) => { await store.setView({ fixableOnly: typeof on === 'boolean' ? on : !store.view.fixableOnly }); return store.view.fixableOnly; } },
    { id: SCAN_COMMANDS.showAllVulnerabilities, execute: async () => { await store.setView({ fixableOnly: false, severities: [] }); } },
    { id: SCAN_COMMANDS.groupByPackage, execute: async () => { await store.setView({ grouping: 'package' }); } },
    { id: SCAN_COMMANDS.groupBySeverity, execute: async () => { await store.setView({ grouping: 'severity' }); } },
    { id: SCAN_COMMANDS.clear, execute: async () => { await store.clear(); } },
  ];
}

export function vulnerabilityCommands(store: ScanResultsStore, details: VulnerabilityDetailsView, log: vscode.LogOutputChannel): Command[] {
  return [
    {
      id: SCAN_COMMANDS.showDetails,
      execute: (node?: unknown) => {
        const n = asVulnNode(node);
        return n ? details.show(n.vuln, n.report) : undefined;
      },
    },
    {
      id: SCAN_COMMANDS.copyId,
      execute: async (node?: unknown) => {
        const n = asVulnNode(node);
        if (n) await vscode.env.clipboard.writeText(n.vuln.id);
        return n?.vuln.id;
      },
    },
    {
      id: SCAN_COMMANDS.openAdvisory,
      execute: async (node?: unknown) => {
        const n = asVulnNode(node);
        if (!n) return undefined;
        const url = advisoryUrl(n.vuln);
        if (!url) {
          void vscode.window.showInformationMessage(vscode.l10n.t('The scanner gave no advisory link for {0}.', plainValue(n.vuln.id)));
          return undefined;
        }
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
        return url;
      },
    },
    { id: SCAN_COMMANDS.ignore, execute: (node?: unknown) => ignoreVulnerability(store, log, node) },
  ];
}

/**
 * Reads a report file: only a regular file of at most MAX_REPORT_BYTES (a FIFO would hang the
 * extension host's read, a device would never end).
 */
async function readReportFile(file: vscode.Uri): Promise<string> {
  if (file.scheme === 'file') return readRegularFile(file.fsPath, MAX_REPORT_BYTES);
  const st = await vscode.workspace.fs.stat(file);
  if ((st.type & vscode.FileType.File) === 0) throw new Error('not a regular file');
  if (st.size > MAX_REPORT_BYTES) throw new Error(`larger than the ${MAX_REPORT_BYTES / (1024 * 1024)} MiB Shipshape reads`);
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
}

/**
 * Writes the scanner's ignore file in the workspace folder and drops the vulnerability from the
 * view. Needs a trusted workspace; never writes through a symlink or a hard link, nor to a path
 * whose real location leaves the folder (a repository can point `.trivyignore` at `~/.bashrc`).
 */
async function ignoreVulnerability(store: ScanResultsStore, log: vscode.LogOutputChannel, node: unknown): Promise<vscode.Uri | undefined> {
  const n = asVulnNode(node);
  if (!n) return undefined;
  if (!vscode.workspace.isTrusted) {
    refuseUntrusted(vscode.l10n.t('Ignoring a vulnerability'));
    return undefined;
  }
  const target = loadScanCore().ignoreTargetFor(n.report.scanner);
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Shipshape cannot write ignores for {0}: add {1} to its own policy file.', plainValue(n.report.scanner, 40), plainValue(n.vuln.id, 80)));
    return undefined;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.length <= 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Where should {0} be written?', target.fileName) });
  if (!folder) {
    if (!folders.length) void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder to write {0} into.', target.fileName));
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, target.fileName);
  const fail = (detail: string): undefined => {
    log.error(`Could not ignore ${n.vuln.id} in ${uri.toString(true)}: ${detail}`);
    const show = vscode.l10n.t('Show Output');
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not write {0}. The output says why.', target.fileName), show).then((picked) => {
      if (picked === show) log.show(true);
    });
    return undefined;
  };
  if (folder.uri.scheme !== 'file') return fail('only folders on the local file system are written');
  let content: string;
  try {
    content = await readFileInFolder(folder.uri.fsPath, target.fileName, MAX_CONFIG_BYTES);
  } catch (e) {
    return fail(e instanceof FileAccessError ? e.message : String(e));
  }
  let next: string;
  try {
    next = target.add(content, { id: n.vuln.id, pkg: n.vuln.pkg, installed: n.vuln.installed });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  if (next !== content) {
    try {
      await writeFileInFolder(folder.uri.fsPath, target.fileName, next);
    } catch (e) {
      return fail(e instanceof FileAccessError ? e.message : String(e));
    }
  }
  log.info(`Ignored ${n.vuln.id} (${n.vuln.pkg}) in ${uri.toString(true)}`);
  await store.removeVulnerability(n.report, n.vuln);
  return uri;
}
