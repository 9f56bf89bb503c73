/**
 * The image references of an open document, from the language server (IMAGE_REFERENCES_REQUEST:
 * `FROM` images with ARGs resolved, container `image:` values, within the engine's limits),
 * asked once per document version and shared by the CodeLens and the scan diagnostics. Nothing
 * here parses the document.
 */
import * as vscode from 'vscode';
import { IMAGE_REFERENCES_REQUEST, ImageReferenceInfo } from '../../server/protocol';
import { documentKind } from '../documents';

export type { ImageReferenceInfo };

const MAX_ENTRIES = 32;
const cache = new Map<string, { version: number; refs: Promise<ImageReferenceInfo[]> }>();

type Source = (method: string, params: unknown, token?: vscode.CancellationToken) => Promise<unknown>;
let source: Source | undefined;

/** Where the references come from (the language client); undefined: none (every document has none). */
export function setImageReferenceSource(request: Source | undefined): void {
  source = request;
  cache.clear();
}

/** Called when reading a document's references took longer than the editor's time budget. */
let onSlow: ((uri: vscode.Uri, ms: number) => void) | undefined;
const SLOW_MS = 500;

/** Where slow reads are reported (the output channel). */
export function reportSlowImageReferences(callback: ((uri: vscode.Uri, ms: number) => void) | undefined): void {
  onSlow = callback;
}

function isReference(r: unknown): r is ImageReferenceInfo {
  const x = r as ImageReferenceInfo;
  return Boolean(x) && typeof x.reference === 'string' && Boolean(x.range?.start) && Boolean(x.range?.end);
}

/** The image references of a document's current version; [] when cancelled, not a Dockerfile/manifest, or the server is not running. */
export async function imageReferencesOf(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<ImageReferenceInfo[]> {
  if (!documentKind(doc) || token?.isCancellationRequested || !source) return [];
  const key = doc.uri.toString();
  const hit = cache.get(key);
  if (hit && hit.version === doc.version) return hit.refs;
  const started = Date.now();
  const ask = source;
  // Not tied to the caller's token: the answer is shared by every caller of this version.
  const entry: { version: number; refs: Promise<ImageReferenceInfo[]> } = { version: doc.version, refs: Promise.resolve([]) };
  // A failed request (the server not running yet, restarting) is not remembered: the next caller asks again.
  const forget = () => { if (cache.get(key) === entry) cache.delete(key); return [] as ImageReferenceInfo[]; };
  const refs = ask(IMAGE_REFERENCES_REQUEST, { textDocument: { uri: key } }).then((answer) => {
    const elapsed = Date.now() - started;
    if (elapsed > SLOW_MS) onSlow?.(doc.uri, elapsed);
    return Array.isArray(answer) ? answer.filter(isReference).map((r) => ({ ...r, kind: r.kind === 'from' ? 'from' as const : 'image' as const })) : forget();
  }, forget);
  entry.refs = refs;
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  const out = await refs;
  return token?.isCancellationRequested ? [] : out;
}

/** Drops a closed document's entry. */
export function forgetImageReferences(uri: vscode.Uri): void {
  cache.delete(uri.toString());
}
