/**
 * The quick-fix menu as VS Code shows it. The language server computes every action (the rules'
 * fixes ranked by how many findings they resolve, ignore-line / ignore-file edits, fix-all, the
 * multi-stage refactor) and marks each with `data` (protocol.ts CodeActionData); this middleware
 * only dresses the menu for the editor:
 * - titles of our own entries in the editor's language (`vscode.l10n`);
 * - a snippet fix becomes `editor.insertSnippet` with `keepWhitespace` (LSP edits carry no
 *   snippets; the server's edit has the placeholders' defaults);
 * - where several rules stack on a line, one "Ignore a rule for this file…" picker instead of an
 *   entry per rule, and one "Show documentation…" entry;
 * - at most MAX_ACTIONS entries ("Harden this container" first, as the server ranked them).
 */
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { CodeActionData } from '../server/protocol';
import { supportsKeepWhitespace, snippetToPlainText } from '../server/snippetText';
import type { ShipshapeClient } from './client';
import { ruleIdOf, toRange } from './convert';
import { SHOW_DOCS_COMMAND } from './ruleDocs';

export { SHOW_DOCS_COMMAND };
export const INSERT_SNIPPET_COMMAND = 'shipshape.insertSnippet';
export const IGNORE_IN_FILE_COMMAND = 'shipshape.ignoreRuleInFile';
/** The most entries Shipshape adds to a quick-fix menu. */
export const MAX_ACTIONS = 12;

function dataOf(a: vscode.CodeAction | vscode.Command): CodeActionData | undefined {
  const data = (a as { data?: unknown }).data as CodeActionData | undefined;
  return data && typeof data === 'object' && typeof data.shipshape === 'string' ? data : undefined;
}

/** The menu of one request, from the server's actions (see the file comment). */
export function editorMenu(doc: vscode.TextDocument, items: ReadonlyArray<vscode.CodeAction | vscode.Command>): Array<vscode.CodeAction | vscode.Command> {
  const fixes: vscode.CodeAction[] = [];
  const meta: vscode.CodeAction[] = [];
  const tail: Array<vscode.CodeAction | vscode.Command> = [];
  const lineRules: string[] = [];
  let picker: vscode.CodeAction | undefined;
  let refactor = 0;
  for (const item of items) {
    const data = dataOf(item);
    if (!data || !(item instanceof vscode.CodeAction)) { tail.push(item); continue; }
    const rules = (data.rules ?? []).filter((r) => typeof r === 'string');
    switch (data.shipshape) {
      case 'fix': {
        if (data.snippet && typeof data.snippet.text === 'string') {
          const action = new vscode.CodeAction(item.title, item.kind);
          action.diagnostics = item.diagnostics;
          action.isPreferred = item.isPreferred;
          action.command = { command: INSERT_SNIPPET_COMMAND, title: item.title, arguments: [doc.uri, toRange(data.snippet.range), data.snippet.text] };
          fixes.push(action);
        } else fixes.push(item);
        break;
      }
      case 'ignoreLine': {
        item.title = rules.length === 1 ? vscode.l10n.t('Ignore {0} for this line', rules[0])
          : data.several ? vscode.l10n.t('Ignore the {0} findings on line {1}', rules.length, (data.line ?? 0) + 1)
            : vscode.l10n.t('Ignore the {0} findings on this line', rules.length);
        for (const r of rules) if (!lineRules.includes(r)) lineRules.push(r);
        meta.push(item);
        break;
      }
      case 'ignoreFile': {
        if (data.stacked?.length) {
          // One picker for every rule of the menu (VS Code asks which), where the first stacked line had its entries.
          if (!picker) {
            picker = new vscode.CodeAction(vscode.l10n.t('Ignore a rule for this file…'), vscode.CodeActionKind.QuickFix);
            picker.diagnostics = [];
            meta.push(picker);
          }
          picker.diagnostics!.push(...(item.diagnostics ?? []));
          break;
        }
        item.title = vscode.l10n.t('Ignore {0} for this file', rules[0]);
        meta.push(item);
        break;
      }
      case 'fixAll':
        item.title = vscode.l10n.t('Fix all safe Shipshape problems');
        tail.unshift(item);
        break;
      case 'refactor':
        refactor++;
        tail.unshift(item);
        break;
      default:
        tail.push(item);
    }
  }
  if (picker) picker.command = { command: IGNORE_IN_FILE_COMMAND, title: picker.title, arguments: [doc.uri, [...lineRules]] };
  if (lineRules.length) {
    const title = lineRules.length === 1 ? vscode.l10n.t('Show documentation for {0}', lineRules[0]) : vscode.l10n.t('Show documentation…');
    const docs = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    docs.command = { command: SHOW_DOCS_COMMAND, title, arguments: [[...lineRules]] };
    meta.push(docs);
  }
  const room = MAX_ACTIONS - meta.length - refactor;
  return [...fixes.slice(0, Math.max(1, room)), ...meta, ...tail];
}

export function codeActionsMiddleware(): Pick<Middleware, 'provideCodeActions'> {
  return {
    provideCodeActions: async (document, range, context, token, next) => {
      const items = await next(document, range, context, token);
      return items ? editorMenu(document, items) : items;
    },
  };
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

/** "Ignore a rule for this file…": asks which of the line's rules, then applies the server's file directive for it. */
export async function ignoreRuleInFile(client: ShipshapeClient, uri: unknown, ruleIds: unknown, chosen?: unknown): Promise<boolean> {
  if (!(uri instanceof vscode.Uri) || !Array.isArray(ruleIds)) return false;
  const ids = ruleIds.filter((x): x is string => typeof x === 'string' && /^[A-Za-z0-9._:-]+$/.test(x));
  let id = typeof chosen === 'string' && ids.includes(chosen) ? chosen : undefined;
  if (!id) {
    id = (await vscode.window.showQuickPick(ids, { placeHolder: vscode.l10n.t('Ignore which rule in the whole file?') }))?.trim();
  }
  if (!id) return false;
  const doc = await vscode.workspace.openTextDocument(uri);
  const ds = vscode.languages.getDiagnostics(uri).filter((d) => ruleIdOf(d) === id);
  const lc = await client.ready;
  if (!lc || !ds.length) return false;
  const c2p = lc.code2ProtocolConverter;
  const actions = await client.request<Array<{ edit?: unknown; data?: CodeActionData }>>('textDocument/codeAction', {
    textDocument: { uri: c2p.asUri(doc.uri) },
    range: c2p.asRange(ds[0].range),
    context: { diagnostics: await c2p.asDiagnostics(ds), only: [vscode.CodeActionKind.QuickFix.value] },
  });
  const action = actions?.find((a) => a.data?.shipshape === 'ignoreFile' && a.data.rules?.[0] === id && a.edit);
  if (!action) return false;
  const edit = await lc.protocol2CodeConverter.asWorkspaceEdit(action.edit as Parameters<typeof lc.protocol2CodeConverter.asWorkspaceEdit>[0]);
  return edit ? vscode.workspace.applyEdit(edit) : false;
}
