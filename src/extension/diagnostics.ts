/**
 * Keeps Shipshape diagnostics in sync with open documents: on open, on change (debounced;
 * the latest edit wins, a result computed for an older version is dropped), cleared on close.
 * The analysis itself is the core's `analyze`; this class only decides when and for whom.
 */
import * as vscode from 'vscode';
import { analyze, FileKind, Finding } from '../core';
import { brokenManifestFindings } from '../core/yamlProblems';
import { ConfigProvider } from './settings';
import { documentKind, isChartTemplate, isExcluded } from './documents';
import { toDiagnostic } from './convert';

/** What the last analysis of a document found, for code actions, hovers and the status item. */
export interface DocumentState {
  version: number;
  kind: FileKind;
  findings: Finding[];
  /** Why the document was not analysed, if it was not. */
  skipped?: 'disabled' | 'excluded' | 'tooLarge' | 'binary' | 'notApplicable' | 'template' | 'limit';
  /** The engine's reason when it did not analyse the text (size, binary, a Helm template…). */
  reason?: string;
}

const DEBOUNCE_MS = 200;


/** The state of a text the engine skipped, from its skip kind (or, from older engines, its reason). */
function skippedState(reason: string, skipKind: string | undefined): DocumentState['skipped'] {
  switch (skipKind) {
    case 'template': return 'template';
    case 'limit': return 'limit';
    case 'binary': return 'binary';
    case 'size': return 'tooLarge';
  }
  return reason.startsWith('binary') ? 'binary' : 'tooLarge';
}

export class DiagnosticsManager implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('shipshape');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly states = new Map<string, DocumentState>();
  /** Validation runs per document; a run that finishes after a newer one started is dropped. */
  private readonly runs = new Map<string, number>();
  /** Open documents last analysed as Kubernetes manifests (so a broken edit is told apart from YAML that never was one). */
  private readonly manifests = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's diagnostics were updated or cleared. */
  readonly onDidUpdate = this.emitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly config: ConfigProvider,
    private readonly docsUri: (ruleId: string) => vscode.Uri | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables = [
      this.collection,
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS); }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      config.onDidChange(() => this.revalidateAll()),
    ];
    this.revalidateAll();
  }

  /** The last analysis of a document, when it is current. */
  stateOf(doc: vscode.TextDocument): DocumentState | undefined {
    const s = this.states.get(doc.uri.toString());
    return s && s.version === doc.version ? s : undefined;
  }

  /** Re-analyses every open document now (settings or `.shipshape.yaml` changed). */
  revalidateAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** Analyses a document right away and resolves when its diagnostics are published. */
  async validateNow(doc: vscode.TextDocument): Promise<void> {
    this.cancelTimer(doc.uri);
    await this.validate(doc);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!documentKind(doc)) return;
    this.cancelTimer(doc.uri);
    const key = doc.uri.toString();
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.validate(doc).catch((e) => this.log.error(`validation failed for ${doc.uri.toString(true)}: ${e}`));
    }, delay));
  }

  private cancelTimer(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private async validate(doc: vscode.TextDocument): Promise<void> {
    const kind = documentKind(doc);
    if (!kind || doc.isClosed) return;
    const version = doc.version;
    // Numbered before any early return, so a disabled run also supersedes one still reading its config.
    const run = this.nextRun(doc.uri);
    if (!this.config.isEnabled(doc.uri)) return this.publish(doc, { version, kind, findings: [], skipped: 'disabled' });
    const config = await this.config.configFor(doc.uri);
    const chartTemplate = kind === 'kubernetes' && await isChartTemplate(doc.uri);
    // A newer edit, a close, or a newer run (setting change) while the config was read: that one wins.
    if (doc.isClosed || doc.version !== version || this.runs.get(doc.uri.toString()) !== run) return;
    if (isExcluded(doc, config.exclude)) return this.publish(doc, { version, kind, findings: [], skipped: 'excluded' });
    const started = Date.now();
    const result = analyze(doc.getText(), kind, config, chartTemplate ? { chartTemplate } : undefined);
    const elapsed = Date.now() - started;
    if (elapsed > 500) this.log.warn(`analysis of ${doc.uri.toString(true)} took ${elapsed} ms`);
    for (const err of result.errors) this.log.error(`rule ${err.ruleId} failed on ${doc.uri.toString(true)}: ${err.message}`);
    let skipped: DocumentState['skipped'];
    let findings = result.findings;
    const key = doc.uri.toString();
    if (result.skipped) {
      skipped = skippedState(result.skipped, (result as { skipKind?: string }).skipKind);
      this.log.info(`${doc.uri.toString(true)} not analysed: ${result.skipped}`);
    } else if (result.notApplicable) {
      // A manifest an edit broke near the top (`kind:`, the first indentation) no longer reads
      // as Kubernetes: say why its findings went rather than "not a Kubernetes manifest".
      const broken = kind === 'kubernetes' && this.manifests.has(key) ? brokenManifestFindings(doc.getText(), config, (m) => vscode.l10n.t('YAML error: {0}. Until it parses, Shipshape cannot check this manifest.', m)) : [];
      if (broken.length) findings = broken;
      else { skipped = 'notApplicable'; this.manifests.delete(key); }
    } else if (kind === 'kubernetes') {
      this.manifests.add(key);
    }
    this.publish(doc, { version, kind, findings, skipped, reason: result.skipped });
  }

  private nextRun(uri: vscode.Uri): number {
    const run = (this.runs.get(uri.toString()) ?? 0) + 1;
    this.runs.set(uri.toString(), run);
    return run;
  }

  private publish(doc: vscode.TextDocument, state: DocumentState): void {
    if (doc.isClosed) return;
    this.states.set(doc.uri.toString(), state);
    this.collection.set(doc.uri, state.findings.map((f) => toDiagnostic(f, doc.uri, this.docsUri)));
    this.emitter.fire(doc.uri);
  }

  /**
   * Publishes findings of a file read from disk (the workspace check). An open document's own
   * analysis wins: nothing is published for it.
   */
  publishFromDisk(uri: vscode.Uri, findings: readonly Finding[]): boolean {
    if (vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === uri.toString())) return false;
    this.collection.set(uri, findings.map((f) => toDiagnostic(f, uri, this.docsUri)));
    return true;
  }

  /** Removes the diagnostics of a file that is not open (deleted, or excluded since). */
  clearFromDisk(uri: vscode.Uri): void {
    if (vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === uri.toString())) return;
    this.collection.delete(uri);
  }

  private clear(uri: vscode.Uri): void {
    this.cancelTimer(uri);
    this.states.delete(uri.toString());
    this.runs.delete(uri.toString());
    this.manifests.delete(uri.toString());
    this.collection.delete(uri);
    this.emitter.fire(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
