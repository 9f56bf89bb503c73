/** The language server's base-image advice for a document, as the compare feature and the hover ask for it. */
import type * as vscode from 'vscode';
import { BASE_IMAGE_ADVICE_REQUEST, BaseImageAdvice, BaseImageAdviceParams } from '../../server/baseImageProtocol';

/** Sends a request to the language server (undefined when it is not running). */
export type ServerRequest = (method: string, params: unknown, token?: vscode.CancellationToken) => Promise<unknown>;

/** The server's base-image advice for a document (at a position, or every shipped FROM). */
export async function adviceOf(request: ServerRequest, doc: vscode.TextDocument, position?: { line: number; character: number }, token?: vscode.CancellationToken): Promise<BaseImageAdvice[]> {
  const params: BaseImageAdviceParams = { textDocument: { uri: doc.uri.toString() }, position };
  const answer = await request(BASE_IMAGE_ADVICE_REQUEST, params, token).catch(() => undefined);
  return Array.isArray(answer) ? answer.filter((a): a is BaseImageAdvice => typeof (a as BaseImageAdvice)?.image === 'string' && Array.isArray((a as BaseImageAdvice).recommendation?.candidates)) : [];
}

