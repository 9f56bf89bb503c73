/** Which documents Shipshape analyses, and as what. */
import * as vscode from 'vscode';
import { detectFileKind, FileKind } from '../core';

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { language: 'yaml' },
  // The Docker extension's language for Compose files.
  { language: 'dockercompose' },
  { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile,Dockerfile.*,Dockerfile-*,Containerfile.*,Containerfile-*}' },
];

/** The kind of a document, or undefined when Shipshape has nothing to say about it. */
export function documentKind(doc: vscode.TextDocument): FileKind | undefined {
  if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-scm' || doc.uri.scheme === 'git') return undefined;
  const name = doc.uri.path;
  if (doc.languageId === 'dockerfile' || doc.languageId === 'yaml' || doc.languageId === 'dockercompose') return detectFileKind(name, doc.languageId);
  return detectFileKind(name) === 'dockerfile' ? 'dockerfile' : undefined;
}

/** Whether a document matches one of the `shipshape.exclude` globs (relative to its folder). */
export function isExcluded(doc: vscode.TextDocument, globs: readonly string[]): boolean {
  return isExcludedUri(doc.uri, globs);
}

/** Whether a file matches one of the `shipshape.exclude` globs (relative to its folder). */
export function isExcludedUri(uri: vscode.Uri, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const rel = folder ? vscode.workspace.asRelativePath(uri, false) : uri.path.replace(/^\//, '');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const picomatch = require('picomatch') as typeof import('picomatch');
    return picomatch(globs as string[], { dot: true })(rel);
  } catch {
    return false;
  }
}

const chartDirs = new Map<string, Promise<boolean>>();

/**
 * Whether a YAML file sits in the `templates/` directory of a Helm chart (a `Chart.yaml` next to
 * that directory): such a file is a template until `helm template` renders it.
 */
export function isChartTemplate(uri: vscode.Uri): Promise<boolean> {
  const parts = uri.path.split('/');
  const i = parts.lastIndexOf('templates');
  if (i <= 0 || i === parts.length - 1) return Promise.resolve(false);
  const chart = uri.with({ path: `${parts.slice(0, i).join('/')}/Chart.yaml` });
  const key = chart.toString();
  let pending = chartDirs.get(key);
  if (!pending) {
    pending = Promise.resolve(vscode.workspace.fs.stat(chart)).then(() => true, () => false);
    chartDirs.set(key, pending);
    // A chart created or removed later is seen after a minute.
    setTimeout(() => chartDirs.delete(key), 60_000);
  }
  return pending;
}
