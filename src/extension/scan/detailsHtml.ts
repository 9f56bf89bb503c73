/**
 * The vulnerability details page and the tree's tooltips, rendered from report data that comes
 * from outside (a scanner, a report file): everything is escaped, links are http(s) only, and the
 * page runs no script. No `vscode` import: unit-tested in plain Node.
 */
import type { ScanReport, Vulnerability } from '../../core/scan/model';
import { normalizeLocale } from '../../core/l10n/locale';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The URL when it is an absolute http(s) URL, else undefined (no `javascript:`, `command:`, `file:`). */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Markdown with every character that could format, link or embed HTML backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

/** The advisory to open for a vulnerability: its first http(s) URL. */
export function advisoryUrl(v: Pick<Vulnerability, 'urls'>): string | undefined {
  for (const u of v.urls) {
    const safe = safeHttpUrl(u);
    if (safe) return safe;
  }
  return undefined;
}

/** Labels of the details page, translated by the caller. */
export interface DetailsLabels {
  severity: string;
  package: string;
  installed: string;
  fixedIn: string;
  noFix: string;
  status: string;
  cvss: string;
  aliases: string;
  image: string;
  scanner: string;
  layer: string;
  target: string;
  links: string;
  noDescription: string;
  /** The language of these labels, for the page's `lang` (`htmlLang`). */
  lang: string;
}

/**
 * The `lang` of a page whose words come from our catalogues in VS Code's display language: zh-CN
 * where we have a Simplified Chinese catalogue, else en (the words fall back to English).
 */
export function htmlLang(language: string | undefined): string {
  return normalizeLocale(language) === 'zh-cn' ? 'zh-CN' : 'en';
}

/** The details page of one vulnerability: a strict CSP (no script at all; styles by nonce only). */
export function vulnerabilityDetailsHtml(v: Vulnerability, report: ScanReport, labels: DetailsLabels, nonce: string): string {
  const row = (label: string, value: string | undefined): string =>
    value ? `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>` : '';
  const cvss = v.cvss
    ? [v.cvss.score !== undefined ? String(v.cvss.score) : undefined, v.cvss.vector, v.cvss.source ? `(${v.cvss.source})` : undefined].filter(Boolean).join(' ')
    : undefined;
  const links = v.urls
    .map((u) => safeHttpUrl(u))
    .filter((u): u is string => !!u)
    .map((u) => `<li><a href="${escapeHtml(u)}">${escapeHtml(u)}</a></li>`)
    .join('');
  const description = v.description
    ? v.description.split(/\r?\n\s*\r?\n/).map((p) => `<p>${escapeHtml(p)}</p>`).join('')
    : `<p class="muted">${escapeHtml(labels.noDescription)}</p>`;
  const safeNonce = nonce.replace(/[^A-Za-z0-9+/=]/g, '');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(labels.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${safeNonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(v.id)}</title>
<style nonce="${safeNonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; line-height: 1.5; }
th { text-align: left; padding-right: 1.5em; vertical-align: top; color: var(--vscode-descriptionForeground); font-weight: normal; }
.sev { text-transform: uppercase; font-weight: bold; }
.muted { color: var(--vscode-descriptionForeground); }
a { color: var(--vscode-textLink-foreground); word-break: break-all; }
</style>
</head>
<body>
<h1>${escapeHtml(v.id)}</h1>
<h2>${escapeHtml(v.title)}</h2>
<table>
<tr><th>${escapeHtml(labels.severity)}</th><td class="sev">${escapeHtml(v.severity)}</td></tr>
${row(labels.package, v.pkgType ? `${v.pkg} (${v.pkgType})` : v.pkg)}
${row(labels.installed, v.installed)}
${row(labels.fixedIn, v.fixedIn ?? labels.noFix)}
${row(labels.status, v.status)}
${row(labels.cvss, cvss)}
${row(labels.aliases, v.aliases.length ? v.aliases.join(', ') : undefined)}
${row(labels.image, report.image.reference)}
${row(labels.scanner, report.scannerVersion ? `${report.scanner} ${report.scannerVersion}` : report.scanner)}
${row(labels.target, v.target)}
${row(labels.layer, v.layer)}
</table>
${description}
${links ? `<h3>${escapeHtml(labels.links)}</h3><ul>${links}</ul>` : ''}
</body>
</html>
`;
}
