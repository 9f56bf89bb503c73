/** Which documents Shipshape looks at, and as what (by name and language only: the server reads them). */
import * as vscode from 'vscode';
import { detectFileKind } from '../core/fileKind';
import type { FileKind } from '../core/model';

const DOCKERFILE_NAMES = '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,*.containerfile,Dockerfile.*,Dockerfile-*,Containerfile.*,Containerfile-*}';
const LANGUAGES = ['dockerfile', 'yaml', 'dockercompose'];

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  ...LANGUAGES.map((language) => ({ language })),
  { pattern: DOCKERFILE_NAMES },
];

/**
 * The documents the language client syncs to the server: files, untitled documents and virtual
 * workspaces' files, not the Git, SCM input or output views of the same text.
 */
const SCHEMES = ['file', 'untitled', 'vscode-vfs'];
export const LANGUAGE_CLIENT_SELECTOR = SCHEMES.flatMap((scheme) => [
  ...LANGUAGES.map((language) => ({ scheme, language })),
  { scheme, pattern: DOCKERFILE_NAMES },
]);

/** The kind of a document, or undefined when Shipshape has nothing to say about it. */
export function documentKind(doc: vscode.TextDocument): FileKind | undefined {
  if (!SCHEMES.includes(doc.uri.scheme)) return undefined;
  const name = doc.uri.path;
  if (LANGUAGES.includes(doc.languageId)) return detectFileKind(name, doc.languageId);
  return detectFileKind(name) === 'dockerfile' ? 'dockerfile' : undefined;
}
