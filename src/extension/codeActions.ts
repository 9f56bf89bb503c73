/**
 * Code actions on Shipshape diagnostics: the rules' own fixes (from the core), ignore comments
 * and the rule documentation; plus `source.fixAll.shipshape`. Every edit is a WorkspaceEdit, so
 * it is undoable like typing.
 *
 * A bare container carries many findings on one line, so the menu is built for the line, not
 * per finding: fixes that resolve the most (and the most severe) findings first ("Harden this
 * container" before the single fixes), each fix once; one "ignore" entry per line where several
 * rules stack; one "Show documentation…" that asks which rule. At most MAX_ACTIONS entries.
 */
import * as vscode from 'vscode';
import { FileKind, Finding, Fix, severityRank } from '../core';
import { fixAll, minimalEdit } from '../core/fix';
import { EDITOR_TIME_BUDGET_MS } from '../core/limits';

/** fix-all re-analyses after each pass; past this it stops with what it has (a save must not hang). */
const FIX_ALL_BUDGET_MS = 4 * EDITOR_TIME_BUDGET_MS;
import { suppressionEdit } from '../core/suppressEdit';
import { DiagnosticsManager } from './diagnostics';
import { ConfigProvider } from './settings';
import { documentKind } from './documents';
import { fromRange, ruleIdOf, toRange, toWorkspaceEdit } from './convert';
import { SHOW_DOCS_COMMAND } from './ruleDocs';
import { snippetToPlainText, supportsKeepWhitespace } from './snippetText';

export { SHOW_DOCS_COMMAND };
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('shipshape');
export const INSERT_SNIPPET_COMMAND = 'shipshape.insertSnippet';
export const IGNORE_IN_FILE_COMMAND = 'shipshape.ignoreRuleInFile';
/** The most entries Shipshape adds to a quick-fix menu. */
export const MAX_ACTIONS = 12;

function sameRange(a: vscode.Range, f: Finding): boolean {
  const r = fromRange(a);
  return r.start.line === f.range.start.line && r.start.character === f.range.start.character
    && r.end.line === f.range.end.line && r.end.character === f.range.end.character;
}

interface Hit { diagnostic: vscode.Diagnostic; finding: Finding }
interface FixEntry { fix: Fix; hits: Hit[]; rank: number; order: number }

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
    const hits: Hit[] = [];
    for (const diagnostic of context.diagnostics) {
      const ruleId = ruleIdOf(diagnostic);
      if (!ruleId) continue;
      const finding = state.findings.find((f) => f.ruleId === ruleId && sameRange(diagnostic.range, f));
      if (finding) hits.push({ diagnostic, finding });
    }
    const wants = (k: vscode.CodeActionKind) => !context.only || context.only.contains(k) || k.contains(context.only);
    const refactor = kind === 'dockerfile' && wants(vscode.CodeActionKind.RefactorRewrite) ? await this.multiStageAction(doc) : undefined;
    const actions: vscode.CodeAction[] = [];
    if (hits.length > 0 && wants(vscode.CodeActionKind.QuickFix)) {
      const meta = this.metaActions(doc, kind, hits);
      const room = MAX_ACTIONS - meta.length - (refactor ? 1 : 0);
      const fixes = this.rankedFixes(hits).slice(0, Math.max(1, room));
      const rules = new Set(hits.map((h) => h.finding.ruleId)).size;
      for (const e of fixes) {
        const action = this.fixAction(doc, e.fix, e.hits.map((h) => h.diagnostic));
        // VS Code lists preferred actions first and auto-fixes with them: only a fix that resolves
        // everything under the cursor keeps the core's preference, so the ranking above holds.
        action.isPreferred = Boolean(e.fix.preferred) && e.hits.length === rules;
        actions.push(action);
      }
      actions.push(...meta);
    }
    if (refactor) actions.push(refactor);
    return actions;
  }

  /**
   * Each distinct fix once, with every finding it resolves; ordered by how many findings it
   * resolves, then by the most severe of them, then preferred fixes, then as reported.
   */
  private rankedFixes(hits: Hit[]): FixEntry[] {
    const byKey = new Map<string, FixEntry>();
    for (const hit of hits) {
      for (const fix of hit.finding.fixes ?? []) {
        if (fix.kind === 'refactor') continue;
        const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { fix, hits: [], rank: -1, order: byKey.size }));
        if (!entry.hits.some((h) => h.finding.ruleId === hit.finding.ruleId)) entry.hits.push(hit);
        entry.rank = Math.max(entry.rank, severityRank(hit.finding.severity));
      }
    }
    return [...byKey.values()].sort((a, b) => b.hits.length - a.hits.length || b.rank - a.rank
      || Number(Boolean(b.fix.preferred)) - Number(Boolean(a.fix.preferred)) || a.order - b.order);
  }

  /** Ignore and documentation entries: per rule where a line has one, per line where several stack. */
  private metaActions(doc: vscode.TextDocument, kind: FileKind, hits: Hit[]): vscode.CodeAction[] {
    const text = doc.getText();
    const actions: vscode.CodeAction[] = [];
    const byLine = new Map<number, Hit[]>();
    for (const hit of [...hits].sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity))) {
      const line = hit.diagnostic.range.start.line;
      const list = byLine.get(line) ?? [];
      if (!list.some((h) => h.finding.ruleId === hit.finding.ruleId)) list.push(hit);
      byLine.set(line, list);
    }
    const several = byLine.size > 1;
    for (const [line, lineHits] of [...byLine].sort((a, b) => a[0] - b[0])) {
      const ruleIds = lineHits.map((h) => h.finding.ruleId);
      const diagnostics = lineHits.map((h) => h.diagnostic);
      if (ruleIds.length === 1) {
        const lineAction = new vscode.CodeAction(vscode.l10n.t('Ignore {0} for this line', ruleIds[0]), vscode.CodeActionKind.QuickFix);
        lineAction.edit = toWorkspaceEdit(doc.uri, [suppressionEdit(text, kind, ruleIds[0], 'line', line)]);
        lineAction.diagnostics = diagnostics;
        const fileAction = new vscode.CodeAction(vscode.l10n.t('Ignore {0} for this file', ruleIds[0]), vscode.CodeActionKind.QuickFix);
        fileAction.edit = toWorkspaceEdit(doc.uri, [suppressionEdit(text, kind, ruleIds[0], 'file', 0)]);
        fileAction.diagnostics = diagnostics;
        actions.push(lineAction, fileAction);
        continue;
      }
      const title = several
        ? vscode.l10n.t('Ignore the {0} findings on line {1}', ruleIds.length, line + 1)
        : vscode.l10n.t('Ignore the {0} findings on this line', ruleIds.length);
      const lineAction = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      lineAction.edit = toWorkspaceEdit(doc.uri, [suppressionEdit(text, kind, ruleIds.join(','), 'line', line)]);
      lineAction.diagnostics = diagnostics;
      const fileAction = new vscode.CodeAction(vscode.l10n.t('Ignore a rule for this file…'), vscode.CodeActionKind.QuickFix);
      fileAction.command = { command: IGNORE_IN_FILE_COMMAND, title: fileAction.title, arguments: [doc.uri, ruleIds] };
      fileAction.diagnostics = diagnostics;
      actions.push(lineAction, fileAction);
    }
    const rules = [...new Set([...byLine.values()].flat().map((h) => h.finding.ruleId))];
    const docsTitle = rules.length === 1 ? vscode.l10n.t('Show documentation for {0}', rules[0]) : vscode.l10n.t('Show documentation…');
    const docsAction = new vscode.CodeAction(docsTitle, vscode.CodeActionKind.QuickFix);
    docsAction.command = { command: SHOW_DOCS_COMMAND, title: docsTitle, arguments: [rules] };
    actions.push(docsAction);
    // Deduplicate the file-level pickers when several lines each offer one.
    const seen = new Set<string>();
    return actions.filter((a) => {
      if (a.command?.command !== IGNORE_IN_FILE_COMMAND) return true;
      if (seen.has(a.title)) return false;
      seen.add(a.title);
      a.command.arguments = [doc.uri, rules];
      return true;
    });
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
  private fixAction(doc: vscode.TextDocument, fix: Fix, diagnostics?: vscode.Diagnostic[]): vscode.CodeAction {
    const kind = fix.kind === 'refactor' ? vscode.CodeActionKind.RefactorRewrite : vscode.CodeActionKind.QuickFix;
    const action = new vscode.CodeAction(fix.title, kind);
    if (diagnostics?.length) action.diagnostics = diagnostics;
    action.isPreferred = Boolean(fix.preferred);
    if (fix.snippet && fix.edits.length === 1) {
      const e = fix.edits[0];
      action.command = { command: INSERT_SNIPPET_COMMAND, title: fix.title, arguments: [doc.uri, toRange(e.range), e.newText] };
    } else if (fix.snippet) {
      // Several edits cannot be one snippet: apply them with the placeholders' defaults.
      action.edit = toWorkspaceEdit(doc.uri, fix.edits.map((e) => ({ range: e.range, newText: snippetToPlainText(e.newText) })));
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
    // Each pass re-analyses the document: stop between passes when cancelled or over budget.
    const deadline = Date.now() + FIX_ALL_BUDGET_MS;
    const { text, applied } = fixAll(before, kind, config, { shouldStop: () => token.isCancellationRequested || Date.now() > deadline });
    if (token.isCancellationRequested) return undefined;
    const edit = minimalEdit(before, text);
    if (!edit || applied.length === 0) return undefined;
    const action = new vscode.CodeAction(vscode.l10n.t('Fix all safe Shipshape problems'), FIX_ALL_KIND);
    action.edit = toWorkspaceEdit(doc.uri, [edit]);
    return action;
  }
}

/**
 * Inserts a snippet fix (placeholders for values Shipshape cannot know) into the editor. The core
 * already indented every line, so the editor must keep the whitespace as it is; a host too old
 * for `keepWhitespace` gets the text with the placeholders' defaults instead.
 */
export async function insertSnippet(uri: vscode.Uri, range: vscode.Range, snippet: string): Promise<boolean> {
  const editor = await vscode.window.showTextDocument(uri);
  if (supportsKeepWhitespace(vscode.version)) {
    const options = { undoStopBefore: true, undoStopAfter: true, keepWhitespace: true };
    return editor.insertSnippet(new vscode.SnippetString(snippet), range, options);
  }
  return editor.edit((b) => b.replace(range, snippetToPlainText(snippet)));
}

/** "Ignore a rule for this file…": asks which of the line's rules, then adds the file directive. */
export async function ignoreRuleInFile(uri: unknown, ruleIds: unknown, chosen?: unknown): Promise<boolean> {
  if (!(uri instanceof vscode.Uri) || !Array.isArray(ruleIds)) return false;
  const ids = ruleIds.filter((x): x is string => typeof x === 'string' && /^[A-Za-z0-9._:-]+$/.test(x));
  let id = typeof chosen === 'string' && ids.includes(chosen) ? chosen : undefined;
  if (!id) {
    id = (await vscode.window.showQuickPick(ids, { placeHolder: vscode.l10n.t('Ignore which rule in the whole file?') }))?.trim();
  }
  if (!id) return false;
  const doc = await vscode.workspace.openTextDocument(uri);
  const kind = documentKind(doc);
  if (!kind) return false;
  return vscode.workspace.applyEdit(toWorkspaceEdit(uri, [suppressionEdit(doc.getText(), kind, id, 'file', 0)]));
}
