/**
 * Custom request `shipshape/baseImageAdvice`: the base-image advice of a Dockerfile's shipped
 * FROMs (or of the FROM at a position), for a client's "Compare Base Images". The extension host
 * never parses a Dockerfile: it asks here.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { baseImageAdviceInText, baseImageAdvicesInText, BaseImageAdvice } from '../core/baseImages';
import type { FileKind } from '../core/model';
import { BASE_IMAGE_ADVICE_REQUEST, BaseImageAdviceParams } from './baseImageProtocol';

export { BASE_IMAGE_ADVICE_REQUEST };

/** The answer for one document: its advice, or [] for a document that is not an open Dockerfile. */
export function baseImageAdviceFor(doc: TextDocument | undefined, kind: FileKind | undefined, params: BaseImageAdviceParams): BaseImageAdvice[] {
  if (!doc || kind !== 'dockerfile') return [];
  const p = params.position;
  if (p && Number.isInteger(p.line) && Number.isInteger(p.character)) {
    const one = baseImageAdviceInText(doc.getText(), p.line, p.character);
    return one ? [one] : [];
  }
  return baseImageAdvicesInText(doc.getText());
}

/** Registers the request on a connection. */
export function registerBaseImageRequests(connection: Connection, documents: TextDocuments<TextDocument>, kindOf: (uri: string, languageId: string) => FileKind | undefined): void {
  connection.onRequest(BASE_IMAGE_ADVICE_REQUEST, (params: BaseImageAdviceParams) => {
    const uri = params?.textDocument?.uri;
    const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
    return baseImageAdviceFor(doc, doc ? kindOf(doc.uri, doc.languageId) : undefined, params ?? { textDocument: { uri: '' } });
  });
}
