/** The scan commands: one class per command, registered by registerScanSupport. */
import * as vscode from 'vscode';
import { errorText } from '../errorText';
import { validateImageRef } from '../../core/imageRef';
import type { LocalImage } from '../../core/scan/images';
import { isVulnSeverity, SCANNER_IDS, ScanReport, VulnSeverity, VULN_SEVERITIES } from '../../core/scan/model';
import { filterReport } from '../../core/scan/tree';
import type { ScannerChoice } from '../../node/scanRunner';
import { loadScanCore, loadScanRunner } from './lazy';
import { Command } from '../commands';
import { advisoryUrl } from './detailsHtml';
import { VulnerabilityDetailsView } from './details';
import { displayPath, reportShapeText, severityName } from './labels';
import { ImageScanRunner, refuseUntrusted, ScanOutcome, ScanRequest } from './runner';
import { plainValue } from '../notificationText';
import { MAX_CONFIG_BYTES, MAX_REPORT_BYTES } from '../../core/limits';
import { readRegularFile } from '../../node/files';
import { ignoreVulnerability } from './ignore';
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
      local = [{ label: vscode.l10n.t('$(info) Local images unavailable'), detail: errorText(e).split('\n')[0], alwaysShow: true }];
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

/** `shown` is what the notification said; `message` (with the file's own words) went to the log. */
export type OpenReportOutcome = { status: 'imported'; format: string; reports: ScanReport[] } | { status: 'failed'; message: string; shown: string };

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
    const shown = plainValue(displayPath(file));
    let text: string;
    try {
      text = await readReportFile(file);
    } catch (e) {
      const message = vscode.l10n.t('Could not read {0}: {1}', displayPath(file), e instanceof Error ? e.message : String(e));
      return this.failed(message, vscode.l10n.t('Could not read {0}. The output says why.', shown));
    }
    const core = loadScanCore();
    try {
      const { format, reports } = core.importReport(text, { scannedAt: new Date().toISOString() });
      await this.store.add(reports);
      this.log.info(`Imported ${reports.length} report(s) (${format}) from ${displayPath(file)}`);
      await focusView();
      return { status: 'imported', format, reports };
    } catch (e) {
      const message = vscode.l10n.t('Could not open the report {0}: {1}', displayPath(file), e instanceof Error ? e.message : String(e));
      // What the file looked like is said as plain values (a key could spell a `[label](command:…)`
      // link); a format that was recognised but did not read has its details in the log only.
      const shownMessage = e instanceof core.NotAReportError
        ? vscode.l10n.t('{0} is not a scan report: Shipshape opens Trivy, Grype or Snyk JSON and SARIF 2.1.0 (which Docker Scout writes), and this file is {1}.', shown, reportShapeText(e.shape))
        : vscode.l10n.t('{0} looks like a scan report, but Shipshape could not read it. The output says why.', shown);
      return this.failed(message, shownMessage);
    }
  }

  private failed(message: string, shown: string): OpenReportOutcome {
    this.log.error(message);
    const show = vscode.l10n.t('Show Output');
    void vscode.window.showErrorMessage(shown, show).then((picked) => {
      if (picked === show) this.log.show(true);
    });
    return { status: 'failed', message, shown };
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
    { id: SCAN_COMMANDS.ignore, execute: (arg?: unknown) => ignoreVulnerability(store, log, arg) },
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
