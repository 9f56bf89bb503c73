/** Core findings and fixes as LSP data. Pure: no `vscode`, no connection. */
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, DiagnosticTag, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { FileKind, Finding, Fix, Range, Severity, severityRank, TextEdit } from '../core/model';
import { ruleDocsUrl } from '../core/report/docs';
import { english, Locale, findingMessage, fixTitleIn, frag, localize, normalizeLocale, relatedMessage, Text } from '../core/l10n';
import { session } from './session';
import { RENDER_PROBLEM_IDS } from '../core/render';
import { pathToFileURL } from 'url';
import { suppressionEdit } from '../core/suppressEdit';
import { snippetToPlainText } from './snippetText';
import { escapeMarkdown, messageMarkdown, orderForHover, shortReference } from './hoverText';
import { CodeActionData, DIAGNOSTIC_SOURCE, FindingsAtResult, FIX_ALL_KIND } from './protocol';

export { DIAGNOSTIC_SOURCE, FIX_ALL_KIND };
/** The most entries Shipshape adds to a quick-fix menu (as in the VS Code extension). */
export const MAX_ACTIONS = 12;

/** The same mapping as the VS Code extension's diagnostics. */
const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  critical: DiagnosticSeverity.Error,
  high: DiagnosticSeverity.Error,
  medium: DiagnosticSeverity.Warning,
  low: DiagnosticSeverity.Information,
  info: DiagnosticSeverity.Hint,
};

/** The locale findings are shown in: the client's (`initializationOptions.locale`, else InitializeParams.locale). */
function locale(): Locale {
  return normalizeLocale(session.locale);
}

export function toDiagnostic(f: Finding, uri: string): Diagnostic {
  const lc = locale();
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: DIAGNOSTIC_SOURCE,
    code: f.ruleId,
    codeDescription: { href: ruleDocsUrl(f.ruleId) },
    message: findingMessage(f, lc),
  };
  // A render's own problem (on Chart.yaml / the kustomization) is no rule: no page to link.
  if (RENDER_PROBLEM_IDS.has(f.ruleId)) delete d.codeDescription;
  // Related information in another file (the values file of a rendered chart, a Compose `extends.file`): an absolute path there.
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: r.file ? relatedUri(r.file, uri) : uri, range: r.range }, message: relatedMessage(r, lc) }));
  if (f.tags?.length) d.tags = f.tags.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  return d;
}

/** A related file as a URI: an absolute path as a file URI, a relative one beside the document's file. */
function relatedUri(file: string, uri: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return pathToFileURL(file).href;
  try { return new URL(file.split('\\').join('/'), uri).href; } catch { return uri; }
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function contains(r: Range, line: number, character: number): boolean {
  const afterStart = line > r.start.line || (line === r.start.line && character >= r.start.character);
  const beforeEnd = line < r.end.line || (line === r.end.line && character <= r.end.character);
  return afterStart && beforeEnd;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function edit(uri: string, edits: readonly TextEdit[]): WorkspaceEdit {
  return { changes: { [uri]: edits.map((e): LspTextEdit => ({ range: e.range, newText: e.newText })) } };
}

interface Hit { diagnostic: Diagnostic; finding: Finding }

/**
 * The findings a code action request is about: those matching the request's diagnostics (our
 * source, same rule, same range); a client that sends no diagnostics gets the findings
 * overlapping the requested range.
 */
export function hitsFor(findings: readonly Finding[], uri: string, diagnostics: readonly Diagnostic[], range: Range): Hit[] {
  const ours = diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE || d.source === undefined);
  if (ours.length) {
    const hits: Hit[] = [];
    for (const diagnostic of ours) {
      const finding = findings.find((f) => f.ruleId === String(diagnostic.code) && sameRange(diagnostic.range, f.range));
      if (finding) hits.push({ diagnostic, finding });
    }
    return hits;
  }
  return findings.filter((f) => overlaps(f.range, range)).map((finding) => ({ finding, diagnostic: toDiagnostic(finding, uri) }));
}

/**
 * Quick fixes for the findings under the cursor, as in the VS Code extension: each distinct fix
 * once, ranked by how many findings it resolves, then severity, then preference; then one ignore
 * entry per line ("for this line", and "for this file" per rule). Edits only: snippet fixes are
 * applied with their placeholders' defaults, since LSP text edits carry no snippets.
 */
export function quickFixes(uri: string, text: string, kind: FileKind, hits: readonly Hit[], limit = MAX_ACTIONS): CodeAction[] {
  if (!hits.length) return [];
  const byKey = new Map<string, { fix: Fix; hits: Hit[]; rank: number; order: number }>();
  for (const hit of hits) {
    for (const fix of hit.finding.fixes ?? []) {
      if (fix.kind === 'refactor' || fix.edits.length === 0) continue;
      const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { fix, hits: [], rank: -1, order: byKey.size }));
      if (!entry.hits.some((h) => h.finding.ruleId === hit.finding.ruleId)) entry.hits.push(hit);
      entry.rank = Math.max(entry.rank, severityRank(hit.finding.severity));
    }
  }
  const ranked = [...byKey.values()].sort((a, b) => b.hits.length - a.hits.length || b.rank - a.rank
    || Number(Boolean(b.fix.preferred)) - Number(Boolean(a.fix.preferred)) || a.order - b.order);
  const rules = new Set(hits.map((h) => h.finding.ruleId)).size;
  const fixes: CodeAction[] = ranked.map((e) => {
    const data: CodeActionData = { shipshape: 'fix', rules: e.hits.map((h) => h.finding.ruleId) };
    if (e.fix.snippet && e.fix.edits.length === 1) data.snippet = { range: e.fix.edits[0].range, text: e.fix.edits[0].newText };
    return {
      title: fixTitleIn(e.fix, locale()),
      kind: CodeActionKind.QuickFix,
      diagnostics: e.hits.map((h) => h.diagnostic),
      isPreferred: Boolean(e.fix.preferred) && e.hits.length === rules,
      edit: edit(uri, e.fix.snippet ? e.fix.edits.map((x) => ({ range: x.range, newText: snippetToPlainText(x.newText) })) : e.fix.edits),
      data,
    };
  });
  const meta = ignoreActions(uri, text, kind, hits);
  // limit 0: every fix (the client trims its own menu).
  return [...(limit > 0 ? fixes.slice(0, Math.max(1, limit - meta.length)) : fixes), ...meta];
}

function ignoreActions(uri: string, text: string, kind: FileKind, hits: readonly Hit[]): CodeAction[] {
  const byLine = new Map<number, Hit[]>();
  for (const hit of [...hits].sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity))) {
    const line = hit.diagnostic.range.start.line;
    const list = byLine.get(line) ?? [];
    if (!list.some((h) => h.finding.ruleId === hit.finding.ruleId)) list.push(hit);
    byLine.set(line, list);
  }
  const several = byLine.size > 1;
  const actions: CodeAction[] = [];
  const fileRules = new Set<string>();
  for (const [line, lineHits] of [...byLine].sort((a, b) => a[0] - b[0])) {
    const ids = lineHits.map((h) => h.finding.ruleId);
    const diagnostics = lineHits.map((h) => h.diagnostic);
    const title = inLocale(ids.length === 1 ? frag('server.ignore.line', 'Ignore {rule} for this line', { rule: ids[0] })
      : several ? frag('server.ignore.findings-on-line', 'Ignore the {n} findings on line {line}', { n: ids.length, line: line + 1 })
        : frag('server.ignore.findings-on-this-line', 'Ignore the {n} findings on this line', { n: ids.length }));
    const lineData: CodeActionData = { shipshape: 'ignoreLine', rules: ids, line, several };
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics, edit: edit(uri, [suppressionEdit(text, kind, ids.join(','), 'line', line)]), data: lineData });
    for (const id of ids) {
      if (fileRules.has(id)) continue;
      fileRules.add(id);
      const ds = diagnostics.filter((d) => String(d.code) === id);
      const fileData: CodeActionData = { shipshape: 'ignoreFile', rules: [id], ...(ids.length > 1 ? { stacked: ids } : {}) };
      actions.push({ title: inLocale(frag('server.ignore.file', 'Ignore {rule} for this file', { rule: id })), kind: CodeActionKind.QuickFix, diagnostics: ds, edit: edit(uri, [suppressionEdit(text, kind, id, 'file', 0)]), data: fileData });
    }
  }
  return actions;
}

/** The title of the fix-all source action, in the client's locale. */
export function fixAllTitle(): string {
  return inLocale(frag('server.fix-all', 'Fix all safe Shipshape problems'));
}

/** A whole-document fix (fix-all, the multi-stage refactor) as a code action. */
export function documentAction(uri: string, title: string, kind: string, edits: readonly TextEdit[]): CodeAction {
  const data: CodeActionData = { shipshape: kind === FIX_ALL_KIND ? 'fixAll' : 'refactor' };
  return { title, kind, edit: edit(uri, edits), data };
}

const SEVERITY_LABEL: Record<Severity, Text> = {
  critical: frag('server.severity.critical', 'Critical'), high: frag('server.severity.high', 'High'), medium: frag('server.severity.medium', 'Medium'),
  low: frag('server.severity.low', 'Low'), info: frag('server.severity.info', 'Info'),
};

/** A text of the server's own in the client's locale. */
function inLocale(text: Text): string {
  return localize(text, english(text), locale());
}

/** The findings a hover at a position shows (most severe first, each once) and the range they share. */
export function findingsAt(findings: readonly Finding[], line: number, character: number): FindingsAtResult | undefined {
  const hits = orderForHover(findings.filter((f) => contains(f.range, line, character)));
  if (!hits.length) return undefined;
  let range = hits[0].range;
  for (const f of hits.slice(1)) {
    const start = f.range.start.line > range.start.line || (f.range.start.line === range.start.line && f.range.start.character > range.start.character) ? f.range.start : range.start;
    const end = f.range.end.line < range.end.line || (f.range.end.line === range.end.line && f.range.end.character < range.end.character) ? f.range.end : range.end;
    if (start.line < end.line || (start.line === end.line && start.character <= end.character)) range = { start, end };
  }
  const lc = locale();
  return { findings: hits.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: findingMessage(f, lc), references: [...f.references] })), range };
}

/** The hover at a position: the findings there, most severe first, one line each, and the docs links. */
export function hoverAt(findings: readonly Finding[], line: number, character: number): { contents: { kind: 'markdown'; value: string }; range: Range } | undefined {
  const at = findingsAt(findings, line, character);
  if (!at) return undefined;
  const lines = at.findings.map((f) => {
    const refs = f.references.map(shortReference);
    return `**${inLocale(SEVERITY_LABEL[f.severity])}** ${messageMarkdown(f.message)} · [\`${f.ruleId}\`](${ruleDocsUrl(f.ruleId)})${refs.length ? ` · ${refs.map(escapeMarkdown).join(', ')}` : ''}`;
  });
  return { contents: { kind: 'markdown', value: lines.join('\n\n') }, range: at.range };
}
