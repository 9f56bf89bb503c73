/**
 * "Shipshape: Inspect Image…": reads a built image layer by layer (src/node/inspect: a local image
 * saved with `docker image save` / `podman image save`, spawned like the scanners, or a
 * `docker save` / OCI archive file), adds it to the Image Findings tree with its layers and
 * findings, and turns each finding whose layer maps to a Dockerfile line into a diagnostic there
 * (collection `shipshape-inspect`). A CodeLens on the final stage's FROM offers it. Nothing runs
 * in Restricted Mode.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ImageReport } from '../../core/inspect/types';
import { validateImageRef } from '../../core/imageRef';
import type { Severity } from '../../core/model';
import { Command, CommandManager } from '../commands';
import { documentKind, DOCKERFILE_SELECTOR } from '../documents';
import { plainValue } from '../notificationText';
import { refuseInRestrictedMode } from '../scan/runner';
import { readTimeoutMs, readToolPaths } from '../scan/toolSettings';
import { OPEN_DOCKERFILE_LINE_COMMAND, ScanTreeProvider, SCAN_VIEW_ID } from '../scan/tree';
import { BUILD_INSTRUCTIONS_REQUEST, FINAL_STAGE_REQUEST } from '../../server/baseImageProtocol';
import type { BuildInstruction } from '../../core/inspect/historyMatch';
import type { Range } from '../../core/model';
import { findExecutable } from '../../node/which';
import { Inspection, InspectionStore } from './store';

export { InspectionStore } from './store';
export type { Inspection } from './store';

export const INSPECT_COMMANDS = {
  inspect: 'shipshape.inspectImage',
  clear: 'shipshape.clearInspections',
  openInstruction: OPEN_DOCKERFILE_LINE_COMMAND,
} as const;

export const INSPECT_DIAGNOSTIC_SOURCE = 'Shipshape Inspect';

/** Arguments of `shipshape.inspectImage` that skip the prompts (the CodeLens, tests). */
export interface InspectArguments {
  /** A local image to save with docker/podman. */
  reference?: string;
  /** A `docker save` or OCI layout archive. */
  archive?: vscode.Uri | string;
  /** The Dockerfile to map layers to (default: the active Dockerfile, else one beside the archive). */
  dockerfile?: vscode.Uri | string;
  cancellation?: vscode.CancellationToken;
}

export type InspectOutcome =
  | { status: 'inspected'; report: ImageReport; inspection: Inspection }
  | { status: 'cancelled' }
  | { status: 'refused'; message: string }
  | { status: 'failed'; code: string; message: string };

/* eslint-disable @typescript-eslint/no-require-imports */
// The archive reader (tar-stream, zlib, the history mapping) is loaded when an image is inspected.
function loadInspect(): typeof import('../../node/inspect') {
  return require('../../node/inspect') as typeof import('../../node/inspect');
}
/* eslint-enable @typescript-eslint/no-require-imports */

function asUri(u: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (u instanceof vscode.Uri) return u;
  if (typeof u === 'string' && u) {
    if (/^[a-z][a-z0-9+.-]+:/i.test(u)) { try { return vscode.Uri.parse(u, true); } catch { return undefined; } }
    return vscode.Uri.file(u);
  }
  return undefined;
}

/** Largest Dockerfile read to map layers (a Dockerfile is a few KiB). */
const MAX_DOCKERFILE_CHARS = 1024 * 1024;

async function dockerfileText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    return text.length <= MAX_DOCKERFILE_CHARS ? text : undefined;
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

type ServerRequest = (method: string, params: unknown, token?: vscode.CancellationToken) => Promise<unknown>;

export class InspectImageCommand implements Command {
  readonly id = INSPECT_COMMANDS.inspect;
  constructor(private readonly store: InspectionStore, private readonly log: vscode.LogOutputChannel, private readonly request: ServerRequest) {}

  async execute(args?: InspectArguments): Promise<InspectOutcome | undefined> {
    if (!vscode.workspace.isTrusted) return refuseInRestrictedMode(vscode.l10n.t('Inspecting an image runs docker or podman and reads image archives, which Shipshape does not do in Restricted Mode. Trust this workspace to inspect images.'));
    let reference = typeof args?.reference === 'string' ? args.reference.trim() : undefined;
    let archive = asUri(args?.archive);
    let dockerfile = asUri(args?.dockerfile);
    if (!dockerfile) {
      const active = vscode.window.activeTextEditor?.document;
      if (active && documentKind(active) === 'dockerfile') dockerfile = active.uri;
    }
    if (!reference && !archive) {
      const picked = await this.pickSource(dockerfile);
      if (!picked) return undefined;
      ({ reference, archive } = picked);
    }
    if (archive && archive.scheme !== 'file') return this.fail('BAD_ARCHIVE', vscode.l10n.t('Only an archive on the local file system can be inspected.'));
    if (reference) {
      const why = validateImageRef(reference);
      if (why) {
        this.log.warn(`Cannot inspect: ${why}`);
        return this.fail('INVALID_REFERENCE', vscode.l10n.t('Cannot inspect: that is not a valid image reference (the output says why).'));
      }
    }
    if (!dockerfile && archive) {
      const beside = vscode.Uri.file(path.join(path.dirname(archive.fsPath), 'Dockerfile'));
      if (await exists(beside)) dockerfile = beside;
    }
    const text = dockerfile ? await dockerfileText(dockerfile) : undefined;
    const label = reference ?? path.basename(archive!.fsPath);
    // The language server reads the Dockerfile: the extension host parses none.
    const answer = dockerfile && text !== undefined ? await this.request(BUILD_INSTRUCTIONS_REQUEST, { text }).catch(() => undefined) : undefined;
    const instructions = Array.isArray(answer) ? answer.filter((i): i is BuildInstruction => typeof i?.keyword === 'string' && Number.isInteger(i?.line)) : undefined;
    const mapping = dockerfile && instructions ? { file: dockerfile.fsPath || dockerfile.toString(), instructions } : undefined;
    const inspect = loadInspect();
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Inspecting {0}', plainValue(label, 100)), cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          const subs = [token.onCancellationRequested(() => abort.abort()), args?.cancellation?.onCancellationRequested(() => abort.abort())];
          if (args?.cancellation?.isCancellationRequested) abort.abort();
          // The read stops on the signal too; the cancellation answers at once either way.
          const cancelled = new Promise<never>((_, reject) => {
            if (abort.signal.aborted) reject(new CancelledError());
            abort.signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
          });
          const work = reference
            ? (progress.report({ message: vscode.l10n.t('saving the image') }), inspect.withSavedImage(reference, {
              paths: { docker: readToolPaths().docker, podman: readToolPaths().podman },
              timeoutMs: readTimeoutMs(),
              signal: abort.signal,
            }, (file, engine) => {
              this.log.info(`Saved ${reference} with ${engine}; reading the archive`);
              progress.report({ message: vscode.l10n.t('reading the layers') });
              return inspect.inspectArchive(file, { label, dockerfile: mapping, signal: abort.signal, locale: vscode.env.language });
            }))
            : inspect.inspectArchive(archive!.fsPath, { label, dockerfile: mapping, signal: abort.signal, locale: vscode.env.language });
          work.catch(() => undefined);
          return Promise.race([work, cancelled]).finally(() => subs.forEach((s) => s?.dispose()));
        },
      );
      const inspection: Inspection = { report, source: reference ? 'image' : 'archive', dockerfile: mapping ? dockerfile : undefined, inspectedAt: new Date().toISOString() };
      this.store.add(inspection);
      if (reference && dockerfile) await this.store.rememberReference(dockerfile, reference);
      this.log.info(`Inspected ${label}: ${report.layers.length} layers, ${report.findings.length} findings`);
      await vscode.commands.executeCommand(`${SCAN_VIEW_ID}.focus`).then(undefined, () => undefined);
      return { status: 'inspected', report, inspection };
    } catch (e) {
      // The tool runner and the archive reader both say CANCELLED; any other error is reported.
      if (e instanceof CancelledError || (e as { code?: string }).code === 'CANCELLED') {
        this.log.info(`Inspecting ${label} cancelled`);
        return { status: 'cancelled' };
      }
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Inspecting ${label}: ${message}`);
      const code = (e as { code?: string }).code ?? 'UNEXPECTED';
      if (e instanceof inspect.SaveError && e.code === 'TOOL_MISSING') {
        const choose = vscode.l10n.t('Choose Archive…');
        void vscode.window.showErrorMessage(vscode.l10n.t('Neither docker nor podman was found (the configured paths and PATH). Save the image yourself (docker image save -o image.tar IMAGE) and inspect the archive.'), choose).then((p) => {
          if (p === choose) void vscode.commands.executeCommand(INSPECT_COMMANDS.inspect, { dockerfile });
        });
        return { status: 'failed', code, message };
      }
      const summary = e instanceof inspect.ArchiveError && e.code === 'UNSUPPORTED'
        ? vscode.l10n.t('That archive uses a format Shipshape cannot read yet (zstd layers). The output has the details.')
        : e instanceof inspect.SaveError
          ? vscode.l10n.t('The image could not be saved. The output has the details.')
          : vscode.l10n.t('The image could not be read. The output has the details.');
      return this.fail(code, summary, message);
    }
  }

  private fail(code: string, summary: string, message = summary): InspectOutcome {
    const show = vscode.l10n.t('Show Output');
    void vscode.window.showErrorMessage(summary, show).then((p) => { if (p === show) this.log.show(true); });
    return { status: 'failed', code, message };
  }

  private async pickSource(dockerfile: vscode.Uri | undefined): Promise<{ reference?: string; archive?: vscode.Uri } | undefined> {
    const local = { label: vscode.l10n.t('$(package) Local image…'), detail: vscode.l10n.t('Saved with docker image save (or podman)'), id: 'image' as const };
    const file = { label: vscode.l10n.t('$(file-zip) Archive file…'), detail: vscode.l10n.t('A docker save or OCI image layout tarball'), id: 'archive' as const };
    const picked = await vscode.window.showQuickPick([local, file], { title: vscode.l10n.t('Inspect Image') });
    if (!picked) return undefined;
    if (picked.id === 'image') {
      const reference = await vscode.window.showInputBox({
        title: vscode.l10n.t('Inspect Image'),
        prompt: vscode.l10n.t('Local image reference, e.g. myapp:1.0'),
        value: dockerfile ? this.store.lastReference(dockerfile) : undefined,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? validateImageRef(v.trim()) : undefined),
      });
      return reference?.trim() ? { reference: reference.trim() } : undefined;
    }
    const uris = await vscode.window.showOpenDialog({
      canSelectMany: false, canSelectFiles: true, canSelectFolders: false,
      openLabel: vscode.l10n.t('Inspect'),
      title: vscode.l10n.t('Choose a docker save or OCI archive'),
      filters: { [vscode.l10n.t('Image archives')]: ['tar', 'gz', 'tgz'], [vscode.l10n.t('All files')]: ['*'] },
    });
    return uris?.[0] ? { archive: uris[0] } : undefined;
  }
}


class CancelledError extends Error {
  constructor() { super('cancelled'); this.name = 'CancelledError'; }
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

/** The findings whose layer maps to a Dockerfile line, as diagnostics on that line. */
export class InspectDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('shipshape-inspect');
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: InspectionStore) {
    this.sub = store.onDidChange(() => void this.refresh());
  }

  async refresh(): Promise<void> {
    const byFile = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const inspection of this.store.inspections) {
      if (!inspection.dockerfile) continue;
      const lines = new Map(inspection.report.layers.map((l) => [l.index, l.instruction?.line]));
      // The Dockerfile's lines, read and split once per inspection (an image can have thousands of findings).
      let lineTexts: string[] | undefined;
      for (const f of inspection.report.findings) {
        const line = lines.get(f.layer);
        if (!line) continue;
        lineTexts ??= (await dockerfileText(inspection.dockerfile) ?? '').split(/\r\n|\r|\n/);
        const lineText = lineTexts[line - 1] ?? '';
        const start = lineText.length - lineText.trimStart().length;
        const range = new vscode.Range(line - 1, start, line - 1, Math.max(start, lineText.trimEnd().length));
        const d = new vscode.Diagnostic(range, vscode.l10n.t('{0} (image {1}, layer {2})', f.message, inspection.report.image, f.layer), SEVERITY[f.severity] ?? vscode.DiagnosticSeverity.Information);
        d.source = INSPECT_DIAGNOSTIC_SOURCE;
        d.code = f.ruleId;
        const key = inspection.dockerfile.toString();
        const entry = byFile.get(key) ?? { uri: inspection.dockerfile, diagnostics: [] };
        entry.diagnostics.push(d);
        byFile.set(key, entry);
      }
    }
    this.collection.clear();
    for (const { uri, diagnostics } of byFile.values()) this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}

/**
 * "Inspect image" above the final stage's FROM (trusted workspaces only): with the reference last
 * inspected for this Dockerfile when docker or podman is there, else "Inspect built image…".
 */
export class InspectCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private engine: Promise<boolean> | undefined;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly store: InspectionStore, private readonly request: (method: string, params: unknown, token?: vscode.CancellationToken) => Promise<unknown>) {
    this.subs = [
      store.onDidChange(() => this.emitter.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('shipshape.scan')) { this.engine = undefined; this.emitter.fire(); } }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.emitter.fire()),
    ];
  }

  /** Whether docker or podman can be found (a file-system lookup, no spawn), cached until the settings change. */
  private engineFound(): Promise<boolean> {
    this.engine ??= (async () => {
      const paths = readToolPaths();
      for (const tool of ['docker', 'podman'] as const) {
        try { if (await findExecutable(tool, paths[tool])) return true; } catch { /* a bad path: try the other */ }
      }
      return false;
    })();
    return this.engine;
  }

  async provideCodeLenses(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.isTrusted || documentKind(doc) !== 'dockerfile') return [];
    // The final FROM whatever its base (scratch, a stage): the server knows where it is.
    const answer = await this.request(FINAL_STAGE_REQUEST, { textDocument: { uri: doc.uri.toString() } }, token).catch(() => undefined) as { range?: Range } | null | undefined;
    const final = answer?.range?.start && answer.range.end ? answer : undefined;
    if (!final?.range || token?.isCancellationRequested) return [];
    const range = new vscode.Range(final.range.start.line, final.range.start.character, final.range.end.line, final.range.end.character);
    const last = this.store.lastReference(doc.uri);
    if (last && (await this.engineFound())) {
      return [new vscode.CodeLens(range, {
        title: vscode.l10n.t('Inspect image {0}', last),
        tooltip: vscode.l10n.t('Save {0} with docker and look inside it, layer by layer', last),
        command: INSPECT_COMMANDS.inspect,
        arguments: [{ reference: last, dockerfile: doc.uri } satisfies InspectArguments],
      })];
    }
    return [new vscode.CodeLens(range, {
      title: vscode.l10n.t('Inspect built image…'),
      tooltip: vscode.l10n.t('Look inside the image built from this Dockerfile: a local image or a docker save archive'),
      command: INSPECT_COMMANDS.inspect,
      arguments: [{ dockerfile: doc.uri } satisfies InspectArguments],
    })];
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

export interface InspectSupport extends vscode.Disposable {
  readonly store: InspectionStore;
  readonly diagnostics: InspectDiagnostics;
  readonly codeLens: InspectCodeLensProvider;
}

/** Registers the command, the tree's image nodes, the diagnostics and the CodeLens. */
export function registerInspectSupport(context: vscode.ExtensionContext, options: { log: vscode.LogOutputChannel; tree: ScanTreeProvider; request: (method: string, params: unknown, token?: vscode.CancellationToken) => Promise<unknown> }): InspectSupport {
  const store = new InspectionStore(context.workspaceState);
  const diagnostics = new InspectDiagnostics(store);
  const codeLens = new InspectCodeLensProvider(store, options.request);
  const commands = new CommandManager();
  commands.register(new InspectImageCommand(store, options.log, options.request));
  commands.register({ id: INSPECT_COMMANDS.clear, execute: () => store.clear() });
  commands.register({
    id: INSPECT_COMMANDS.openInstruction,
    execute: async (uri?: unknown, line?: unknown) => {
      if (!(uri instanceof vscode.Uri) || typeof line !== 'number' || line < 1) return undefined;
      const pos = new vscode.Position(line - 1, 0);
      return vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true });
    },
  });
  const disposables: vscode.Disposable[] = [
    commands, diagnostics, codeLens, store,
    options.tree.attachInspections(store),
    vscode.languages.registerCodeLensProvider(DOCKERFILE_SELECTOR, codeLens),
  ];
  return { store, diagnostics, codeLens, dispose: () => disposables.forEach((d) => d.dispose()) };
}
