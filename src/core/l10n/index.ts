/**
 * The core's messages in the user's locale. Findings carry their English `message` and, where a
 * rule wrote it as a template (`text.ts`), its `l10n` form; this module renders them with a
 * locale's catalogue (`l10n/core.<locale>.json`, keyed by template id). English is the text the
 * core already produced, so rendering English costs nothing. Pure: the bundles are imported.
 */
import type { Finding, Fix, RelatedInfo } from '../model';
import { Catalogue, Text, renderText } from './text';
import { Locale, normalizeLocale } from './locale';
import zhCn from '../../../l10n/core.zh-cn.json';

export type { Arg, Args, Msg, Text, Title, TitleLike } from './text';
export { english, fill, fixTitle, frag, msg, renderText, titleOf } from './text';
export type { Locale } from './locale';
export { LOCALES, normalizeLocale } from './locale';

const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en: undefined, 'zh-cn': zhCn as Record<string, string> };

/** The catalogue (template id → translated template) of a locale; undefined for English. */
export function catalogueOf(locale: Locale): Catalogue {
  return CATALOGUES[locale];
}

/**
 * The locale of a process environment as gettext reads it: `LC_ALL`, then `LC_MESSAGES`, then
 * `LANG` (the first one set and not empty decides; `LANGUAGE` is a list for gettext's own
 * catalogues and only consulted when the decisive one is not C/POSIX).
 */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): Locale {
  const decisive = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  if (!decisive || /^(C|POSIX)(\.|$)/.test(decisive)) return 'en';
  const fromList = env.LANGUAGE?.split(':').find((v) => v !== '');
  return normalizeLocale(fromList ?? decisive);
}

/** A text (template) in a locale, `fallback` (the English already rendered) when there is none. */
export function localize(text: Text | undefined, fallback: string, locale: Locale): string {
  const catalogue = CATALOGUES[locale];
  return text && catalogue ? renderText(text, catalogue) : fallback;
}

/** A finding's message in a locale. */
export function findingMessage(f: Finding, locale: Locale): string {
  return localize(f.l10n, f.message, locale);
}

/** A related information's message in a locale. */
export function relatedMessage(r: RelatedInfo, locale: Locale): string {
  return localize(r.l10n, r.message, locale);
}

/** A fix's title in a locale. */
export function fixTitleIn(fix: Fix, locale: Locale): string {
  return localize(fix.l10n, fix.title, locale);
}

/** A fix under another title; its edits are the original's, read when read (fixes may compute them lazily). */
class LocalizedFix implements Fix {
  readonly kind: Fix['kind'];
  readonly safe: boolean;
  readonly preferred?: boolean;
  readonly snippet?: boolean;
  readonly l10n?: Text;
  constructor(private readonly base: Fix, readonly title: string) {
    this.kind = base.kind;
    this.safe = base.safe;
    if (base.preferred !== undefined) this.preferred = base.preferred;
    if (base.snippet !== undefined) this.snippet = base.snippet;
    if (base.l10n) this.l10n = base.l10n;
  }
  get edits(): Fix['edits'] {
    return this.base.edits;
  }
  toJSON(): object {
    return { title: this.title, kind: this.kind, safe: this.safe, preferred: this.preferred, snippet: this.snippet, l10n: this.l10n, edits: this.edits };
  }
}

/**
 * A finding with its message, related messages and fix titles in a locale: the same object for
 * English, else a shallow copy (the ranges, edits and references are shared).
 */
export function localizeFinding(f: Finding, locale: Locale): Finding {
  if (!CATALOGUES[locale]) return f;
  const out: Finding = { ...f, message: findingMessage(f, locale) };
  if (f.related) out.related = f.related.map((r) => (r.l10n ? { ...r, message: relatedMessage(r, locale) } : r));
  if (f.fixes) out.fixes = f.fixes.map((x) => (x.l10n ? new LocalizedFix(x, fixTitleIn(x, locale)) : x));
  return out;
}

/** Findings in a locale (the same array for English). */
export function localizeFindings(findings: readonly Finding[], locale: Locale): Finding[] {
  return CATALOGUES[locale] ? findings.map((f) => localizeFinding(f, locale)) : (findings as Finding[]);
}
