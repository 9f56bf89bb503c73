/**
 * The "Compare Base Images" page: the current base and its candidates side by side with their
 * vulnerability counts. Everything shown comes from the catalogue, the Dockerfile or a scanner and
 * is escaped; the page's only script posts the index of the row whose "Use" button was pressed
 * (the extension swaps to its own copy of that row, never to a reference the page sends).
 * No `vscode` import: unit-tested in plain Node.
 */
import { escapeHtml, safeHttpUrl } from '../scan/detailsHtml';

export type CountedSeverity = 'critical' | 'high' | 'medium' | 'low';
export const COUNTED_SEVERITIES: readonly CountedSeverity[] = ['critical', 'high', 'medium', 'low'];

export interface CompareRow {
  reference: string;
  current: boolean;
  /** Why the candidate fits (the catalogue's note). */
  note?: string;
  source?: string;
  /** Scan result: counts by severity, or why there are none. */
  counts?: Record<CountedSeverity, number>;
  /** Vulnerabilities of other severities (negligible, unknown). */
  other?: number;
  error?: string;
  /** The FROM may be switched to this row's reference. */
  swappable: boolean;
}

export interface CompareLabels {
  title: string;
  image: string;
  severities: Record<CountedSeverity, string>;
  other: string;
  current: string;
  use: string;
  source: string;
  failed: string;
  multiStage: string;
  scanner: string;
  /** The language of these labels, for the page's `lang` (`htmlLang`). */
  lang: string;
}

/** The page. `nonce` guards the one style and the one script (CSP: nothing else runs or loads). */
export function compareHtml(rows: readonly CompareRow[], labels: CompareLabels, scanner: string, nonce: string): string {
  const safeNonce = nonce.replace(/[^A-Za-z0-9+/=]/g, '');
  const body = rows.map((r, i) => {
    const cells = r.counts
      ? COUNTED_SEVERITIES.map((s) => `<td class="n ${s}">${r.counts![s]}</td>`).join('') + `<td class="n">${r.other ?? 0}</td>`
      : `<td colspan="5" class="muted">${escapeHtml(labels.failed)}${r.error ? `: ${escapeHtml(r.error)}` : ''}</td>`;
    const source = safeHttpUrl(r.source);
    const note = [r.note ? escapeHtml(r.note) : '', source ? `<a href="${escapeHtml(source)}">${escapeHtml(labels.source)}</a>` : ''].filter(Boolean).join(' · ');
    const action = r.current
      ? `<span class="muted">${escapeHtml(labels.current)}</span>`
      : r.swappable
        ? `<button data-row="${i}">${escapeHtml(labels.use)}</button>`
        : `<span class="muted">${escapeHtml(labels.multiStage)}</span>`;
    return `<tr${r.current ? ' class="current"' : ''}><th><code>${escapeHtml(r.reference)}</code>${note ? `<div class="note">${note}</div>` : ''}</th>${cells}<td>${action}</td></tr>`;
  }).join('\n');
  const heads = COUNTED_SEVERITIES.map((s) => `<th class="n">${escapeHtml(labels.severities[s])}</th>`).join('');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(labels.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${safeNonce}'; script-src 'nonce-${safeNonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(labels.title)}</title>
<style nonce="${safeNonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.4em 0.8em; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.critical { color: var(--vscode-errorForeground); font-weight: bold; }
.current th { font-weight: bold; }
.note, .muted { color: var(--vscode-descriptionForeground); font-weight: normal; }
a { color: var(--vscode-textLink-foreground); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 0.3em 0.8em; cursor: pointer; }
</style>
</head>
<body>
<h1>${escapeHtml(labels.title)}</h1>
<p class="muted">${escapeHtml(labels.scanner)}: ${escapeHtml(scanner)}</p>
<table>
<tr><th>${escapeHtml(labels.image)}</th>${heads}<th class="n">${escapeHtml(labels.other)}</th><th></th></tr>
${body}
</table>
<script nonce="${safeNonce}">
const vscode = acquireVsCodeApi();
for (const b of document.querySelectorAll('button[data-row]')) b.addEventListener('click', () => vscode.postMessage({ type: 'swap', row: Number(b.dataset.row) }));
</script>
</body>
</html>
`;
}
