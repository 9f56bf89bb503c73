/**
 * "Shipshape: Compare Base Images": scans a FROM's base image and the catalogue's candidates for
 * it with the user's scanner (one after the other, one cancellable progress), shows the
 * vulnerability counts side by side in a webview, and swaps the FROM's image to the chosen
 * candidate with an undoable edit. Offered as a code action on a FROM that has candidates when the
 * workspace is trusted and a scanner was found. Nothing runs in Restricted Mode.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { BaseImageAdvice } from '../../server/baseImageProtocol';
import { adviceOf, ServerRequest } from './advice';
import { htmlLang } from '../scan/detailsHtml';
import { validateImageRef } from '../../core/imageRef';
import { countBySeverity } from '../../core/scan/tree';
import type { ScannerChoice } from '../../node/scanRunner';
import { Command, CommandManager } from '../commands';
import { toRange } from '../convert';
import { documentKind, DOCKERFILE_SELECTOR } from '../documents';
import { plainValue } from '../notificationText';
import { loadScanRunner } from '../scan/lazy';
import { editorScanOptions, refuseInRestrictedMode } from '../scan/runner';
import { readScannerChoice } from '../scan/toolSettings';
import type { ScanSupport } from '../scan';
import { COUNTED_SEVERITIES, CompareLabels, compareHtml, CompareRow } from './compareHtml';
import { setBaseImageHoverSource } from './hover';

export const COMPARE_COMMANDS = {
  compare: 'shipshape.compareBaseImages',
  swap: 'shipshape.swapBaseImage',
} as const;

/** Arguments of `shipshape.compareBaseImages` that skip the editor and the pick (the code action, tests). */
export interface CompareArguments {
  uri?: vscode.Uri | string;
  /** A position on the FROM (0-based); default: the cursor, else the only shipped FROM with candidates. */
  line?: number;
  character?: number;
  scanner?: ScannerChoice;
  cancellation?: vscode.CancellationToken;
}

/** Arguments of `shipshape.swapBaseImage`. */
export interface SwapArguments {
  uri: vscode.Uri | string;
  /** The stage whose FROM is edited (index in the file). */
  stage: number;
  /** The image the FROM names now, as written: the swap refuses when the document changed. */
  from: string;
  to: string;
}

export type { ServerRequest } from './advice';

export type CompareOutcome =
  | { status: 'compared'; image: string; scanner: string; rows: CompareRow[]; panel: vscode.WebviewPanel }
  | { status: 'cancelled' }
  | { status: 'refused'; message: string }
  | { status: 'none'; message: string };

export type SwapOutcome = { status: 'swapped'; uri: vscode.Uri; to: string } | { status: 'stale' | 'refused'; message: string };

function labels(): CompareLabels {
  return {
    lang: htmlLang(vscode.env.language),
    title: vscode.l10n.t('Compare Base Images'),
    image: vscode.l10n.t('Image'),
    severities: { critical: vscode.l10n.t('Critical'), high: vscode.l10n.t('High'), medium: vscode.l10n.t('Medium'), low: vscode.l10n.t('Low') },
    other: vscode.l10n.t('Other'),
    current: vscode.l10n.t('current base'),
    use: vscode.l10n.t('Use this base'),
    source: vscode.l10n.t('source'),
    failed: vscode.l10n.t('not scanned'),
    multiStage: vscode.l10n.t('needs a multi-stage build'),
    scanner: vscode.l10n.t('Scanner'),
  };
}

function asUri(u: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (u instanceof vscode.Uri) return u;
  if (typeof u === 'string') { try { return vscode.Uri.parse(u, true); } catch { return undefined; } }
  return undefined;
}

/** The candidates a scanner can scan: `scratch` is empty (nothing to compare). */
export function scannable(advice: BaseImageAdvice): BaseImageAdvice['recommendation']['candidates'] {
  return advice.recommendation.candidates.filter((c) => c.reference !== 'scratch');
}


export class CompareBaseImagesCommand implements Command {
  readonly id = COMPARE_COMMANDS.compare;
  private panel: vscode.WebviewPanel | undefined;
  private panelListener: vscode.Disposable | undefined;

  constructor(private readonly log: vscode.LogOutputChannel, private readonly request: ServerRequest) {}

  async execute(args?: CompareArguments): Promise<CompareOutcome | undefined> {
    if (!vscode.workspace.isTrusted) return refuseInRestrictedMode(vscode.l10n.t('Comparing base images runs your vulnerability scanner, which Shipshape does not do in Restricted Mode. Trust this workspace to compare base images.'));
    const uri = asUri(args?.uri) ?? vscode.window.activeTextEditor?.document.uri;
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : undefined;
    if (!doc || documentKind(doc) !== 'dockerfile') return this.none(vscode.l10n.t('Open a Dockerfile to compare its base images.'));
    const advice = await this.pickAdvice(doc, args);
    if (!advice) return this.none(vscode.l10n.t('This Dockerfile has no base image the catalogue has candidates for.'));
    const candidates = scannable(advice);
    const scanner = args?.scanner ?? readScannerChoice();
    const rows: CompareRow[] = [
      { reference: advice.image, current: true, swappable: false },
      ...candidates.map((c): CompareRow => ({ reference: c.reference, current: false, note: c.note, source: c.source, swappable: advice.swappable && !c.needsMultiStage })),
    ];
    let scannerName = scanner as string;
    const cancelled = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing base images'), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subscriptions = [token.onCancellationRequested(() => abort.abort()), args?.cancellation?.onCancellationRequested(() => abort.abort())];
        if (args?.cancellation?.isCancellationRequested) abort.abort();
        try {
          for (let i = 0; i < rows.length; i++) {
            if (abort.signal.aborted) return true;
            const row = rows[i];
            progress.report({ message: vscode.l10n.t('{0} of {1}: {2}', i + 1, rows.length, plainValue(row.reference, 100)), increment: 100 / rows.length });
            const bad = validateImageRef(row.reference);
            if (bad) { row.error = bad; continue; }
            try {
              const reports = await loadScanRunner().scanImage(row.reference, {
                ...editorScanOptions(this.log, scanner, abort.signal),
                onStderr: (chunk) => { for (const line of chunk.split(/\r?\n/).filter((l) => l.trim())) this.log.info(`[stderr] ${line.trimEnd()}`); },
              });
              const vulns = reports.flatMap((r) => r.vulns);
              const counts = countBySeverity(vulns);
              row.counts = { critical: counts.critical, high: counts.high, medium: counts.medium, low: counts.low };
              row.other = counts.negligible + counts.unknown;
              if (reports[0]) scannerName = reports[0].scanner;
            } catch (e) {
              if (abort.signal.aborted || (e as { code?: string }).code === 'CANCELLED') return true;
              const code = (e as { code?: string }).code;
              row.error = code === 'TOOL_MISSING' || code === 'BAD_TOOL_PATH' ? vscode.l10n.t('no scanner') : vscode.l10n.t('the scan failed (see the output)');
              this.log.error(`Comparing base images: ${row.reference}: ${e instanceof Error ? e.message : String(e)}`);
              // Without a scanner, no other row can be scanned either.
              if (code === 'TOOL_MISSING' || code === 'BAD_TOOL_PATH') {
                for (const other of rows.slice(i + 1)) other.error = row.error;
                break;
              }
            }
          }
          return false;
        } finally {
          subscriptions.forEach((s) => s?.dispose());
        }
      },
    );
    if (cancelled) {
      this.log.info('Comparing base images cancelled');
      return { status: 'cancelled' };
    }
    if (rows.every((r) => !r.counts)) {
      const show = vscode.l10n.t('Show Output');
      void vscode.window.showErrorMessage(vscode.l10n.t('No image could be scanned. The output says why.'), show).then((p) => { if (p === show) this.log.show(true); });
    }
    this.log.info(`Compared ${advice.image} with ${candidates.map((c) => c.reference).join(', ') || 'no candidates'}`);
    const panel = this.show(doc.uri, advice, rows, scannerName);
    return { status: 'compared', image: advice.image, scanner: scannerName, rows, panel };
  }

  private none(message: string): CompareOutcome {
    void vscode.window.showInformationMessage(message);
    return { status: 'none', message };
  }

  private async pickAdvice(doc: vscode.TextDocument, args: CompareArguments | undefined): Promise<BaseImageAdvice | undefined> {
    const editor = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor : undefined;
    const at = typeof args?.line === 'number' ? { line: args.line, character: args.character ?? 0 } : editor?.selection.active;
    const here = at ? (await adviceOf(this.request, doc, { line: at.line, character: at.character }))[0] : undefined;
    if (here && scannable(here).length) return here;
    const all = (await adviceOf(this.request, doc)).filter((a) => scannable(a).length);
    if (all.length <= 1 || typeof args?.line === 'number') return typeof args?.line === 'number' ? undefined : all[0];
    const picked = await vscode.window.showQuickPick(all.map((a) => ({ label: a.image, description: vscode.l10n.t('line {0}', a.range.start.line + 1), advice: a })), { title: vscode.l10n.t('Compare Base Images') });
    return picked?.advice;
  }

  private show(uri: vscode.Uri, advice: BaseImageAdvice, rows: CompareRow[], scanner: string): vscode.WebviewPanel {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('shipshape.compareBaseImages', vscode.l10n.t('Compare Base Images'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => { this.panel = undefined; this.panelListener?.dispose(); this.panelListener = undefined; });
    } else this.panel.reveal(undefined, true);
    this.panel.title = vscode.l10n.t('Compare: {0}', advice.image);
    this.panelListener?.dispose();
    // The page only names a row; the swap uses this copy of the rows.
    this.panelListener = this.panel.webview.onDidReceiveMessage((m: { type?: unknown; row?: unknown }) => {
      if (m?.type !== 'swap' || typeof m.row !== 'number') return;
      const row = rows[m.row];
      if (!row || row.current || !row.swappable) return;
      void vscode.commands.executeCommand(COMPARE_COMMANDS.swap, { uri, stage: advice.stage, from: advice.written, to: row.reference } satisfies SwapArguments);
    });
    this.panel.webview.html = compareHtml(rows, labels(), scanner, randomBytes(16).toString('base64'));
    return this.panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/**
 * Switches a FROM to another image: one WorkspaceEdit on the image argument (undoable). Never
 * applied on its own: a different base can change what the build installs and runs.
 */
export class SwapBaseImageCommand implements Command {
  readonly id = COMPARE_COMMANDS.swap;
  constructor(private readonly log: vscode.LogOutputChannel, private readonly request: ServerRequest) {}

  async execute(args?: SwapArguments): Promise<SwapOutcome | undefined> {
    const uri = asUri(args?.uri);
    if (!args || !uri || typeof args.stage !== 'number' || typeof args.to !== 'string' || typeof args.from !== 'string') return undefined;
    if (!vscode.workspace.isTrusted) return refuseInRestrictedMode(vscode.l10n.t('Shipshape does not edit files in Restricted Mode. Trust this workspace to switch the base image.'));
    const bad = validateImageRef(args.to);
    if (bad) return { status: 'refused', message: bad };
    const doc = await vscode.workspace.openTextDocument(uri);
    const advice = (await adviceOf(this.request, doc)).find((a) => a.stage === args.stage);
    if (!advice || advice.written !== args.from || !advice.swappable) {
      const message = vscode.l10n.t('The Dockerfile changed since the comparison: compare again to switch its base image.');
      void vscode.window.showWarningMessage(message);
      return { status: 'stale', message };
    }
    // A public command: only a candidate the advice offers for this FROM, and one a tag swap can take.
    if (!scannable(advice).some((c) => c.reference === args.to && !c.needsMultiStage)) {
      const message = vscode.l10n.t('{0} is not a base image Shipshape suggests for this FROM, or it needs a multi-stage build first.', args.to);
      return { status: 'refused', message };
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, toRange(advice.range), args.to, { label: vscode.l10n.t('Switch the base image'), needsConfirmation: false });
    if (!(await vscode.workspace.applyEdit(edit))) return { status: 'refused', message: vscode.l10n.t('The base image was not switched: the edit was not applied.') };
    this.log.info(`Switched the base image of stage ${args.stage} in ${uri.toString(true)} from ${args.from} to ${args.to}`);
    await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(advice.range.start.line, advice.range.start.character, advice.range.start.line, advice.range.start.character + args.to.length) });
    return { status: 'swapped', uri, to: args.to };
  }
}

/** "Compare base images…" on a FROM with candidates, where a scan could run. */
export class CompareCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  constructor(private readonly scan: Pick<ScanSupport, 'scannerFound'>, private readonly request: ServerRequest) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, _context?: vscode.CodeActionContext, token?: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (!vscode.workspace.isTrusted || this.scan.scannerFound() !== true || documentKind(doc) !== 'dockerfile') return [];
    // The server answers a position off a FROM without parsing.
    const [advice] = await adviceOf(this.request, doc, { line: range.start.line, character: range.start.character }, token);
    if (!advice || !scannable(advice).length) return [];
    const action = new vscode.CodeAction(vscode.l10n.t('Compare base images for {0}…', advice.image), vscode.CodeActionKind.QuickFix);
    action.command = {
      title: action.title,
      command: COMPARE_COMMANDS.compare,
      arguments: [{ uri: doc.uri, line: advice.range.start.line, character: advice.range.start.character } satisfies CompareArguments],
    };
    return [action];
  }
}

export interface CompareSupport extends vscode.Disposable {
  readonly compare: CompareBaseImagesCommand;
  readonly codeActions: CompareCodeActionProvider;
}

/**
 * Registers the command, the swap and the code action. `setHoverSource`: the hover's own setter
 * when this module is bundled apart from the hover (the lazily loaded images group,
 * dist/lib/images.js, has its own copy of compare/hover.ts). `registerCodeActions: false`: the
 * caller registered a provider that asks `codeActions` (a provider registered while VS Code asks
 * for code actions cancels that request).
 */
export function registerCompareSupport(options: { log: vscode.LogOutputChannel; scan: Pick<ScanSupport, 'scannerFound'>; request: ServerRequest; setHoverSource?: typeof setBaseImageHoverSource; registerCodeActions?: boolean }): CompareSupport {
  const setHoverSource = options.setHoverSource ?? setBaseImageHoverSource;
  const commands = new CommandManager();
  const compare = commands.register(new CompareBaseImagesCommand(options.log, options.request));
  commands.register(new SwapBaseImageCommand(options.log, options.request));
  const codeActions = new CompareCodeActionProvider(options.scan, options.request);
  setHoverSource({ request: options.request, canCompare: () => vscode.workspace.isTrusted && options.scan.scannerFound() === true });
  const registration = options.registerCodeActions === false ? { dispose() { /* the caller's */ } } : vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, codeActions, CompareCodeActionProvider.metadata);
  return {
    compare,
    codeActions,
    dispose: () => { setHoverSource(undefined); registration.dispose(); compare.dispose(); commands.dispose(); },
  };
}

export { COUNTED_SEVERITIES };
