/**
 * Commands behind the "Get Started with Shipshape" walkthrough buttons. They only open things:
 * a sample Dockerfile as an untitled document (nothing is written to the workspace) and the
 * quick-fix menu on its first finding. Each step completes on its command (package.json).
 */
import * as vscode from 'vscode';
import { DiagnosticsManager } from './diagnostics';
import { documentKind } from './documents';
import { DIAGNOSTIC_SOURCE } from './convert';

export const OPEN_SAMPLE_COMMAND = 'shipshape.walkthrough.openSample';
export const SHOW_FIXES_COMMAND = 'shipshape.walkthrough.showFixes';

const SAMPLE = [
  '# A Dockerfile with problems Shipshape finds and fixes.',
  'FROM node:20',
  'WORKDIR /app',
  'ADD server.js /app/server.js',
  'RUN apt-get update && apt-get install curl',
  'CMD ["node", "server.js"]',
  '',
].join('\n');

/** Opens the sample Dockerfile and resolves with its editor. */
export async function openSample(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: SAMPLE });
  return vscode.window.showTextDocument(doc);
}

/**
 * Puts the cursor on the first Shipshape finding of the active editor (the sample when no
 * Dockerfile or manifest is active) and opens the quick-fix menu there.
 */
export async function showFixes(diagnostics: DiagnosticsManager): Promise<boolean> {
  let editor = vscode.window.activeTextEditor;
  if (!editor || !documentKind(editor.document)) editor = await openSample();
  const doc = editor.document;
  await diagnostics.validateNow(doc);
  const first = vscode.languages.getDiagnostics(doc.uri)
    .filter((d) => d.source === DIAGNOSTIC_SOURCE)
    .sort((a, b) => a.range.start.compareTo(b.range.start))[0];
  if (!first) return false;
  editor.selection = new vscode.Selection(first.range.start, first.range.start);
  editor.revealRange(first.range);
  await vscode.commands.executeCommand('editor.action.quickFix');
  return true;
}
