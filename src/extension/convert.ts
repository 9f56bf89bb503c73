/** Conversions between the protocol's plain data and VS Code types. No Dockerfile/YAML semantics here. */
import * as vscode from 'vscode';
import type { Range } from '../core/model';
import { DIAGNOSTIC_SOURCE } from '../server/protocol';

export { DIAGNOSTIC_SOURCE };

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A rule id of a Shipshape diagnostic, or undefined for other sources. */
export function ruleIdOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = d.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}
