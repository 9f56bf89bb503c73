/**
 * The CLI's own words in the user's locale (`--lang`, else LC_ALL / LC_MESSAGES / LANG): the
 * summary lines of check and fix, skip notes, the help frame. Templates as in the core
 * (`core/l10n/text.ts`), translated in the same bundle (`l10n/core.<locale>.json`, ids `cli.*`).
 */
import { Arg, Locale, Text, english, frag, localeFromEnv, localize, normalizeLocale } from '../core/l10n';
import { UsageError } from './io';

export type { Locale } from '../core/l10n';

/** A template in a locale. */
export function say(locale: Locale, text: Text): string {
  return locale === 'en' ? english(text) : localize(text, english(text), locale);
}

/** Words that may be a template (an error's `l10n`) or a plain message, in a locale. */
export function sayWords(locale: Locale, words: string | Text): string {
  return typeof words === 'string' ? words : say(locale, words);
}

/**
 * Takes `--lang LOCALE` / `--lang=LOCALE` out of a command line (anywhere: it is a global
 * option) and returns the locale it names, else the environment's; an unknown locale is English.
 */
export function takeLocale(argv: string[], env: Readonly<Record<string, string | undefined>>): { argv: string[]; locale: Locale } {
  const rest: string[] = [];
  let asked: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--lang') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('-')) throw new UsageError(frag('cli.lang.expects', '--lang expects a locale (en, zh-cn)'));
      asked = v;
      i++;
    } else if (a.startsWith('--lang=')) {
      asked = a.slice('--lang='.length);
    } else rest.push(a);
  }
  return { argv: rest, locale: asked !== undefined ? normalizeLocale(asked) : localeFromEnv(env) };
}

export const count = {
  files: (n: number): Text => (n === 1 ? frag('cli.count.file', '{n} file', { n }) : frag('cli.count.files', '{n} files', { n })),
  problems: (n: number): Text => (n === 1 ? frag('cli.count.problem', '{n} problem', { n }) : frag('cli.count.problems', '{n} problems', { n })),
  fixes: (n: number): Text => (n === 1 ? frag('cli.count.fix', '{n} fix', { n }) : frag('cli.count.fixes', '{n} fixes', { n })),
};

/** "a, b, c" (the severities of a summary) in the locale. */
export function listOf(items: readonly Arg[]): Arg {
  let out: Arg = items[0] ?? '';
  for (let i = 1; i < items.length; i++) out = frag('cli.list', '{a}, {b}', { a: out, b: items[i] });
  return out;
}
