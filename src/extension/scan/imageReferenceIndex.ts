/**
 * The image references of an open document, computed once per document version and shared by
 * the CodeLens and the scan diagnostics (each used to parse the document on its own). The core's
 * findImageReferences applies the engine's limits (size, binary, YAML that cannot be Kubernetes),
 * so a 20 MB lockfile is never composed on the extension host.
 */
import * as vscode from 'vscode';
import { EDITOR_TIME_BUDGET_MS } from '../../core/limits';
import { findImageReferences, ImageReference } from '../../core/imageReferences';
import { documentKind } from '../documents';

const MAX_ENTRIES = 32;
const cache = new Map<string, { version: number; refs: ImageReference[] }>();

/** Called when reading a document's references took longer than the editor's time budget. */
let onSlow: ((uri: vscode.Uri, ms: number) => void) | undefined;

/** Where slow reads are reported (the output channel). */
export function reportSlowImageReferences(callback: ((uri: vscode.Uri, ms: number) => void) | undefined): void {
  onSlow = callback;
}

/** The image references of a document's current version; [] when cancelled or not a Dockerfile/manifest. */
export function imageReferencesOf(doc: vscode.TextDocument, token?: vscode.CancellationToken): ImageReference[] {
  const kind = documentKind(doc);
  if (!kind || token?.isCancellationRequested) return [];
  const key = doc.uri.toString();
  const hit = cache.get(key);
  if (hit && hit.version === doc.version) return hit.refs;
  const started = Date.now();
  const refs = findImageReferences(doc.getText(), kind);
  const elapsed = Date.now() - started;
  if (elapsed > EDITOR_TIME_BUDGET_MS) onSlow?.(doc.uri, elapsed);
  cache.delete(key);
  cache.set(key, { version: doc.version, refs });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return token?.isCancellationRequested ? [] : refs;
}

/** Drops a closed document's entry. */
export function forgetImageReferences(uri: vscode.Uri): void {
  cache.delete(uri.toString());
}
