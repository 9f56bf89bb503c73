/** Which documents Shipshape analyses, and as what. */
import * as vscode from 'vscode';
import { detectFileKind, FileKind } from '../core';

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { language: 'yaml' },
  { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile,Dockerfile.*,Dockerfile-*,Containerfile.*,Containerfile-*}' },
];

/** The kind of a document, or undefined when Shipshape has nothing to say about it. */
export function documentKind(doc: vscode.TextDocument): FileKind | undefined {
  if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-scm' || doc.uri.scheme === 'git') return undefined;
  const name = doc.uri.path;
  if (doc.languageId === 'dockerfile' || doc.languageId === 'yaml') return detectFileKind(name, doc.languageId);
  return detectFileKind(name) === 'dockerfile' ? 'dockerfile' : undefined;
}

/** Whether a document matches one of the `shipshape.exclude` globs (relative to its folder). */
export function isExcluded(doc: vscode.TextDocument, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const rel = folder ? vscode.workspace.asRelativePath(doc.uri, false) : doc.uri.path.replace(/^\//, '');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const picomatch = require('picomatch') as typeof import('picomatch');
    return picomatch(globs as string[], { dot: true })(rel);
  } catch {
    return false;
  }
}
