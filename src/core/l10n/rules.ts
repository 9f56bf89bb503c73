/**
 * Rule texts (title, why, how) in the user's language. English is the rule's own metadata; the
 * other languages are data files under l10n/ keyed by rule id (`l10n/rules.zh-cn.json`), kept
 * complete and in step with the English by test/unit/rules-zh-cn.test.ts. A rule or a field a
 * language lacks falls back to English. The locale is one the core has (`Locale` of ./index,
 * `en` or `zh-cn`, any case): callers read the user's spelling (`zh_CN.UTF-8`, `zh-Hans`) with
 * `normalizeLocale` first; anything else is English. This module imports nothing of ./index, so
 * ./index can re-export it.
 */
import type { RuleMeta } from '../model';
import { ruleDocsUrl } from '../report/docs';
import zhCn from '../../../l10n/rules.zh-cn.json';

/** The texts of a rule that are translated. */
export interface RuleText {
  title: string;
  description: string;
  remediation: string;
}

/** The locales of rule texts: English (the rules' own metadata) and those with a data file. */
export type RuleLocale = 'en' | 'zh-cn';

type Catalog = Readonly<Record<string, Partial<RuleText> | undefined>>;

const CATALOGS: Readonly<Record<Exclude<RuleLocale, 'en'>, Catalog>> = { 'zh-cn': zhCn as Catalog };

function localeOf(locale: string | undefined): RuleLocale {
  return locale?.toLowerCase() === 'zh-cn' ? 'zh-cn' : 'en';
}

/** The title, description and remediation of a rule in a locale, each falling back to English. */
export function ruleText(rule: Pick<RuleMeta, 'id' | 'title' | 'description' | 'remediation'>, locale?: string): RuleText {
  const lang = localeOf(locale);
  const entry = lang === 'en' ? undefined : Object.prototype.hasOwnProperty.call(CATALOGS[lang], rule.id) ? CATALOGS[lang][rule.id] : undefined;
  return {
    title: entry?.title || rule.title,
    description: entry?.description || rule.description,
    remediation: entry?.remediation || rule.remediation,
  };
}

/** Whether a language has its own texts for a rule (its documentation page exists). */
export function hasRuleText(ruleId: string, locale?: string): boolean {
  const lang = localeOf(locale);
  return lang === 'en' || Object.prototype.hasOwnProperty.call(CATALOGS[lang], ruleId);
}

/** The ids a language's data file has texts for (tests compare them with the rules). */
export function ruleTextIds(locale: Exclude<RuleLocale, 'en'>): string[] {
  return Object.keys(CATALOGS[locale]);
}

/**
 * The public documentation page of a rule in a locale: `docs/rules/zh-cn/<id>.md` for Simplified
 * Chinese where the rule has Chinese texts (the page is generated from them), else the English page.
 */
export function ruleDocsUrlFor(ruleId: string, locale?: string): string {
  const lang = localeOf(locale);
  const en = ruleDocsUrl(ruleId);
  if (lang === 'en' || !hasRuleText(ruleId, lang)) return en;
  const slash = en.lastIndexOf('/');
  return `${en.slice(0, slash + 1)}${lang}/${en.slice(slash + 1)}`;
}
