/** Conversions between the core's plain data and VS Code types. No Dockerfile/YAML semantics here. */
import * as vscode from 'vscode';
import { Finding, Range, Severity, TextEdit } from '../core';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromRange(r: vscode.Range): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

const DIAGNOSTIC_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'Shipshape';

/** A core finding as a VS Code diagnostic, with its rule id linking to the rule's docs page. */
export function toDiagnostic(finding: Finding, uri: vscode.Uri, docsUri: (ruleId: string) => vscode.Uri | undefined): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(finding.range), finding.message, DIAGNOSTIC_SEVERITY[finding.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  const target = docsUri(finding.ruleId);
  d.code = target ? { value: finding.ruleId, target } : finding.ruleId;
  if (finding.related?.length) {
    d.relatedInformation = finding.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(r.range)), r.message));
  }
  if (finding.tags?.length) {
    d.tags = finding.tags.map((t) => (t === 'unnecessary' ? vscode.DiagnosticTag.Unnecessary : vscode.DiagnosticTag.Deprecated));
  }
  return d;
}

/** A rule id of a Shipshape diagnostic, or undefined for other sources. */
export function ruleIdOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = d.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}

/** Core text edits as a WorkspaceEdit on one document. */
export function toWorkspaceEdit(uri: vscode.Uri, edits: readonly TextEdit[], label?: string): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  const metadata = label ? { label, needsConfirmation: false } : undefined;
  for (const e of edits) {
    if (metadata) we.replace(uri, toRange(e.range), e.newText, metadata);
    else we.replace(uri, toRange(e.range), e.newText);
  }
  return we;
}
