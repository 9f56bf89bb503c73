/** Which documents Shipshape looks at, and as what (by name and language only: the server reads them). */
import * as vscode from 'vscode';
import { detectFileKind, DOCKERFILE_NAME_GROUP } from '../core/fileKind';
import type { FileKind } from '../core/model';

const DOCKERFILE_NAMES = `**/${DOCKERFILE_NAME_GROUP}`;
/** Dockerfiles, by language or by name: where the Dockerfile-only features (CodeLens, compare) apply. */
export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [{ language: 'dockerfile' }, { pattern: DOCKERFILE_NAMES }];
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
