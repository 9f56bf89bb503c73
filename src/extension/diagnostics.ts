/**
 * Shipshape's diagnostics in VS Code come from the language server (pushed into the `shipshape`
 * collection by the language client). This class keeps what the server says about each open
 * document (DOCUMENT_STATE_NOTIFICATION) for the language status and the API, shows the rules'
 * shipped documentation pages as the diagnostics' code links, and asks the server for a
 * document's full state. No analysis happens here.
 */
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import {
  diagnosticsFingerprint, DOCUMENT_STATE_NOTIFICATION, DOCUMENT_STATE_REQUEST, DocumentState, DocumentStateParams, DocumentSummary,
} from '../server/protocol';
import type { ShipshapeClient } from './client';
import { DIAGNOSTIC_SOURCE, ruleIdOf } from './convert';
import { documentKind } from './documents';

export type { DocumentState, DocumentSummary };

export class DiagnosticsManager implements vscode.Disposable {
  private readonly summaries = new Map<string, DocumentSummary>();
  /** Summaries whose diagnostics are still being converted by the client (applied when they are shown). */
  private readonly pending = new Map<string, DocumentSummary>();
  /** The fingerprint of the diagnostics last shown per document. */
  private readonly shown = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's state was updated or cleared. */
  readonly onDidUpdate = this.emitter.event;
  private readonly disposables: vscode.Disposable[];
  /** When each document was opened (documents open at activation: the activation). */
  private readonly openedAt = new Map<string, number>();
  private readonly since = performance.now();
  /**
   * How long the first document's diagnostics took to show: from its opening (or the activation,
   * for a document already open) to its first state. Set once, for the integration tests and the log.
   */
  firstDiagnostic: { uri: string; ms: number } | undefined;

  constructor(
    private readonly client: ShipshapeClient,
    private readonly docsUri: (ruleId: string) => vscode.Uri | undefined,
  ) {
    this.disposables = [
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => { if (!this.openedAt.has(d.uri.toString())) this.openedAt.set(d.uri.toString(), performance.now()); }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.openedAt.delete(key);
        this.pending.delete(key);
        if (this.summaries.delete(key)) this.emitter.fire(d.uri);
      }),
    ];
  }

  /** The language client's diagnostics hook: the docs links (the server writes the messages in the editor's locale), then the state that goes with them. */
  middleware(): Pick<Middleware, 'handleDiagnostics'> {
    return {
      handleDiagnostics: (uri, diagnostics, next) => {
        for (const d of diagnostics) {
          if (d.source !== DIAGNOSTIC_SOURCE) continue;
          const id = ruleIdOf(d);
          const target = id ? this.docsUri(id) : undefined;
          if (id) d.code = target ? { value: id, target } : id;
        }
        next(uri, diagnostics);
        const key = uri.toString();
        this.shown.set(key, diagnosticsFingerprint(diagnostics.map((d) => ({ code: ruleIdOf(d) ?? String(typeof d.code === 'object' ? d.code.value : d.code), line: d.range.start.line, character: d.range.start.character }))));
        this.applyPending(key);
      },
    };
  }

  /** Subscribes to the server's document states (once the client runs). */
  attach(client: LanguageClient): void {
    this.disposables.push(client.onNotification(DOCUMENT_STATE_NOTIFICATION, (s: DocumentSummary) => {
      if (!s || typeof s.uri !== 'string') return;
      this.pending.set(s.uri, s);
      this.applyPending(s.uri);
    }));
  }

  private applyPending(key: string): void {
    const s = this.pending.get(key);
    if (!s || this.shown.get(key) !== s.fingerprint) return;
    this.pending.delete(key);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!doc || doc.isClosed) return;
    this.summaries.set(key, s);
    if (!this.firstDiagnostic) this.firstDiagnostic = { uri: key, ms: performance.now() - (this.openedAt.get(key) ?? this.since) };
    this.emitter.fire(doc.uri);
  }

  /** What the server's last analysis of a document found, when it is of the current version and its diagnostics are shown. */
  summaryOf(doc: vscode.TextDocument): DocumentSummary | undefined {
    const s = this.summaries.get(doc.uri.toString());
    return s && s.version === doc.version ? s : undefined;
  }

  /**
   * The full state (findings with their fixes) of the document's current version, waiting for its
   * analysis; undefined for a document Shipshape does not read.
   */
  async stateOf(doc: vscode.TextDocument, now = false): Promise<DocumentState | undefined> {
    if (!documentKind(doc)) return undefined;
    for (let attempt = 0; attempt < 20 && !doc.isClosed; attempt++) {
      const version = doc.version;
      const params: DocumentStateParams = { textDocument: { uri: doc.uri.toString(), version }, ...(now ? { now: true } : {}) };
      const state = await this.client.request<DocumentState | null>(DOCUMENT_STATE_REQUEST, params);
      if (state && state.version === doc.version) {
        // Resolve once the diagnostics that go with it are shown (the client converts them after the answer may arrive).
        await this.shownState(doc, state);
        return state;
      }
      if (doc.version === version && !state) return undefined;
    }
    return undefined;
  }

  private async shownState(doc: vscode.TextDocument, state: DocumentState): Promise<void> {
    const deadline = Date.now() + 5000;
    const key = doc.uri.toString();
    while (Date.now() < deadline && !doc.isClosed && doc.version === state.version) {
      const s = this.summaries.get(key);
      if (s && s.version === state.version && s.fingerprint === state.fingerprint) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Analyses a document now (no typing pause) and resolves when its diagnostics are shown. */
  async validateNow(doc: vscode.TextDocument): Promise<void> {
    await this.stateOf(doc, true);
  }

  /** Every open document analysed again ("Shipshape: Revalidate"). */
  async revalidateAll(): Promise<void> {
    const client = await this.client.ready;
    await client?.sendNotification('workspace/didChangeConfiguration', { settings: null }).catch(() => undefined);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
