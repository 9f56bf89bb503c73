/**
 * Custom request `shipshape/baseImageAdvice`: the base-image advice of a Dockerfile's shipped
 * FROMs (or of the FROM at a position), for a client's "Compare Base Images". The extension host
 * never parses a Dockerfile: it asks here.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { baseImageAdviceInText, baseImageAdvicesInText, BaseImageAdvice, finalStageFromRange, localizeBaseAdvice } from '../core/baseImages';
import type { FileKind, Range } from '../core/model';
import { finalImageInstructions } from '../core/inspect/history';
import type { BuildInstruction } from '../core/inspect/historyMatch';
import { textLimitProblem } from '../core/limits';
import { BASE_IMAGE_ADVICE_REQUEST, BaseImageAdviceParams, BUILD_INSTRUCTIONS_REQUEST, FINAL_STAGE_REQUEST } from './baseImageProtocol';
import { normalizeLocale } from '../core/l10n';
import { session } from './session';

export { BASE_IMAGE_ADVICE_REQUEST, BUILD_INSTRUCTIONS_REQUEST, FINAL_STAGE_REQUEST };

/** The answer for one document: its advice, or [] for a document that is not an open Dockerfile (the catalogue's phrases in the client's locale). */
export function baseImageAdviceFor(doc: TextDocument | undefined, kind: FileKind | undefined, params: BaseImageAdviceParams): BaseImageAdvice[] {
  if (!doc || kind !== 'dockerfile') return [];
  const locale = normalizeLocale(session.locale);
  const p = params.position;
  if (p && Number.isInteger(p.line) && Number.isInteger(p.character)) {
    const one = baseImageAdviceInText(doc.getText(), p.line, p.character);
    return one ? [localizeBaseAdvice(one, locale)] : [];
  }
  return baseImageAdvicesInText(doc.getText()).map((a) => localizeBaseAdvice(a, locale));
}


/** The final stage's FROM of an open Dockerfile (for the "Inspect image" CodeLens), or null. */
export function finalStageFor(doc: TextDocument | undefined, kind: FileKind | undefined): { range: Range } | null {
  if (!doc || kind !== 'dockerfile') return null;
  const range = finalStageFromRange(doc.getText());
  return range ? { range } : null;
}

/** The final image's instructions of a Dockerfile text ([] for a text over the limits or that cannot be read). */
export function buildInstructionsOf(text: unknown): BuildInstruction[] {
  if (typeof text !== 'string' || textLimitProblem(text)) return [];
  try {
    return finalImageInstructions(text);
  } catch {
    return [];
  }
}

/** Registers the requests on a connection. */
export function registerBaseImageRequests(connection: Connection, documents: TextDocuments<TextDocument>, kindOf: (uri: string, languageId: string) => FileKind | undefined): void {
  connection.onRequest(BASE_IMAGE_ADVICE_REQUEST, (params: BaseImageAdviceParams) => {
    const uri = params?.textDocument?.uri;
    const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
    return baseImageAdviceFor(doc, doc ? kindOf(doc.uri, doc.languageId) : undefined, params ?? { textDocument: { uri: '' } });
  });
  connection.onRequest(BUILD_INSTRUCTIONS_REQUEST, (params: { text?: unknown }) => buildInstructionsOf(params?.text));
  connection.onRequest(FINAL_STAGE_REQUEST, (params: { textDocument?: { uri?: unknown } }) => {
    const uri = params?.textDocument?.uri;
    const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
    return finalStageFor(doc, doc ? kindOf(doc.uri, doc.languageId) : undefined);
  });
}
