/**
 * Code actions on Shipshape diagnostics: the rule's own fixes (from the core), "ignore for this
 * line / file" (suppression comments) and "show documentation"; plus `source.fixAll.shipshape`.
 * Every edit is a WorkspaceEdit, so it is undoable like typing.
 */
import * as vscode from 'vscode';
import { Finding, Fix } from '../core';
import { fixAll, minimalEdit } from '../core/fix';
import { suppressionEdit } from '../core/suppressEdit';
import { DiagnosticsManager } from './diagnostics';
import { ConfigProvider } from './settings';
import { documentKind } from './documents';
import { fromRange, ruleIdOf, toRange, toWorkspaceEdit } from './convert';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('shipshape');
export const INSERT_SNIPPET_COMMAND = 'shipshape.insertSnippet';
export const SHOW_DOCS_COMMAND = 'shipshape.showRuleDocumentation';

function sameRange(a: vscode.Range, f: Finding): boolean {
  const r = fromRange(a);
  return r.start.line === f.range.start.line && r.start.character === f.range.start.character
    && r.end.line === f.range.end.line && r.end.character === f.range.end.character;
}

export class ShipshapeCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite, FIX_ALL_KIND],
  };

  constructor(private readonly diagnostics: DiagnosticsManager, private readonly config: ConfigProvider) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const kind = documentKind(doc);
    if (!kind) return [];
    if (context.only && FIX_ALL_KIND.contains(context.only) || context.only?.contains(FIX_ALL_KIND)) {
      const action = await this.fixAllAction(doc, token);
      return action ? [action] : [];
    }
    const state = this.diagnostics.stateOf(doc);
    if (!state) return [];
    const actions: vscode.CodeAction[] = [];
    const seenFixes = new Set<string>();
    const seenRules = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const ruleId = ruleIdOf(diagnostic);
      if (!ruleId) continue;
      const finding = state.findings.find((f) => f.ruleId === ruleId && sameRange(diagnostic.range, f));
      for (const fix of finding?.fixes ?? []) {
        const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
        if (seenFixes.has(key)) continue;
        seenFixes.add(key);
        actions.push(this.fixAction(doc, fix, diagnostic));
      }
      if (seenRules.has(ruleId)) continue;
      seenRules.add(ruleId);
      const text = doc.getText();
      const lineAction = new vscode.CodeAction(vscode.l10n.t('Ignore {0} for this line', ruleId), vscode.CodeActionKind.QuickFix);
      lineAction.edit = toWorkspaceEdit(doc.uri, [suppressionEdit(text, kind, ruleId, 'line', diagnostic.range.start.line)]);
      lineAction.diagnostics = [diagnostic];
      const fileAction = new vscode.CodeAction(vscode.l10n.t('Ignore {0} for this file', ruleId), vscode.CodeActionKind.QuickFix);
      fileAction.edit = toWorkspaceEdit(doc.uri, [suppressionEdit(text, kind, ruleId, 'file', 0)]);
      fileAction.diagnostics = [diagnostic];
      const docsAction = new vscode.CodeAction(vscode.l10n.t('Show documentation for {0}', ruleId), vscode.CodeActionKind.QuickFix);
      docsAction.command = { command: SHOW_DOCS_COMMAND, title: docsAction.title, arguments: [ruleId] };
      actions.push(lineAction, fileAction, docsAction);
    }
    if (kind === 'dockerfile' && (!context.only || context.only.contains(vscode.CodeActionKind.RefactorRewrite) || vscode.CodeActionKind.RefactorRewrite.contains(context.only))) {
      const refactor = await this.multiStageAction(doc);
      if (refactor && !actions.some((a) => a.title === refactor.title)) actions.push(refactor);
    }
    return actions;
  }

  /** "Convert to a multi-stage build", offered on any single-stage toolchain Dockerfile. */
  private async multiStageAction(doc: vscode.TextDocument): Promise<vscode.CodeAction | undefined> {
    const config = await this.config.configFor(doc.uri);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { convertToMultiStage } = require('../core/dockerfile') as typeof import('../core/dockerfile');
    const fix = convertToMultiStage(doc.getText(), config);
    return fix ? this.fixAction(doc, fix) : undefined;
  }

  /** A core fix as a code action: a WorkspaceEdit, or a command inserting it when it is a snippet. */
  private fixAction(doc: vscode.TextDocument, fix: Fix, diagnostic?: vscode.Diagnostic): vscode.CodeAction {
    const kind = fix.kind === 'refactor' ? vscode.CodeActionKind.RefactorRewrite : vscode.CodeActionKind.QuickFix;
    const action = new vscode.CodeAction(fix.title, kind);
    if (diagnostic) action.diagnostics = [diagnostic];
    action.isPreferred = Boolean(fix.preferred);
    if (fix.snippet && fix.edits.length === 1) {
      const e = fix.edits[0];
      action.command = { command: INSERT_SNIPPET_COMMAND, title: fix.title, arguments: [doc.uri, toRange(e.range), e.newText] };
    } else {
      action.edit = toWorkspaceEdit(doc.uri, fix.edits);
    }
    return action;
  }

  private async fixAllAction(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeAction | undefined> {
    const kind = documentKind(doc);
    if (!kind || !this.config.isEnabled(doc.uri)) return undefined;
    const config = await this.config.configFor(doc.uri);
    if (token.isCancellationRequested) return undefined;
    const before = doc.getText();
    const { text, applied } = fixAll(before, kind, config);
    const edit = minimalEdit(before, text);
    if (!edit || applied.length === 0) return undefined;
    const action = new vscode.CodeAction(vscode.l10n.t('Fix all safe Shipshape problems'), FIX_ALL_KIND);
    action.edit = toWorkspaceEdit(doc.uri, [edit]);
    return action;
  }
}

/** Inserts a snippet fix (placeholders for values Shipshape cannot know) into the editor. */
export async function insertSnippet(uri: vscode.Uri, range: vscode.Range, snippet: string): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri);
  await editor.insertSnippet(new vscode.SnippetString(snippet), range);
}
